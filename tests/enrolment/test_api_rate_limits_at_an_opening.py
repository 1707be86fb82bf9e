"""The public API's rate limits at an opening, with the pages' verdict and words: a school's
shared network is not locked out, one e-mail address or one link token is, and a refusal
is a 429 with Retry-After and a Dutch message that says when to try again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from enrolment import events
from enrolment.models import Submission
from enrolment.services import submission_create
from tests import factories
from tests.enrolment.test_api_public_enrolment_flow import form, post
from tests.enrolment.test_public_enrolment_form import form_data, form_url
from tests.enrolment.test_rate_limits_at_an_opening import FIRST_NAMES
from tests.enrolment.world import SOLE, child, make_published_group

pytestmark = pytest.mark.django_db

SCHOOL_NETWORK = "203.0.113.60"


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def limit(settings: Any, name: str) -> int:
    return int(settings.ENROLMENT_RATE_LIMITS[name])


def enroller(email: str) -> dict[str, Any]:
    return {"name": "Anna de Boer", "email": email, "authority": "joint", "language": "nl"}


def test_thirty_parents_on_one_school_network_each_enrol_through_the_api(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    for number, first in enumerate(FIRST_NAMES):
        body = form(group, host, first=first, enroller=enroller(f"ouder{number}@example.org"))
        answer = post(client, "public/enrolments/", body, REMOTE_ADDR=SCHOOL_NETWORK)
        assert answer.status_code == 201, (number, answer.status_code)
    assert Submission.objects.count() == 30


def test_one_email_address_is_refused_with_retry_after_and_dutch_words(
    client: Client, group: Any, host: Any, consent_text: Any, settings: Any, _today: Any
) -> None:
    invalid = form(group, host, enroller=enroller("anna@example.org"))
    invalid["consent_text_version"] = ""  # refused (400), nothing saved; still counted
    for n in range(limit(settings, "submit-per-email")):
        answer = post(client, "public/enrolments/", invalid, REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert answer.status_code == 400
    _today.shift(dt.timedelta(minutes=7))  # 3 of the window's 10 minutes are left

    body = form(group, host, enroller=enroller("Anna@Example.org"))
    refused = post(client, "public/enrolments/", body, REMOTE_ADDR="192.0.2.1")

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(3 * 60)
    assert refused.json() == {
        "detail": "Er is kort na elkaar veel verstuurd. Wat u nu verstuurde, is nog niet "
        "bewaard. Probeer het over ongeveer 3 minuten opnieuw."
    }
    assert Submission.objects.count() == 0


def test_the_page_and_the_api_count_one_email_address_together(
    client: Client, group: Any, host: Any, consent_text: Any, settings: Any
) -> None:
    incomplete = form_data(group, host, consent="")  # anna@example.org, not saved
    for n in range(limit(settings, "submit-per-email")):
        client.post(form_url(group, host), incomplete, REMOTE_ADDR=f"198.51.100.{n + 1}")
    body = form(group, host)  # anna@example.org again, now through the API
    assert post(client, "public/enrolments/", body, REMOTE_ADDR="192.0.2.1").status_code == 429


def test_one_link_token_is_limited_however_many_networks_it_comes_from(
    client: Client, group: Any, host: Any, consent_text: Any, settings: Any, emitted: list[Any]
) -> None:
    submission_create(
        children=[child(group, host)], enroller=SOLE, other_guardians=[], consent_text=consent_text
    )
    token = next(e for e in emitted if isinstance(e, events.EnrolmentReceived)).confirm_token
    for n in range(limit(settings, "link-per-token")):
        answer = post(client, "public/links/status/", {"token": token}, REMOTE_ADDR=f"10.1.0.{n}")
        assert answer.status_code == 200
    refused = post(client, "public/links/status/", {"token": token}, REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    assert "Probeer het over ongeveer 10 minuten opnieuw." in refused.json()["detail"]
    # Another link on that network still answers.
    other = post(client, "public/links/status/", {"token": "y" * 43}, REMOTE_ADDR="192.0.2.1")
    assert other.status_code == 400


def test_a_child_refused_on_their_own_link_is_spoken_to_as_je(
    client: Client, kies: Any, consent_text: Any, settings: Any, emitted: list[Any]
) -> None:
    kies.audience, kies.grade_min, kies.grade_max = "vo", 1, 6
    kies.save()
    vo = factories.SchoolFactory(school_type="vo")
    group = make_published_group(kies, vo)
    born = dt.date(timezone.localdate().year - 13, 5, 1)
    submission_create(
        children=[child(group, vo, born=born, grade=2)],
        enroller=SOLE,
        other_guardians=[],
        consent_text=consent_text,
    )
    confirm = next(e for e in emitted if isinstance(e, events.EnrolmentReceived)).confirm_token
    post(client, "public/links/confirm/", {"token": confirm, "consent_given": True})
    token = next(e for e in emitted if isinstance(e, events.ConsentRequested) and e.for_child).token
    settings.ENROLMENT_RATE_LIMITS = {**settings.ENROLMENT_RATE_LIMITS, "link-per-token": 0}

    refused = post(client, "public/links/consent/", {"token": token, "given": True})

    assert refused.status_code == 429
    assert refused.json()["detail"] == (
        "Er is kort na elkaar veel verstuurd. Je antwoord is nog niet bewaard. Probeer het over "
        "ongeveer 10 minuten nog een keer."
    )

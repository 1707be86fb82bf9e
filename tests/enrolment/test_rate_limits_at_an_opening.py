"""The pages' rate limits at an opening: a school's shared network is not locked out, one
e-mail address or one link is; a refusal speaks to a child as "je" and to a parent as "u",
says in about how many minutes to try again, and gives the form back as it was typed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from enrolment import events
from enrolment.models import Authority, Consent, ConsentParty, Enrolment, Interest, Submission
from enrolment.services import GuardianInput, submission_create
from tests import factories
from tests.enrolment.test_public_enrolment_form import form_data, form_url
from tests.enrolment.world import MOTHER, SOLE, child, make_published_group

pytestmark = pytest.mark.django_db

SCHOOL_NETWORK = "203.0.113.50"
FIRST_NAMES = [
    "Sam",
    "Mila",
    "Noah",
    "Emma",
    "Liam",
    "Julia",
    "Lucas",
    "Tess",
    "Finn",
    "Sara",
    "Daan",
    "Nora",
    "Levi",
    "Zoë",
    "Mees",
    "Evi",
    "Luuk",
    "Fenna",
    "Bram",
    "Lotte",
    "Jesse",
    "Roos",
    "Thijs",
    "Anna",
    "Ruben",
    "Fleur",
    "Sem",
    "Isa",
    "Milan",
    "Yara",
]


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def main_text(response: Any) -> str:
    """The words of the page's main part (not the site's header and footer), tags removed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def addresses_the_reader_as_u(text: str) -> bool:
    return re.search(r"\b(?:u|uw|U|Uw|alstublieft)\b", text) is not None


def limit(settings: Any, name: str) -> int:
    return int(settings.ENROLMENT_RATE_LIMITS[name])


def test_thirty_parents_on_one_school_network_each_enrol_during_an_opening(
    group: Any, host: Any, consent_text: Any
) -> None:
    for number, first in enumerate(FIRST_NAMES):
        parent = Client()  # each parent's own browser, all behind the school's one address
        response = parent.post(
            form_url(group, host),
            form_data(
                group,
                host,
                **{"child-0-first_name": first, "email": f"ouder{number}@example.org"},
            ),
            REMOTE_ADDR=SCHOOL_NETWORK,
        )
        assert response.status_code == 302, (number, response.status_code)
    assert Submission.objects.count() == 30


def test_one_email_address_posting_many_times_is_limited_from_any_network(
    client: Client, group: Any, host: Any, consent_text: Any, settings: Any
) -> None:
    allowed = limit(settings, "submit-per-email")
    incomplete = form_data(group, host, consent="")  # the consent box left empty: not saved
    for n in range(allowed):
        answer = client.post(form_url(group, host), incomplete, REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert answer.status_code == 200
    refused = client.post(form_url(group, host), form_data(group, host), REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429
    assert Submission.objects.count() == 0
    # Another family on that same network still gets through.
    other = form_data(group, host, email="bram.smit@example.org")
    assert client.post(form_url(group, host), other, REMOTE_ADDR="192.0.2.1").status_code == 302


def test_a_refused_form_comes_back_as_typed_with_the_reason_and_when_to_try_again(
    client: Client, group: Any, host: Any, consent_text: Any, settings: Any, _today: Any
) -> None:
    incomplete = form_data(group, host, consent="")
    for n in range(limit(settings, "submit-per-email")):
        client.post(form_url(group, host), incomplete, REMOTE_ADDR=f"198.51.100.{n + 1}")
    _today.shift(dt.timedelta(minutes=4))  # 6 of the window's 10 minutes are left

    typed = form_data(group, host, **{"child-0-first_name": "Mila", "phone": "06 87654321"})
    refused = client.post(form_url(group, host), typed, REMOTE_ADDR="192.0.2.1")

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(6 * 60)
    page = refused.content.decode()
    assert "Probeer het over ongeveer 6 minuten opnieuw." in page
    for value in ("Mila", "de Boer", "Anna de Boer", "anna@example.org", "06 87654321"):
        assert f'value="{value}"' in page, value
    assert "Bram de Boer" in page
    assert Submission.objects.count() == 0


def test_a_refused_interest_form_keeps_the_email_address_typed(
    client: Client, kies: Any, school_a: Any, settings: Any
) -> None:
    url = f"/aanmelden/school/{school_a.pk}/belangstelling/"
    for n in range(limit(settings, "submit-per-email")):
        typed = {"programme": kies.pk, "email": "anna@example.org"}
        assert client.post(url, typed, REMOTE_ADDR=f"198.51.100.{n + 1}").status_code == 302
    refused = client.post(url, typed, REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429
    assert 'value="anna@example.org"' in refused.content.decode()
    assert "Probeer het over ongeveer 10 minuten opnieuw." in main_text(refused)
    assert Interest.objects.count() == limit(settings, "submit-per-email")


def _enrolled(group: Any, school: Any, consent_text: Any, **child_kw: Any) -> Enrolment:
    return submission_create(
        children=[child(group, school, **child_kw)],
        enroller=SOLE,
        other_guardians=[],
        consent_text=consent_text,
    ).enrolments[0]


def test_one_link_is_limited_however_many_networks_it_is_answered_from(
    client: Client, group: Any, host: Any, consent_text: Any, settings: Any, emitted: list[Any]
) -> None:
    _enrolled(group, host, consent_text)
    token = next(e for e in emitted if isinstance(e, events.EnrolmentReceived)).confirm_token
    url = f"/aanmelden/link/{token}/"
    for n in range(limit(settings, "link-per-token")):
        answer = client.post(url, {"answer": "yes"}, REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert answer.status_code == 302
    refused = client.post(url, {"answer": "yes"}, REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429
    assert "Wat u nu verstuurde, is nog niet bewaard." in main_text(refused)


def _child_consent_url(
    kies: Any, consent_text: Any, emitted: list[Any], client: Client
) -> tuple[str, Enrolment]:
    """A 13-year-old's own consent link, after the parent (sole authority) confirmed."""
    kies.audience, kies.grade_min, kies.grade_max = "vo", 1, 6
    kies.save()
    vo = factories.SchoolFactory(school_type="vo")
    group = make_published_group(kies, vo)
    born = dt.date(timezone.localdate().year - 13, 5, 1)
    enrolment = _enrolled(group, vo, consent_text, born=born, grade=2)
    received = next(e for e in emitted if isinstance(e, events.EnrolmentReceived))
    client.post(f"/aanmelden/link/{received.confirm_token}/", {"answer": "yes"})
    request = next(e for e in emitted if isinstance(e, events.ConsentRequested) and e.for_child)
    return f"/aanmelden/link/{request.token}/", enrolment


def _a_busy_network(client: Client, settings: Any) -> None:
    """Other families' link answers have used up the shared address's budget."""
    settings.ENROLMENT_RATE_LIMITS = {**settings.ENROLMENT_RATE_LIMITS, "link-per-address": 3}
    for n in range(3):
        client.post(
            f"/aanmelden/link/{'x' * 40}{n}/", {"answer": "yes"}, REMOTE_ADDR=SCHOOL_NETWORK
        )


def test_a_child_refused_on_their_own_consent_page_is_spoken_to_as_je(
    client: Client, kies: Any, consent_text: Any, settings: Any, emitted: list[Any]
) -> None:
    url, _enrolment = _child_consent_url(kies, consent_text, emitted, client)
    _a_busy_network(client, settings)

    refused = client.post(url, {"answer": "yes"}, REMOTE_ADDR=SCHOOL_NETWORK)

    assert refused.status_code == 429
    text = main_text(refused)
    assert "Je antwoord is nog niet bewaard." in text
    assert "Probeer het over ongeveer 10 minuten nog een keer." in text
    assert "Ja, ik wil meedoen" in text  # the child's own page, ready to answer again
    assert not addresses_the_reader_as_u(text), text
    assert not Consent.objects.filter(party=ConsentParty.CHILD).exists()


def test_a_parent_refused_on_a_consent_page_is_spoken_to_as_u(
    client: Client, group: Any, host: Any, consent_text: Any, settings: Any, emitted: list[Any]
) -> None:
    father = GuardianInput(name="Bram de Boer", email="bram@example.org", authority=Authority.JOINT)
    submission_create(
        children=[child(group, host)],
        enroller=MOTHER,
        other_guardians=[father],
        consent_text=consent_text,
    )
    received = next(e for e in emitted if isinstance(e, events.EnrolmentReceived))
    client.post(f"/aanmelden/link/{received.confirm_token}/", {"answer": "yes"})
    request = next(e for e in emitted if isinstance(e, events.ConsentRequested))
    _a_busy_network(client, settings)

    refused = client.post(
        f"/aanmelden/link/{request.token}/", {"answer": "yes"}, REMOTE_ADDR=SCHOOL_NETWORK
    )

    assert refused.status_code == 429
    text = main_text(refused)
    assert "Wat u nu verstuurde, is nog niet bewaard." in text
    assert "Ik geef toestemming" in text  # the consent page again, ready to answer
    assert " je " not in f" {text.lower()} "

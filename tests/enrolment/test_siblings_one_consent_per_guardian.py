"""Two siblings in one submission: each guardian is asked once, with one mail and one link,
and answers on one page with a choice per child."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from enrolment import events
from enrolment.models import AccessLink, EnrolmentStatus, LinkPurpose
from enrolment.services import consent_answer, email_confirm, submission_create
from notifications.models import OutboxMessage
from notifications.reminders import consent_reminders_send
from tests.enrolment.world import FATHER, MOTHER, child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def siblings(group: Any, host: Any, consent_text: Any, emitted: list[Any]) -> dict[str, Any]:
    result = submission_create(
        children=[
            child(group, host, first="Sam"),
            child(group, host, first="Lot", born=dt.date(2016, 6, 1), grade=5),
        ],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    received = next(e for e in emitted if isinstance(e, events.EnrolmentReceived))
    email_confirm(token=received.confirm_token, consent_given=True)
    requests = [e for e in emitted if isinstance(e, events.ConsentRequested)]
    return {"enrolments": result.enrolments, "requests": requests}


def test_two_siblings_need_one_consent_request_and_one_link_for_the_other_guardian(
    siblings: dict[str, Any],
) -> None:
    assert len(siblings["requests"]) == 1
    assert AccessLink.objects.filter(purpose=LinkPurpose.CONSENT).count() == 1
    mails = OutboxMessage.objects.filter(kind="consent_request")
    assert [m.to_email for m in mails] == ["bram@example.org"]
    assert "Sam and Lot" in mails[0].body_text  # Bram reads English


def test_one_page_asks_for_a_choice_per_child_and_one_post_answers_both(
    client: Client, siblings: dict[str, Any]
) -> None:
    sam, lot = siblings["enrolments"]
    url = f"/aanmelden/link/{siblings['requests'][0].token}/"
    client.cookies["django_language"] = "nl"
    page = client.get(url).content.decode()
    assert page.count('type="radio"') == 4
    assert f'name="answer-{sam.public_id}"' in page and f'name="answer-{lot.public_id}"' in page
    client.post(url, {f"answer-{sam.public_id}": "yes", f"answer-{lot.public_id}": "no"})
    sam.refresh_from_db()
    lot.refresh_from_db()
    assert sam.status == EnrolmentStatus.CONFIRMED
    assert lot.status == EnrolmentStatus.REFUSED
    # Back on the link: the status of both children, and Sam's consent to withdraw.
    again = client.get(url).content.decode()
    assert "Sam" in again and "Lot" in again
    assert f"toestemming-intrekken/{sam.public_id}/" in again
    assert f"toestemming-intrekken/{lot.public_id}/" not in again


def test_the_api_takes_one_answer_for_both_or_a_choice_per_child(
    client: Client, siblings: dict[str, Any]
) -> None:
    sam, lot = siblings["enrolments"]
    token = siblings["requests"][0].token
    answer = client.post(
        "/api/v1/public/links/consent/",
        {"token": token, "answers": [{"enrolment": str(lot.public_id), "given": True}]},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert [e["child_first_name"] for e in answer.json()["enrolments"]] == ["Lot"]
    both = consent_answer(token=token, given=True)
    assert both.given is True and both.recorded  # Sam's answer recorded, Lot's already was
    for enrolment in (sam, lot):
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.CONFIRMED


def test_no_choice_at_all_is_refused_with_the_same_words_on_page_and_api(
    client: Client, siblings: dict[str, Any]
) -> None:
    token = siblings["requests"][0].token
    api = client.post(
        "/api/v1/public/links/consent/", {"token": token}, content_type="application/json"
    )
    assert api.status_code == 400
    assert api.json()["answers"] == ["Kies bij elk kind ja of nee."]
    client.cookies["django_language"] = "nl"  # Bram reads English; the API speaks Dutch
    page = client.post(f"/aanmelden/link/{token}/", {}, follow=True)
    assert "Kies bij elk kind ja of nee." in [str(m) for m in page.context["messages"]]


def test_the_reminder_three_days_later_names_both_children_once(
    siblings: dict[str, Any],
) -> None:
    with time_machine.travel(dt.datetime(2026, 10, 4, 11, 0, tzinfo=dt.UTC), tick=False):
        assert consent_reminders_send() == 1
    reminder = OutboxMessage.objects.get(kind="consent_reminder")
    assert reminder.to_email == "bram@example.org"
    assert "Sam and Lot" in reminder.body_text


def test_a_child_left_to_answer_is_asked_on_the_page_even_when_it_is_not_the_first(
    client: Client, siblings: dict[str, Any]
) -> None:
    sam, lot = siblings["enrolments"]
    token = siblings["requests"][0].token
    consent_answer(token=token, answers={str(sam.public_id): True})
    page = client.get(f"/aanmelden/link/{token}/").content.decode()
    assert f'name="answer-{lot.public_id}"' in page
    assert f'name="answer-{sam.public_id}"' not in page

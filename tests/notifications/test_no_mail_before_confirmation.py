"""Issue 15, item 2: no e-mail goes to an address before its owner has confirmed it, except
the one confirmation mail. Until the enroller has confirmed their address, the addresses of
a submission are only what someone typed, perhaps someone else's: the received mail (with
the confirmation link) is the only mail written for it. What was held back and still applies
is written when they confirm, once; a seat is offered only to a family that can hear of it,
and an unconfirmed family keeps its place on the waitlist."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from core import domain_events
from enrolment import events as enrolment_events
from enrolment.models import EnrolmentStatus
from enrolment.services import enrolment_withdraw, waitlist_position
from tests.enrolment.test_api_public_enrolment_flow import form, post
from tests.factories import letters
from tests.notifications.message_support import (
    SOLE,
    confirm_email,
    enrol,
    enrol_confirmed,
    events_of,
    only_row,
    rows,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_enrolment_day")]

ANNA = "anna@example.org"  # the enroller in `form`
BRAM = "bram@example.org"  # the other guardian she types in


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


def mails_to(address: str) -> list[tuple[str, str]]:
    return [(r.kind, r.to_email) for r in rows(to_email=address)]


def confirm_by_link(client: Client, emitted: list[Any]) -> None:
    token = events_of(emitted, enrolment_events.EnrolmentReceived)[-1].confirm_token
    answer = post(client, "public/links/confirm/", {"token": token, "consent_given": True})
    assert answer.status_code == 200, answer.content


def submit(client: Client, group: Any, **body: Any) -> dict[str, Any]:
    answer = post(client, "public/enrolments/", form(group, group.host_school, **body))
    assert answer.status_code == 201, answer.content
    return answer.json()


def fill(group: Any, consent_text: Any, emitted: list[Any]) -> list[Any]:
    return [
        enrol_confirmed(
            group, consent_text, emitted, first=f"Vol{letters(n)}", email=f"vol{n}@example.org"
        )
        for n in range(group.capacity)
    ]


def test_after_a_submission_the_only_mail_is_the_enrollers_confirmation_mail(
    client: Client, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    before = {r.pk for r in rows()}  # the trainer's calendar, from the group's creation

    submit(client, mail_group)

    assert [(r.kind, r.to_email) for r in rows() if r.pk not in before] == [
        ("enrolment_received", ANNA)
    ]
    assert mails_to(BRAM) == []


def test_the_other_guardian_gets_exactly_the_consent_request_once_the_enroller_confirms(
    client: Client, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    submit(client, mail_group)
    assert mails_to(BRAM) == []

    confirm_by_link(client, emitted)

    assert mails_to(BRAM) == [("consent_request", BRAM)]
    written = len(rows())
    (confirmed,) = events_of(emitted, enrolment_events.EmailConfirmed)
    domain_events.emit(confirmed)  # replayed: nothing twice
    assert len(rows()) == written
    assert mails_to(BRAM) == [("consent_request", BRAM)]


def test_an_unconfirmed_waitlisted_enroller_gets_the_waitlist_mail_once_after_confirming(
    client: Client, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    fill(mail_group, consent_text, emitted)
    created = submit(
        client,
        mail_group,
        enroller={"name": "Anna de Boer", "email": ANNA, "authority": "sole"},
        others=[],
    )
    assert created["enrolments"][0]["status"] == "waitlisted"
    assert mails_to(ANNA) == [("enrolment_received", ANNA)]

    confirm_by_link(client, emitted)

    assert mails_to(ANNA) == [("enrolment_received", ANNA), ("waitlisted", ANNA)]
    assert "1" in only_row("waitlisted").body_text
    written = len(rows())
    # Replayed, the confirmation and the submission's own Waitlisted event (under the same
    # key as the mail written on confirming) write nothing twice.
    domain_events.emit(events_of(emitted, enrolment_events.EmailConfirmed)[-1])
    domain_events.emit(events_of(emitted, enrolment_events.Waitlisted)[-1])
    assert len(rows()) == written


def test_a_freed_seat_goes_to_the_next_confirmed_family_and_an_unconfirmed_one_keeps_its_place(
    mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    seated = fill(mail_group, consent_text, emitted)
    unconfirmed = enrol(
        mail_group, consent_text, dataclasses.replace(SOLE, email="u@example.org"), first="Uma"
    )
    confirmed = enrol(
        mail_group, consent_text, dataclasses.replace(SOLE, email="c@example.org"), first="Cas"
    )
    confirm_email(emitted, confirmed)
    assert [waitlist_position(unconfirmed), waitlist_position(confirmed)] == [1, 2]

    enrolment_withdraw(enrolment=seated[0])

    unconfirmed.refresh_from_db()
    confirmed.refresh_from_db()
    assert confirmed.status == EnrolmentStatus.OFFERED
    assert only_row("seat_offered").to_email == "c@example.org"
    assert unconfirmed.status == EnrolmentStatus.WAITLISTED
    assert waitlist_position(unconfirmed) == 1  # she keeps her place
    assert mails_to("u@example.org") == [("enrolment_received", "u@example.org")]

    # Another seat frees up: nobody who could hear of it is waiting, so nobody is offered it.
    enrolment_withdraw(enrolment=seated[1])
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == EnrolmentStatus.WAITLISTED
    assert mails_to("u@example.org") == [("enrolment_received", "u@example.org")]

    # She confirms: the free seat is offered to her, the offer instead of a waitlist mail.
    confirm_email(emitted, unconfirmed)
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == EnrolmentStatus.OFFERED
    assert mails_to("u@example.org") == [
        ("enrolment_received", "u@example.org"),
        ("seat_offered", "u@example.org"),
    ]

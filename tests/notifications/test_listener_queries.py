"""The listeners run inside the enrolment's transaction, while it holds its group's lock, so
they load what a message needs in as few queries as they can: the enrolment with its group,
programme, host school and reply-to address in one, the guardians of a family in one, and one
INSERT per message; a new submission hands its rows along with its events, so only the reply-to
address is read. These tests keep it so, and check that the reply-to loaded with the
enrolment is the one `reply_to_for` promises."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import domain_events
from enrolment import events as enrolment_events
from notifications.messages import reply_to_for
from scheduler.services import group_cancel
from tests import factories
from tests.factories import letters
from tests.notifications.message_support import (
    COORDINATOR_EMAIL,
    FATHER,
    MOTHER,
    SOLE,
    confirm_email,
    enrol,
    events_of,
    only_row,
    rows,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_enrolment_day")]


def _fill(group: Any, consent_text: Any) -> None:
    for n in range(group.capacity):
        enrol(
            group,
            consent_text,
            dataclasses.replace(SOLE, email=f"vol{n}@example.org"),
            first=f"Vol{letters(n)}",
        )


def test_the_received_and_waitlisted_mails_cost_two_reads_and_one_insert_each(
    mail_group: Any, consent_text: Any, emitted: list[Any], django_assert_num_queries
) -> None:
    _fill(mail_group, consent_text)
    enrolment = enrol(mail_group, consent_text, first="Noor")
    assert enrolment.status == "waitlisted"
    received = [
        e
        for e in events_of(emitted, enrolment_events.EnrolmentReceived)
        if e.submission_id == enrolment.submission_id
    ]
    waitlisted = events_of(emitted, enrolment_events.Waitlisted)
    assert len(received) == len(waitlisted) == 1
    # The Waitlisted event came before the enroller confirmed her address, as the enroller
    # row it carries says: the listener writes nothing, and reads nothing to know it.
    with django_assert_num_queries(0):
        domain_events.emit(waitlisted[0])
    assert rows("waitlisted") == []
    # Her confirmation writes the held-back waitlist mail, under the same key.
    confirm_email(emitted, enrolment)
    confirmed = events_of(emitted, enrolment_events.EmailConfirmed)
    assert len(confirmed) == 1 and len(rows("waitlisted")) == 1
    written = len(rows())
    # enroller, waitlisted enrolments with reply-to, position, INSERT; and one UPDATE of the
    # referrals this address answers (notifications/referral_tracking.py)
    with django_assert_num_queries(5):
        domain_events.emit(confirmed[0])
    # From here on her row (which the service handed along) is the confirmed one.
    waitlisted[0].enroller.refresh_from_db(fields=["email_confirmed_at"])

    # Replayed with ids only (as the service's rows are not at hand), each listener loads
    # and does all its work; the INSERT then writes nothing.
    with django_assert_num_queries(3):  # guardian, enrolments with reply-to, INSERT
        domain_events.emit(dataclasses.replace(received[0], guardian=None, enrolments=()))
    with django_assert_num_queries(3):  # enrolment with reply-to, enroller, INSERT
        domain_events.emit(dataclasses.replace(waitlisted[0], enrolment=None, enroller=None))
    # As the service emits them, with its rows: nothing is read again, not even the
    # reply-to, which came with the group row the service locked.
    assert all(e.group.host_reply_to == COORDINATOR_EMAIL for e in received[0].enrolments)
    with django_assert_num_queries(1):  # INSERT
        domain_events.emit(received[0])
    with django_assert_num_queries(1):  # INSERT
        domain_events.emit(waitlisted[0])
    # Rows without it: the reply-to is looked up once, then kept on the enrolment.
    fresh = dataclasses.replace(received[0])
    for enrolment_row in fresh.enrolments:
        vars(enrolment_row).pop("host_reply_to", None)
        vars(enrolment_row.group).pop("host_reply_to", None)
    with django_assert_num_queries(2):  # reply-to, INSERT
        domain_events.emit(fresh)

    assert len(rows()) == written
    assert only_row("waitlisted").reply_to == COORDINATOR_EMAIL
    assert only_row("enrolment_received", to_email=SOLE.email).reply_to == COORDINATOR_EMAIL


def test_the_reply_to_is_the_first_coordinator_with_an_address(
    mail_group: Any, consent_text: Any, bob: Any
) -> None:
    school = mail_group.host_school
    bob.email = ""
    bob.save(update_fields=["email"])
    later = factories.UserFactory(username="coord-later", email="later@example.org")
    latest = factories.UserFactory(username="coord-latest", email="latest@example.org")
    school.coordinators.add(latest, later)
    assert reply_to_for(school) == "later@example.org"

    enrol(mail_group, consent_text)

    assert {r.reply_to for r in rows(to_email=SOLE.email)} == {"later@example.org"}


def test_without_a_coordinator_with_an_address_there_is_no_reply_to(
    mail_group: Any, consent_text: Any, bob: Any
) -> None:
    mail_group.host_school.coordinators.clear()

    enrol(mail_group, consent_text)

    assert rows(to_email=SOLE.email)
    assert {r.reply_to for r in rows(to_email=SOLE.email)} == {""}


def _reads_of_cancelling(group: Any) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        group_cancel(group=group, reason="te weinig aanmeldingen")
    # Every message is one INSERT; everything else must not grow with the families.
    return [
        q["sql"] for q in queries.captured_queries if "notifications_outboxmessage" not in q["sql"]
    ]


def test_telling_waiting_families_of_a_cancelled_group_costs_the_same_for_any_number(
    mail_programme: Any, school_a: Any, bob: Any, consent_text: Any, emitted: list[Any]
) -> None:
    from tests.enrolment.world import make_published_group

    reads = []
    for families in (1, 4):
        group = make_published_group(mail_programme, school_a, capacity=1)
        for n in range(families):
            family = enrol(
                group,
                consent_text,
                dataclasses.replace(MOTHER, email=f"m{families}-{n}@example.org"),
                dataclasses.replace(SOLE, email=f"o{families}-{n}@example.org", authority="joint"),
                first=f"Kind{letters(families)}x{letters(n)}",
            )
            confirm_email(emitted, family)  # only confirmed families are mailed
        reads.append(len(_reads_of_cancelling(group)))
        told = {r.to_email for r in rows("group_cancelled") if r.key.startswith("group-cancelled")}
        assert {f"m{families}-{n}@example.org" for n in range(families)} <= told
        assert {f"o{families}-{n}@example.org" for n in range(families)} <= told
    assert reads[0] == reads[1]


def test_a_waitlisted_familys_mails_go_to_the_broker_as_one_task(
    mail_group: Any,
    consent_text: Any,
    emitted: list[Any],
    monkeypatch: Any,
    django_capture_on_commit_callbacks,
) -> None:
    from notifications import outbox

    _fill(mail_group, consent_text)
    enrolment = enrol(mail_group, consent_text, MOTHER, FATHER, first="Noor")
    assert enrolment.status == "waitlisted"
    before = {r.pk for r in rows()}
    single: list[int] = []
    many: list[list[int]] = []
    monkeypatch.setattr(outbox, "dispatch", lambda pk, countdown=None: single.append(pk))
    monkeypatch.setattr(outbox, "dispatch_many", lambda ids: many.append(list(ids)))
    # Her confirmation is the step that mails the family (the receipt went out alone).
    with django_capture_on_commit_callbacks(execute=True):
        confirm_email(emitted, enrolment)

    written = [
        r for r in rows() if r.to_email in (MOTHER.email, FATHER.email) and r.pk not in before
    ]
    assert single == []
    assert len(many) == 1 and sorted(many[0]) == sorted(r.pk for r in written)
    # the waitlist mail to her and the consent request to him at least
    assert {r.kind for r in written} >= {"waitlisted", "consent_request"}

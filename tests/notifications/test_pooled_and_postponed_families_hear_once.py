"""After a group below its minimum is pooled, its confirmed families get the new group's
invitation and, beside it, the cancellation of the old group's dates for their calendar
(iMIP carries one calendar method per mail, so it is a companion mail written in the same
transaction). After a postponement, families still waiting for consent or on the waitlist
hear it too, without a calendar file. Each message is written exactly once, however often
the event is replayed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from core.domain_events import emit
from enrolment import events as enrolment_events
from enrolment.models import EnrolmentStatus
from notifications.calendar.entries import series_uid
from notifications.models import OutboxMessage
from scheduler import events as scheduler_events
from scheduler.services import group_pool, group_postpone
from tests import factories
from tests.clock import on_day
from tests.enrolment.world import make_published_group

pytestmark = [pytest.mark.django_db(transaction=False), on_day("2026-10-01")]

DECISION_DAY = dt.datetime(2026, 10, 19, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def kies() -> Any:
    return factories.ProgrammeFactory(
        code="kies-hear",
        group_size_min=6,
        group_size_max=10,
        decision_days=14,
        parent_meetings_before=1,
        parent_meetings_after=0,
        trainers_per_group=1,
    )


def _family(group: Any, status: str = EnrolmentStatus.CONFIRMED) -> Any:
    enrolment = factories.EnrolmentFactory(group=group, status=status)
    factories.GuardianFactory(
        submission=enrolment.submission, is_enroller=True, email_confirmed_at=timezone.now()
    )
    return enrolment


def _school(name: str, postcode: str) -> Any:
    return factories.SchoolFactory(name=name, municipality="Zwolle", postcode=postcode)


def _rows(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


def test_a_pooled_familys_calendar_loses_the_old_dates_beside_the_new_invitation(kies) -> None:
    small = make_published_group(kies, _school("De Esch", "8011 AA"), capacity=10)
    other = make_published_group(
        kies, _school("De Vlier", "8012 BB"), capacity=10, round_label=small.round_label
    )
    confirmed = [_family(small), _family(small)]
    waiting = _family(small, EnrolmentStatus.WAITLISTED)
    old_meeting = small.sessions.get(kind="parent")
    with time_machine.travel(DECISION_DAY, tick=False):
        group_pool(group=small, into=other, decided_by=None)

    pooled = _rows("group_pooled")
    assert sorted(int(m.key.split(":")[1]) for m in pooled) == sorted(
        e.pk for e in [*confirmed, waiting]
    )
    removed = _rows("group_pooled_calendar")
    # Once per guardian of a confirmed child; the waitlisted family had no calendar entries.
    assert sorted(int(m.key.split(":")[1]) for m in removed) == sorted(e.pk for e in confirmed)
    for row in removed:
        assert row.ics_method == "CANCEL"
        assert "METHOD:CANCEL" in row.ics and "STATUS:CANCELLED" in row.ics
        assert row.to_email in {m.to_email for m in pooled if m.ics_method == "REQUEST"}
        assert "De Esch" in row.subject and "De Vlier" not in row.subject
        assert "scheiding" not in row.subject.lower()
    # The old group's parent meeting is cancelled for each confirmed family, in its own mail.
    meeting_rows = [
        m for m in _rows("parent_meeting_calendar") if m.key.startswith("group-pooled-old")
    ]
    assert len(meeting_rows) == 2
    assert all(m.key.endswith(f"meeting-{old_meeting.pk}") for m in meeting_rows)
    assert all(m.ics_method == "CANCEL" for m in meeting_rows)
    # One event each: the old child series as a whole, under the UID families know it by.
    assert all(m.ics.count("BEGIN:VEVENT") == 1 for m in removed)
    unfolded = [m.ics.replace("\r\n ", "") for m in removed]
    assert all(f"UID:{series_uid(small)}" in ics for ics in unfolded)
    assert not any(series_uid(other) in ics for ics in unfolded)

    # Replaying the event writes nothing new.
    count = OutboxMessage.objects.count()
    emit(
        enrolment_events.EnrolmentsPooled(
            from_group_id=small.pk,
            into_group_id=other.pk,
            enrolment_ids=tuple(sorted(e.pk for e in [*confirmed, waiting])),
        )
    )
    assert OutboxMessage.objects.count() == count


def test_a_postponement_reaches_the_families_waiting_for_consent_or_a_seat(kies) -> None:
    group = make_published_group(kies, _school("Het Anker", "8013 CC"), capacity=10)
    confirmed = _family(group)
    awaiting = _family(group, EnrolmentStatus.AWAITING_CONSENT)
    waitlisted = _family(group, EnrolmentStatus.WAITLISTED)
    withdrawn = _family(group, EnrolmentStatus.WITHDRAWN)
    with time_machine.travel(DECISION_DAY, tick=False):
        group_postpone(group=group, first_date=dt.date(2027, 1, 11), decided_by=None)

    rows = _rows("group_postponed")
    families = [m for m in rows if m.key.split(":")[2].startswith("guardian")]
    by_event = {}
    for row in families:
        by_event.setdefault(row.key.split(":")[0], []).append(row)
    # The confirmed family as before, with the moved calendar.
    assert [m.ics_method for m in by_event["group-postponed"]] == ["REQUEST"]
    # The waiting families: once each, without a calendar file, their enrolment named.
    waiting_rows = by_event["group-postponed-waiting"]
    assert sorted(int(m.key.split(":")[1]) for m in waiting_rows) == sorted(
        [awaiting.pk, waitlisted.pk]
    )
    assert all(m.ics == "" and m.ics_method == "" for m in waiting_rows)
    assert all("blijft staan" in m.body_text for m in waiting_rows)
    assert all("11 januari 2027" in m.body_text for m in waiting_rows)
    assert withdrawn.pk not in {int(m.key.split(":")[1]) for m in waiting_rows}
    assert confirmed.pk  # the confirmed family is keyed by guardian, not enrolment

    count = OutboxMessage.objects.count()
    group.refresh_from_db()
    revision = int(waiting_rows[0].key.split(":")[3])
    emit(
        scheduler_events.GroupPostponed(
            group_id=group.pk, revision=revision, old_first_date=dt.date(2026, 11, 2)
        )
    )
    assert OutboxMessage.objects.count() == count

"""A group below its programme's minimum on its decision day: found by one selector, and
pooled, postponed or not started by a person; each path sends its messages exactly once.

The clock stands on 1 October 2026; the groups start on Monday 2 November 2026 and their
programme decides 14 days before, so their decision day (19 October) is reached by moving
the clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from enrolment.models import Enrolment
from notifications.calendar.entries import series_uid, session_uid
from notifications.models import OutboxMessage
from notifications.outbox import calendar_parts
from notifications.reminders import decision_reminders_send
from scheduler.models import GroupDecision, GroupStatus, SessionStatus
from scheduler.selectors import groups_below_minimum, groups_not_started, pool_candidates
from scheduler.services import group_not_started, group_pool, group_postpone
from tests import factories
from tests.clock import on_day
from tests.enrolment.world import make_published_group

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]

DECISION_DAY = dt.datetime(2026, 10, 19, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def kies() -> Any:
    return factories.ProgrammeFactory(
        code="kies-viable",
        group_size_min=6,
        group_size_max=10,
        decision_days=14,
        parent_meetings_before=1,  # a parent meeting of its own UID beside the series
        parent_meetings_after=0,
        trainers_per_group=1,
    )


def _school(name: str, postcode: str) -> Any:
    return factories.SchoolFactory(name=name, municipality="Zwolle", postcode=postcode)


@pytest.fixture
def small(kies: Any) -> Any:
    group = make_published_group(kies, _school("De Esch", "8011 AA"), capacity=10)
    _families(group, 3)
    return group


@pytest.fixture
def other(kies: Any, small: Any) -> Any:
    group = make_published_group(
        kies,
        _school("De Vlier", "8012 BB"),
        capacity=10,
        round_label=small.round_label,
    )
    _families(group, 4)
    return group


def _families(group: Any, count: int) -> list[Enrolment]:
    """`count` confirmed children of the group, each with an enroller whose address is
    confirmed (so the family may be mailed)."""
    made = []
    for _ in range(count):
        enrolment = factories.EnrolmentFactory(group=group)
        factories.GuardianFactory(
            submission=enrolment.submission, is_enroller=True, email_confirmed_at=timezone.now()
        )
        made.append(enrolment)
    return made


def _rows(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind))


def _method(calendar: str) -> str:
    [method] = [ln.removeprefix("METHOD:") for ln in calendar.splitlines() if "METHOD:" in ln]
    return method


def _uids(calendar: str) -> set[str]:
    unfolded = calendar.replace("\r\n ", "")
    return {ln.removeprefix("UID:") for ln in unfolded.splitlines() if ln.startswith("UID:")}


def test_a_group_below_its_minimum_needs_a_decision_from_its_decision_day_on(small: Any) -> None:
    assert groups_below_minimum(today=dt.date(2026, 10, 18)) == []
    due = groups_below_minimum(today=dt.date(2026, 10, 19))
    assert [(g.pk, g.children) for g in due] == [(small.pk, 3)]


def test_a_group_with_its_minimum_needs_no_decision(kies: Any, small: Any) -> None:
    _families(small, 3)
    assert groups_below_minimum(today=dt.date(2026, 10, 19)) == []


def test_a_coordinator_sees_only_their_schools_groups_and_a_trainer_none(small: Any) -> None:
    coordinator = factories.UserFactory()
    small.host_school.coordinators.add(coordinator)
    stranger = factories.UserFactory()
    factories.SchoolFactory().coordinators.add(stranger)
    manager = factories.make_manager()
    day = dt.date(2026, 10, 19)
    assert [g.pk for g in groups_below_minimum(coordinator, today=day)] == [small.pk]
    assert [g.pk for g in groups_below_minimum(manager, today=day)] == [small.pk]
    assert groups_below_minimum(stranger, today=day) == []
    trainer = small.trainers.get().user
    assert groups_below_minimum(trainer, today=day) == []


def test_pooling_moves_the_children_and_tells_each_family_once(small: Any, other: Any) -> None:
    moved = list(small.enrolments.values_list("pk", flat=True))
    assert [g.pk for g in pool_candidates(small)] == [other.pk]
    with time_machine.travel(DECISION_DAY, tick=False):
        group_pool(group=small, into=other, decided_by=None, reason="te weinig kinderen")
        small.refresh_from_db()
        assert (small.status, small.decision, small.pooled_into_id) == (
            GroupStatus.CANCELLED,
            GroupDecision.POOLED,
            other.pk,
        )
        assert set(Enrolment.objects.filter(group=other).values_list("pk", flat=True)) >= set(moved)
        assert small.host_school in other.admitted_schools.all()
        pooled = _rows("group_pooled")
        assert sorted(m.key.split(":")[1] for m in pooled) == sorted(str(pk) for pk in moved)
        # One e-mail per guardian: the new group's series and parent meeting (REQUEST), the
        # old group's series and parent meeting (CANCEL), each a calendar of its own.
        families = [
            m for m in OutboxMessage.objects.all() if m.key.split(":")[2].startswith("guardian")
        ]
        assert [m.kind for m in families] == ["group_pooled"] * len(moved)
        for row in pooled:
            assert row.ics_method == "REQUEST"
            assert row.ics.count("BEGIN:VCALENDAR") == 4
            parts = calendar_parts(row.ics)
            assert [_method(p) for p in parts] == ["REQUEST", "REQUEST", "CANCEL", "CANCEL"]
            assert [_uids(p) for p in parts] == [
                {series_uid(other)},
                {session_uid(other.sessions.get(kind="parent"))},
                {series_uid(small)},
                {session_uid(small.sessions.get(kind="parent"))},
            ]
        # the families that moved get no "cancelled" mail; the trainer's calendar is cleared
        cancelled = _rows("group_cancelled")
        assert [m.key.split(":")[2] for m in cancelled] == [f"trainer-{small.trainers.get().pk}"]
        assert groups_below_minimum(today=dt.date(2026, 10, 19)) == []


def test_pooling_refuses_a_group_of_another_programme(small: Any) -> None:
    elsewhere = make_published_group(
        factories.ProgrammeFactory(trainers_per_group=1), _school("B", "8013 CC")
    )
    with pytest.raises(ValidationError) as refused:
        group_pool(group=small, into=elsewhere, decided_by=None)
    assert "hetzelfde programma" in refused.value.message_dict["into"][0]
    small.refresh_from_db()
    assert small.status == GroupStatus.PUBLISHED and small.decision == ""
    assert not _rows("group_pooled")


def test_pooling_refuses_when_the_children_of_both_do_not_fit(small: Any, other: Any) -> None:
    _families(other, 4)  # 8 + 3 > 10
    with pytest.raises(ValidationError) as refused:
        group_pool(group=small, into=other, decided_by=None)
    assert "Samen zijn het 11 kinderen" in refused.value.message_dict["into"][0]


def test_postponing_moves_the_series_and_sends_one_invitation_per_family(small: Any) -> None:
    before = list(small.sessions.order_by("starts_at").values_list("uid", flat=True))
    earlier = set(OutboxMessage.objects.values_list("pk", flat=True))
    with time_machine.travel(DECISION_DAY, tick=False):
        group_postpone(group=small, first_date=dt.date(2027, 1, 11), decided_by=None)
        small.refresh_from_db()
        assert small.first_date == dt.date(2027, 1, 11)
        assert small.decision == GroupDecision.POSTPONED
        sessions = list(small.sessions.filter(status=SessionStatus.SCHEDULED))
        assert sessions[0].starts_at.date() == dt.date(2027, 1, 11)
        assert {s.uid for s in sessions} == set(before)
        assert all(s.revision == 1 for s in sessions)
        rows = _rows("group_postponed")
        assert len(rows) == 3 + 1  # three families and the trainer, once each
        written = OutboxMessage.objects.exclude(pk__in=earlier)
        assert {m.kind for m in written} == {"group_postponed"}  # no companion mails
        meeting = small.sessions.get(kind="parent")
        for row in rows:  # the moved series and its parent meeting, in the same e-mail
            parts = calendar_parts(row.ics)
            assert [_method(p) for p in parts] == ["REQUEST", "REQUEST"]
            assert [_uids(p) for p in parts] == [{series_uid(small)}, {session_uid(meeting)}]
        # no longer due: its new decision day lies ahead
        assert groups_below_minimum(today=dt.date(2026, 10, 19)) == []
    assert [g.pk for g in groups_below_minimum(today=dt.date(2026, 12, 28))] == [small.pk]


def test_postponing_into_the_past_is_refused(small: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        group_postpone(group=small, first_date=dt.date(2026, 9, 28), decided_by=None)
    assert "na vandaag" in refused.value.message_dict["first_date"][0]
    small.refresh_from_db()
    assert small.first_date == dt.date(2026, 11, 2)


def test_not_starting_cancels_it_and_offers_the_other_open_groups(small: Any, other: Any) -> None:
    other.admitted_schools.add(small.host_school)
    other.admits_host_only = False
    other.save()
    with time_machine.travel(DECISION_DAY, tick=False):
        group_not_started(group=small, decided_by=None, reason="3 aanmeldingen")
    small.refresh_from_db()
    assert (small.status, small.decision, small.decision_reason) == (
        GroupStatus.CANCELLED,
        GroupDecision.CANCELLED,
        "3 aanmeldingen",
    )
    family_rows = [
        m for m in _rows("group_cancelled") if m.key.split(":")[2].startswith("guardian")
    ]
    assert len(family_rows) == 3
    assert "De Vlier, vanaf maandag 2 november 2026" in family_rows[0].body_text
    assert "Aanmelden kan hier" in family_rows[0].body_text
    counts = groups_not_started(small.programme.groups.all())
    assert (counts.too_few, counts.pooled, counts.total) == (1, 0, 1)


def test_a_decided_group_cannot_be_decided_again(small: Any) -> None:
    group_not_started(group=small, decided_by=None)
    with pytest.raises(ValidationError):
        group_postpone(group=small, first_date=dt.date(2027, 1, 11), decided_by=None)


def test_reminders_go_out_once_a_day_until_the_decision_is_made(small: Any) -> None:
    coordinator = factories.UserFactory(email="ib@example.org")
    small.host_school.coordinators.add(coordinator)
    factories.make_manager(email="beheer@example.org")
    assert decision_reminders_send(now=DECISION_DAY - dt.timedelta(days=1)) == 0
    assert decision_reminders_send(now=DECISION_DAY) == 2
    assert decision_reminders_send(now=DECISION_DAY) == 0  # the same day: nothing twice
    assert decision_reminders_send(now=DECISION_DAY + dt.timedelta(days=1)) == 2
    with time_machine.travel(DECISION_DAY + dt.timedelta(days=1), tick=False):
        group_not_started(group=small, decided_by=None)
    assert decision_reminders_send(now=DECISION_DAY + dt.timedelta(days=2)) == 0

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from programmes.models import SchoolType
from scheduler import events
from scheduler.models import GroupStatus, SessionStatus
from scheduler.series import at_amsterdam
from scheduler.services import (
    group_cancel,
    group_create,
    group_replace_trainer,
    group_transition,
    session_cancel,
    session_move,
)
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


@pytest.fixture
def group(kies: Any, year: Any, trainer_pair: Any) -> Any:
    return factories.make_group(
        kies,
        school=factories.SchoolFactory(),
        year=year,
        trainers=trainer_pair,
        first_date=dt.date(2026, 11, 2),
        weekday=0,
        start_time=dt.time(13, 0),
        round_label="najaar 2026",
    )


def test_creating_a_group_generates_its_sessions_and_announces_its_trainers(
    emitted: list[Any], kies: Any, year: Any, trainer_pair: Any
) -> None:
    group = group_create(
        programme=kies,
        host_school=factories.SchoolFactory(),
        school_year=year,
        round_label="najaar 2026",
        weekday=0,
        start_time=dt.time(13, 0),
        first_date=dt.date(2026, 11, 2),
        trainers=trainer_pair,
    ).group
    assert emitted == [
        events.TrainerAssigned(group_id=group.pk, trainer_id=t.pk) for t in trainer_pair
    ]
    assert group.status == GroupStatus.DRAFT
    assert group.sessions.filter(kind="child").count() == 8
    assert group.sessions.filter(kind="parent").count() == 2
    assert len({s.uid for s in group.sessions.all()}) == 10


def test_moving_a_session_bumps_its_revision_and_emits_session_moved(
    group: Any, emitted: list[Any]
) -> None:
    session = group.sessions.get(kind="child", sequence=3)
    old = session.starts_at
    new = at_amsterdam(dt.date(2026, 11, 19), dt.time(10, 0))
    session_move(session=session, starts_at=new)
    session.refresh_from_db()
    assert session.starts_at == new and session.ends_at == new + dt.timedelta(hours=1)
    assert session.revision == 1
    assert emitted == [
        events.SessionMoved(session_id=session.pk, revision=1, old_starts_at=old, new_starts_at=new)
    ]


def test_cancelling_a_session_with_a_replacement_adds_one_after_the_last_child_session(
    group: Any, emitted: list[Any]
) -> None:
    session = group.sessions.get(kind="child", sequence=2)
    last_child = group.sessions.filter(kind="child").order_by("-starts_at").first()
    # The evaluation evening follows the child sessions: make room before it first.
    evaluation = group.sessions.get(kind="parent", sequence=2)
    session_move(session=evaluation, starts_at=evaluation.starts_at + dt.timedelta(weeks=1))
    emitted.clear()
    replacement = session_cancel(session=session, add_replacement=True)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.revision == 1
    assert replacement is not None and replacement.replaces == session
    assert replacement.kind == "child" and replacement.sequence == 9
    taken = {s.starts_at.date() for s in group.sessions.exclude(pk=replacement.pk)}
    assert replacement.starts_at > last_child.starts_at
    assert replacement.starts_at.date() not in taken
    assert group.sessions.filter(kind="child", status="scheduled").count() == 8
    assert [type(e) for e in emitted] == [events.SessionCancelled, events.SessionAdded]
    assert emitted[0].replacement_id == replacement.pk


def test_cancelling_a_session_without_replacement_leaves_one_fewer(
    group: Any, emitted: list[Any]
) -> None:
    session = group.sessions.get(kind="child", sequence=5)
    assert session_cancel(session=session) is None
    assert group.sessions.filter(kind="child", status="scheduled").count() == 7
    assert emitted == [
        events.SessionCancelled(session_id=session.pk, revision=1, replacement_id=None)
    ]
    with pytest.raises(ValidationError):
        session_cancel(session=session)


def test_cancelling_a_group_cancels_its_sessions_and_emits_group_cancelled(
    group: Any, emitted: list[Any]
) -> None:
    group_cancel(group=group, reason="te weinig aanmeldingen")
    group.refresh_from_db()
    assert group.status == GroupStatus.CANCELLED
    assert set(group.sessions.values_list("status", "revision")) == {("cancelled", 1)}
    assert emitted == [events.GroupCancelled(group_id=group.pk, reason="te weinig aanmeldingen")]
    with pytest.raises(ValidationError):
        session_move(
            session=group.sessions.first(), starts_at=at_amsterdam(dt.date(2026, 12, 1), dt.time(9))
        )


@time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_replacing_a_trainer_changes_only_coming_sessions_and_emits_both_events(
    group: Any, trainer_pair: Any, kies: Any, emitted: list[Any]
) -> None:
    newcomer = factories.TrainerFactory(qualifications=[kies])
    group_replace_trainer(group=group, old=trainer_pair[0], new=newcomer)
    assert set(group.trainers.all()) == {trainer_pair[1], newcomer}
    past = group.sessions.filter(starts_at__lt=dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC))
    assert set(past.values_list("revision", flat=True)) == {0}
    assert set(group.sessions.exclude(pk__in=past).values_list("revision", flat=True)) == {1}
    assert emitted == [
        events.TrainerRemoved(group_id=group.pk, trainer_id=trainer_pair[0].pk),
        events.TrainerAssigned(group_id=group.pk, trainer_id=newcomer.pk),
    ]


def test_an_unqualified_trainer_is_refused(group: Any, trainer_pair: Any) -> None:
    stranger = factories.TrainerFactory()
    with pytest.raises(ValidationError, match="niet gekwalificeerd"):
        group_replace_trainer(group=group, old=trainer_pair[0], new=stranger)
    assert set(group.trainers.all()) == set(trainer_pair)


def test_only_allowed_status_transitions_happen(group: Any, emitted: list[Any]) -> None:
    with pytest.raises(ValidationError, match="kan niet naar"):
        group_transition(group=group, to=GroupStatus.COMPLETED)
    group_transition(group=group, to=GroupStatus.PUBLISHED)
    assert emitted == [events.GroupPublished(group_id=group.pk)]
    group_transition(group=group, to=GroupStatus.RUNNING)
    group_transition(group=group, to=GroupStatus.COMPLETED)
    with pytest.raises(ValidationError):
        group_transition(group=group, to=GroupStatus.PUBLISHED)


def test_a_group_without_its_trainers_cannot_be_published(kies: Any, year: Any) -> None:
    group = group_create(
        programme=kies,
        host_school=factories.SchoolFactory(),
        school_year=year,
        round_label="voorjaar 2027",
        weekday=1,
        start_time=dt.time(9, 0),
        first_date=dt.date(2027, 3, 2),
    ).group
    with pytest.raises(ValidationError, match="Wijs eerst 2 trainer"):
        group_transition(group=group, to=GroupStatus.PUBLISHED)


def test_group_creation_explains_what_is_wrong(kies: Any, year: Any, think: Any) -> None:
    school = factories.SchoolFactory()
    base = dict(
        host_school=school,
        school_year=year,
        round_label="x",
        weekday=0,
        start_time=dt.time(9, 0),
        first_date=dt.date(2026, 11, 3),  # a Tuesday
    )
    with pytest.raises(ValidationError) as excinfo:
        group_create(programme=kies, capacity=12, **base)
    assert "hoogstens 10 plaatsen" in str(excinfo.value.message_dict["capacity"])
    assert "eerstvolgende is 09-11-2026" in str(excinfo.value.message_dict["first_date"])
    secondary = factories.SchoolFactory(school_type=SchoolType.VO)
    with pytest.raises(ValidationError) as excinfo:
        group_create(
            programme=think,
            **{**base, "host_school": secondary, "first_date": dt.date(2026, 11, 2)},
        )
    assert set(excinfo.value.message_dict) == {"class_name", "class_size", "mentor_name"}
    assert school.hosted_groups.count() == 0

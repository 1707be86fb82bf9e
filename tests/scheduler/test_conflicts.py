from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from scheduler.conflicts import ConflictKind
from scheduler.models import ConflictOverride, Group, Session
from scheduler.series import at_amsterdam
from scheduler.services import ConflictError, SoftConflictError, session_move
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-09-01")]

MON = dt.date(2026, 11, 2)


@pytest.fixture
def children_only(kies: Any) -> Any:
    """KIES without its parent evenings, so two groups of one trainer meet only by day."""
    kies.parent_meetings_before = kies.parent_meetings_after = 0
    kies.save()
    return kies


def kinds(excinfo: Any) -> set[str]:
    return {c.kind for c in excinfo.value.conflicts}


def test_a_trainer_cannot_be_in_two_overlapping_sessions(
    kies: Any, year: Any, trainer_pair: Any
) -> None:
    factories.make_group(kies, year=year, trainers=trainer_pair, first_date=MON)
    with pytest.raises(ConflictError) as excinfo:
        factories.make_group(
            kies, year=year, trainers=[trainer_pair[0]], first_date=MON, start_time=dt.time(13, 30)
        )
    assert ConflictKind.TRAINER_OVERLAP in kinds(excinfo)
    messages = excinfo.value.messages
    assert "Tessa Kok geeft op maandag 2 november 2026 19:30 al KIES" in messages[0]
    assert any("Tessa Kok geeft op maandag 9 november 2026 13:00" in m for m in messages)
    assert Group.objects.count() == 1


def test_the_travel_buffer_between_schools_is_a_warning_the_manager_may_override(
    children_only: Any, year: Any, trainer_pair: Any, alice: Any, bob: Any
) -> None:
    kies = children_only
    factories.make_group(kies, year=year, trainers=[trainer_pair[0]], first_date=MON)
    with pytest.raises(SoftConflictError) as excinfo:
        factories.make_group(
            kies, year=year, trainers=[trainer_pair[0]], first_date=MON, start_time=dt.time(14, 15)
        )
    assert kinds(excinfo) == {ConflictKind.TRAVEL_BUFFER}
    assert "30 minuten" in excinfo.value.messages[0]
    # A coordinator cannot accept it ...
    with pytest.raises(SoftConflictError):
        factories.make_group(
            kies,
            year=year,
            trainers=[trainer_pair[0]],
            first_date=MON,
            start_time=dt.time(14, 15),
            override_by=bob,
        )
    # ... the programme manager can, and it is recorded.
    group = factories.make_group(
        kies,
        year=year,
        trainers=[trainer_pair[0]],
        first_date=MON,
        start_time=dt.time(14, 15),
        override_by=alice,
    )
    overrides = ConflictOverride.objects.filter(session__group=group)
    assert overrides.count() == 8  # one per session that follows the other group's
    assert {o.overridden_by for o in overrides} == {alice}


def test_sessions_at_the_same_school_need_no_travel_buffer(
    children_only: Any, year: Any, trainer_pair: Any
) -> None:
    kies = children_only
    school = factories.SchoolFactory()
    factories.make_group(kies, year=year, trainers=[trainer_pair[0]], first_date=MON, school=school)
    factories.make_group(
        kies,
        year=year,
        trainers=[trainer_pair[0]],
        first_date=MON,
        school=school,
        start_time=dt.time(14, 0),
    )
    assert Group.objects.count() == 2


def test_a_trainer_who_is_unavailable_is_refused(kies: Any, year: Any, trainer_pair: Any) -> None:
    factories.TrainerUnavailabilityFactory(
        trainer=trainer_pair[1],
        starts_at=at_amsterdam(dt.date(2026, 11, 16), dt.time(0)),
        ends_at=at_amsterdam(dt.date(2026, 11, 21), dt.time(0)),
        reason="cursus",
    )
    with pytest.raises(ConflictError) as excinfo:
        factories.make_group(kies, year=year, trainers=trainer_pair, first_date=MON)
    assert kinds(excinfo) == {ConflictKind.UNAVAILABLE}
    assert "Umar Ali" in excinfo.value.messages[0] and "cursus" in excinfo.value.messages[0]


def test_the_weekly_maximum_is_a_soft_conflict(
    children_only: Any, year: Any, trainer_pair: Any, alice: Any
) -> None:
    kies = children_only
    trainer = trainer_pair[0]
    trainer.max_sessions_per_week = 1
    trainer.save()
    factories.make_group(kies, year=year, trainers=[trainer], first_date=MON)
    with pytest.raises(SoftConflictError) as excinfo:
        factories.make_group(
            kies, year=year, trainers=[trainer], weekday=2, first_date=dt.date(2026, 11, 4)
        )
    assert kinds(excinfo) == {ConflictKind.WEEKLY_MAXIMUM}
    assert "maximum van 1" in excinfo.value.messages[0]
    factories.make_group(
        kies,
        year=year,
        trainers=[trainer],
        weekday=2,
        first_date=dt.date(2026, 11, 4),
        override_by=alice,
    )


def test_two_groups_cannot_share_a_room_at_the_same_time(
    kies: Any, year: Any, trainer_pair: Any
) -> None:
    school = factories.SchoolFactory()
    factories.make_group(
        kies, year=year, trainers=[trainer_pair[0]], first_date=MON, school=school, room="Lokaal 3"
    )
    with pytest.raises(ConflictError) as excinfo:
        factories.make_group(
            kies,
            year=year,
            trainers=[trainer_pair[1]],
            first_date=MON,
            school=school,
            room="lokaal 3",
        )
    assert kinds(excinfo) == {ConflictKind.ROOM_TAKEN}
    factories.make_group(
        kies, year=year, trainers=[trainer_pair[1]], first_date=MON, school=school, room="Lokaal 4"
    )


def test_moving_a_session_onto_a_closed_day_is_refused(
    kies: Any, year: Any, trainer_pair: Any
) -> None:
    group = factories.make_group(kies, year=year, trainers=trainer_pair, first_date=MON)
    session = group.sessions.filter(kind="child").first()
    with pytest.raises(ConflictError) as excinfo:
        session_move(session=session, starts_at=at_amsterdam(dt.date(2026, 12, 22), dt.time(13, 0)))
    assert kinds(excinfo) == {ConflictKind.SCHOOL_CLOSED}
    assert "Kerstvakantie" in excinfo.value.messages[0]
    session.refresh_from_db()
    assert session.revision == 0


def test_moving_onto_another_groups_session_names_the_trainer_and_time(
    children_only: Any, year: Any, trainer_pair: Any
) -> None:
    kies = children_only
    factories.make_group(
        kies, year=year, trainers=[trainer_pair[0]], weekday=1, first_date=dt.date(2026, 11, 3)
    )
    group = factories.make_group(kies, year=year, trainers=[trainer_pair[0]], first_date=MON)
    session = group.sessions.filter(kind="child").first()
    with pytest.raises(ConflictError) as excinfo:
        session_move(session=session, starts_at=at_amsterdam(dt.date(2026, 11, 10), dt.time(13, 0)))
    assert "Tessa Kok geeft op dinsdag 10 november 2026 13:00 al" in excinfo.value.messages[0]
    assert Session.objects.filter(revision__gt=0).count() == 0

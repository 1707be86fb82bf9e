"""Only certified coaches lead a group (issue 18, item 5): a trainer's qualification carries
a certificate number and a last valid day; creating a group, moving or adding a session,
replacing a trainer and the planner refuse a trainer whose certificate has ended on a
session day; the manager sees the certificates that end within 60 days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from programmes.models import Qualification
from programmes.selectors import certificates_expiring
from scheduler.conflicts import ConflictKind
from scheduler.planner.problem import TrainerSpec
from scheduler.series import at_amsterdam
from scheduler.services import (
    ConflictError,
    group_create,
    group_replace_trainer,
    session_move,
)
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-09-01")]

MON = dt.date(2026, 11, 2)  # the first Monday of the series; eight more weeks follow


@pytest.fixture
def children_only(db: None) -> Any:
    return factories.ProgrammeFactory(
        code="kies-cert",
        name_nl="KIES",
        name_en="KIES",
        child_sessions=8,
        session_minutes=60,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )


def trainer(programme: Any, name: str, valid_until: dt.date | None = None) -> Any:
    coach = factories.TrainerFactory(
        user=factories.UserFactory(first_name=name, last_name="Coach"), qualifications=[programme]
    )
    Qualification.objects.filter(trainer=coach, programme=programme).update(
        certificate_number=f"KIES-{name}", valid_until=valid_until
    )
    return coach


def create(programme: Any, coach: Any) -> Any:
    return group_create(
        programme=programme,
        host_school=factories.SchoolFactory(),
        school_year=factories.SchoolYearFactory(label="2026-2027"),
        round_label="najaar 2026",
        weekday=0,
        start_time=dt.time(13, 0),
        first_date=MON,
        trainers=[coach],
    ).group


def test_a_coach_whose_certificate_ends_during_the_series_is_refused(children_only: Any) -> None:
    coach = trainer(children_only, "Sanne", valid_until=dt.date(2026, 11, 20))
    with pytest.raises(ConflictError) as refused:
        create(children_only, coach)
    kinds = {c.kind for c in refused.value.conflicts}
    assert kinds == {ConflictKind.CERTIFICATE_EXPIRED}
    assert (
        "Het certificaat van Sanne Coach voor KIES is geldig tot en met vrijdag 20 november 2026"
        in refused.value.messages[0]
    )


def test_a_certificate_valid_through_the_last_session_or_without_end_is_enough(
    children_only: Any,
) -> None:
    create(children_only, trainer(children_only, "Lot", valid_until=dt.date(2027, 7, 31)))
    create(children_only, trainer(children_only, "Mees", valid_until=None))


def test_a_session_cannot_move_past_the_certificate(children_only: Any) -> None:
    coach = trainer(children_only, "Noor", valid_until=dt.date(2027, 1, 31))
    group = create(children_only, coach)
    last = group.sessions.order_by("-starts_at").first()
    with pytest.raises(ConflictError) as refused:
        session_move(session=last, starts_at=at_amsterdam(dt.date(2027, 2, 1), dt.time(13, 0)))
    assert {c.kind for c in refused.value.conflicts} == {ConflictKind.CERTIFICATE_EXPIRED}


def test_a_replacement_coach_needs_a_valid_certificate(children_only: Any) -> None:
    group = create(children_only, trainer(children_only, "Olav"))
    expired = trainer(children_only, "Pien", valid_until=dt.date(2026, 11, 1))
    old = group.trainers.get()
    with pytest.raises(ConflictError) as refused:
        group_replace_trainer(group=group, old=old, new=expired)
    assert {c.kind for c in refused.value.conflicts} == {ConflictKind.CERTIFICATE_EXPIRED}
    assert list(group.trainers.all()) == [old]


def test_the_planner_counts_a_coach_only_while_the_certificate_covers_the_window() -> None:
    spec = TrainerSpec(1, "Coach", frozenset({7}), 6, certificate_ends=((7, dt.date(2027, 3, 1)),))
    assert spec.certified_on(7, dt.date(2027, 3, 1))
    assert not spec.certified_on(7, dt.date(2027, 3, 2))
    assert not spec.certified_on(8, dt.date(2027, 1, 1))  # not qualified at all


def test_the_manager_sees_the_certificates_that_end_within_sixty_days(children_only: Any) -> None:
    soon = trainer(children_only, "Quinn", valid_until=dt.date(2026, 10, 15))
    ended = trainer(children_only, "Rik", valid_until=dt.date(2026, 8, 20))
    trainer(children_only, "Sem", valid_until=dt.date(2026, 11, 15))  # 75 days ahead
    trainer(children_only, "Tijn", valid_until=None)
    gone = trainer(children_only, "Uma", valid_until=dt.date(2026, 9, 10))
    gone.active = False
    gone.save()

    listed = [(q.trainer, q.valid_until) for q in certificates_expiring()]

    assert listed == [(ended, dt.date(2026, 8, 20)), (soon, dt.date(2026, 10, 15))]


def test_a_group_is_not_published_while_a_coachs_certificate_ends_before_a_session(
    children_only: Any,
) -> None:
    from scheduler.models import GroupStatus
    from scheduler.services import group_transition

    coach = trainer(children_only, "Vera", valid_until=dt.date(2027, 6, 30))
    group = create(children_only, coach)
    # Shortened after the coach was assigned: the group may not go out like this.
    Qualification.objects.filter(trainer=coach).update(valid_until=dt.date(2026, 11, 20))
    with pytest.raises(ValidationError) as refused:
        group_transition(group=group, to=GroupStatus.PUBLISHED)
    assert (
        "Het certificaat van Vera Coach voor KIES is geldig tot en met vrijdag 20 november"
        in (refused.value.messages[0])
    )
    assert "maandag 23 november 2026, 13:00" in refused.value.messages[0]
    group.refresh_from_db()
    assert group.status == GroupStatus.DRAFT

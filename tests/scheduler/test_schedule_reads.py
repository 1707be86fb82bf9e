from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduler.selectors import calendar_view, group_list, trainer_schedule
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-09-01")]


def make_groups(
    n: int,
    programme: Any,
    year: Any,
    trainers: list[Any],
    school: Any = None,
    as_of: dt.date | None = None,
) -> list[Any]:
    groups = []
    for i in range(n):
        groups.append(
            factories.make_group(
                programme,
                school=school or factories.SchoolFactory(),
                year=year,
                trainers=trainers,
                first_date=dt.date(2026, 11, 2) + dt.timedelta(days=i % 5),
                weekday=i % 5,
                start_time=dt.time(8 + i % 8, 0),
                round_label=f"ronde {i}",
                override_by=factories.make_manager(username="planner"),
                as_of=as_of,
            )
        )
    return groups


@pytest.fixture
def solo(kies: Any) -> Any:
    kies.parent_meetings_before = kies.parent_meetings_after = 0
    kies.trainers_per_group = 1
    kies.save()
    return kies


def count_queries(fn: Any) -> int:
    fn()  # warm up: the user's roles are looked up once per request
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_month_calendar_costs_the_same_for_2_or_12_groups(
    solo: Any, year: Any, alice: Any
) -> None:
    trainers = [factories.TrainerFactory(qualifications=[solo]) for _ in range(12)]
    school = factories.SchoolFactory()
    make_groups(2, solo, year, trainers[:1], school)
    few = count_queries(lambda: calendar_view(alice, year=2026, month=11, school=school))
    for i in range(10):
        make_groups(1, solo, year, trainers[i + 1 : i + 2], school)
    many = count_queries(lambda: calendar_view(alice, year=2026, month=11, school=school))
    view = calendar_view(alice, year=2026, month=11, school=school)
    assert sum(len(d.sessions) for w in view.weeks for d in w) >= 12 * 3
    assert many == few


def test_the_month_calendar_shades_the_autumn_holiday_of_the_school(alice: Any, year: Any) -> None:
    school = factories.SchoolFactory(holiday_region="noord")
    view = calendar_view(alice, year=2026, month=10, school=school)
    days = {d.date: d for w in view.weeks for d in w}
    assert days[dt.date(2026, 10, 14)].is_closed
    assert "Herfstvakantie" in days[dt.date(2026, 10, 14)].closed_reasons
    assert not days[dt.date(2026, 10, 7)].is_closed


def test_the_group_list_costs_the_same_for_2_or_12_groups(solo: Any, year: Any, alice: Any) -> None:
    trainers = [factories.TrainerFactory(qualifications=[solo]) for _ in range(12)]
    make_groups(2, solo, year, trainers[:1])
    few = count_queries(lambda: [list(g.trainers.all()) for g in group_list(alice)])
    for i in range(10):
        make_groups(1, solo, year, trainers[i + 1 : i + 2])
    many = count_queries(lambda: [list(g.trainers.all()) for g in group_list(alice)])
    assert many == few


@time_machine.travel(dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_trainer_sees_this_week_upcoming_and_past(solo: Any, year: Any) -> None:
    trainer = factories.TrainerFactory(qualifications=[solo])
    make_groups(1, solo, year, [trainer], as_of=dt.date(2026, 10, 1))  # made before it began
    schedule = trainer_schedule(trainer)
    assert [s.starts_at.date() for s in schedule.this_week] == [dt.date(2026, 11, 16)]
    assert len(schedule.past) == 2
    assert len(schedule.upcoming) == 5

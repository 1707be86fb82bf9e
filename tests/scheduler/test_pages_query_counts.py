"""The scheduler's list pages cost the same number of queries for 2 or 10 rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduler.models import PlannerRun
from scheduler.services import group_create, planning_request_create
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-09-01")]


@pytest.fixture
def solo(kies: Any) -> Any:
    kies.parent_meetings_before = kies.parent_meetings_after = 0
    kies.trainers_per_group = 1
    kies.save()
    return kies


def _queries(client: Client, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def _assert_flat(
    client: Client, url: str, add_rows: Callable[[int], None], params: dict[str, Any] | None = None
) -> None:
    add_rows(2)
    few = _queries(client, url, params)
    add_rows(8)
    many = _queries(client, url, params)
    assert many == few, f"{url}: {few} queries for 2 rows, {many} for 10"


def _group_adder(programme: Any, year: Any, school: Any) -> Callable[[int], None]:
    made: list[int] = []
    planner = factories.make_manager(username="planner")

    def add(n: int) -> None:
        for _ in range(n):
            i = len(made)
            trainer = factories.TrainerFactory(qualifications=[programme])
            group = group_create(
                programme=programme,
                host_school=school or factories.SchoolFactory(),
                school_year=year,
                round_label=f"ronde {i}",
                weekday=i % 5,
                start_time=dt.time(8 + i % 8, 0),
                first_date=dt.date(2026, 11, 2) + dt.timedelta(days=i % 5),
                trainers=[trainer],
                override_by=planner,
            ).group
            made.append(group.pk)

    return add


def test_the_group_list_does_not_grow_with_groups(as_alice: Client, solo: Any, year: Any) -> None:
    _assert_flat(as_alice, reverse("planning-group-list"), _group_adder(solo, year, None))


def test_a_coordinators_group_list_does_not_grow_with_groups(
    as_bob: Client, solo: Any, year: Any, school_a: Any
) -> None:
    _assert_flat(as_bob, reverse("planning-group-list"), _group_adder(solo, year, school_a))


def test_the_month_calendar_does_not_grow_with_groups(
    as_alice: Client, solo: Any, year: Any, school_a: Any
) -> None:
    _assert_flat(
        as_alice,
        reverse("planning-calendar"),
        _group_adder(solo, year, school_a),
        {"jaar": 2026, "maand": 11, "school": school_a.pk},
    )


def test_the_planning_page_does_not_grow_with_requests_or_proposals(
    as_alice: Client, alice: Any, kies: Any, year: Any
) -> None:
    run = PlannerRun.objects.create(
        school_year=year, status="done", started_by=alice, result={"proposals": []}
    )

    def add(n: int) -> None:
        for _ in range(n):
            request = planning_request_create(
                school=factories.SchoolFactory(),
                programme=kies,
                school_year=year,
                round_label="najaar 2026",
                window_start=dt.date(2026, 9, 1),
                window_end=dt.date(2027, 1, 31),
                preferred_weekdays=[0],
                expected_children=6,
                requested_by=alice,
            )
            run.result["proposals"].append(
                {
                    "request_id": request.pk,
                    "programme": "KIES",
                    "school": request.school.name,
                    "round_label": request.round_label,
                    "class_name": "",
                    "weekday": 0,
                    "weekday_name": "maandag",
                    "start_time": "13:00",
                    "first_date": "2026-09-07",
                    "trainer_names": ["Tessa Kok"],
                    "children": 6,
                    "sessions": [],
                }
            )
            run.result.setdefault("unsatisfied", []).append(
                {
                    "request_id": request.pk,
                    "programme": "KIES",
                    "school": "x",
                    "children": 1,
                    "reason": "",
                }
            )
        run.save()

    _assert_flat(as_alice, reverse("planning-home"), add)

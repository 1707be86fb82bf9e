"""The scheduler's list endpoints cost the same number of queries for 2 rows as for 10."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from scheduler.services import group_create, planning_request_create
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"
MONDAY = dt.date(2027, 1, 11)


@pytest.fixture
def short(db: None) -> Any:
    """Two child sessions and one trainer per group: lists stay small but not trivial."""
    return factories.ProgrammeFactory(
        code="kort",
        child_sessions=2,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )


class Planner:
    """Adds groups in distinct weekly slots, so no two of them conflict."""

    def __init__(self, programme: Any, year: Any) -> None:
        self.programme = programme
        self.year = year
        self.slots = itertools.count()
        self.manager = factories.make_manager(username="planner")

    def add(self, n: int, *, school: Any = None, trainer: Any = None) -> None:
        for _ in range(n):
            slot = next(self.slots)
            weekday, hour = slot % 5, 8 + slot // 5
            teacher = trainer or factories.TrainerFactory(qualifications=[self.programme])
            group_create(
                programme=self.programme,
                host_school=school or factories.SchoolFactory(),
                school_year=self.year,
                round_label=f"ronde {slot}",
                weekday=weekday,
                start_time=dt.time(hour, 0),
                first_date=MONDAY + dt.timedelta(days=weekday),
                trainers=[teacher],
                admitted_schools=[factories.SchoolFactory()],
                # Many groups of one trainer exceed their weekly maximum: a soft conflict.
                override_by=self.manager,
            )


def count(client: Client, resource: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{API}/{resource}/")
    assert response.status_code == 200, response.json()
    return len(captured.captured_queries), len(response.json()["results"])


def assert_flat(client: Client, resource: str, add: Any, rows_per_add: int) -> None:
    add(2)
    few_queries, few_rows = count(client, resource)
    add(8)
    many_queries, many_rows = count(client, resource)
    assert (few_rows, many_rows) == (2 * rows_per_add, 10 * rows_per_add)
    assert many_queries == few_queries, f"{resource}: {few_queries} -> {many_queries}"


def test_the_managers_group_list_costs_the_same_for_2_or_10_groups(
    as_alice: Client, short: Any, year: Any
) -> None:
    planner = Planner(short, year)
    assert_flat(as_alice, "groups", planner.add, 1)


def test_a_coordinators_group_list_costs_the_same_for_2_or_10_groups(
    as_bob: Client, short: Any, year: Any, school_a: Any
) -> None:
    planner = Planner(short, year)
    assert_flat(as_bob, "groups", lambda n: planner.add(n, school=school_a), 1)


def test_a_trainers_group_list_costs_the_same_for_2_or_10_groups(
    as_dave: Client, dave: Any, short: Any, year: Any
) -> None:
    dave.qualifications.add(short)
    planner = Planner(short, year)
    assert_flat(as_dave, "groups", lambda n: planner.add(n, trainer=dave), 1)


def test_the_managers_session_list_costs_the_same_for_2_or_10_groups(
    as_alice: Client, short: Any, year: Any
) -> None:
    planner = Planner(short, year)
    assert_flat(as_alice, "sessions", planner.add, 2)


def test_a_coordinators_session_list_costs_the_same_for_2_or_10_groups(
    as_bob: Client, short: Any, year: Any, school_a: Any
) -> None:
    planner = Planner(short, year)
    assert_flat(as_bob, "sessions", lambda n: planner.add(n, school=school_a), 2)


def test_the_planning_request_list_costs_the_same_for_2_or_10_requests(
    as_alice: Client, as_bob: Client, bob: Any, short: Any, year: Any, school_a: Any
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            planning_request_create(
                school=school_a,
                programme=short,
                school_year=year,
                round_label="voorjaar 2027",
                window_start=MONDAY,
                window_end=MONDAY + dt.timedelta(weeks=12),
                preferred_weekdays=[0, 2],
                expected_children=8,
                requested_by=bob,
            )

    add(2)
    few = [count(client, "planning-requests") for client in (as_alice, as_bob)]
    add(8)
    many = [count(client, "planning-requests") for client in (as_alice, as_bob)]
    assert [rows for _, rows in few] == [2, 2] and [rows for _, rows in many] == [10, 10]
    assert [queries for queries, _ in many] == [queries for queries, _ in few]

"""Every list endpoint costs the same number of queries for 2 rows as for 20."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from programmes.models import SchoolYear
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"
YEAR = "2030-2031"
# Distinct days for closures and unavailabilities added in several rounds.
_day = itertools.count()


def add_programmes(n: int, **_: Any) -> None:
    for _i in range(n):
        factories.ProgrammeFactory()


def add_schools(n: int, **_: Any) -> None:
    for _i in range(n):
        factories.SchoolFactory(coordinators=[factories.UserFactory(), factories.UserFactory()])


def add_trainers(n: int, **_: Any) -> None:
    programmes = [factories.ProgrammeFactory(), factories.ProgrammeFactory()]
    for _i in range(n):
        factories.TrainerFactory(qualifications=programmes)


def add_unavailabilities(n: int, trainer: Any = None, **_: Any) -> None:
    for _i in range(n):
        starts = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC) + dt.timedelta(days=next(_day))
        factories.TrainerUnavailabilityFactory(
            trainer=trainer or factories.TrainerFactory(),
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=8),
        )


def add_school_years(n: int, **_: Any) -> None:
    start = 2040 + SchoolYear.objects.filter(label__gte="2040").count()
    for year in range(start, start + n):
        factories.SchoolYearFactory(label=f"{year}-{year + 1}")


def add_holidays(n: int, **_: Any) -> None:
    year = factories.SchoolYearFactory(label=YEAR)
    for _i in range(n):
        factories.SchoolHolidayFactory(
            school_year=year, start_date=dt.date(2030, 10, 12), end_date=dt.date(2030, 10, 20)
        )


def add_closures(n: int, school: Any = None, **_: Any) -> None:
    for _i in range(n):
        factories.SchoolClosureFactory(
            school=school or factories.SchoolFactory(),
            start_date=dt.date(2026, 9, 1) + dt.timedelta(days=next(_day)),
        )


CASES: dict[str, tuple[str, Callable[..., None], dict[str, str]]] = {
    "programmes": ("programmes", add_programmes, {}),
    "schools": ("schools", add_schools, {}),
    "trainers": ("trainers", add_trainers, {}),
    "trainer-unavailabilities": ("trainer-unavailabilities", add_unavailabilities, {}),
    "school-years": ("school-years", add_school_years, {}),
    "school-holidays": ("school-holidays", add_holidays, {"school_year": YEAR}),
    "school-closures": ("school-closures", add_closures, {}),
}


def queries_for_list(client: Client, resource: str, params: dict[str, str]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{API}/{resource}/", params)
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("name", list(CASES))
def test_the_manager_list_query_count_does_not_grow_with_rows(as_alice: Client, name: str) -> None:
    resource, add, params = CASES[name]
    add(2)
    few_queries, few_rows = queries_for_list(as_alice, resource, params)
    add(18)
    many_queries, many_rows = queries_for_list(as_alice, resource, params)
    assert many_rows == few_rows + 18
    assert many_queries == few_queries, f"{resource}: {few_queries} -> {many_queries}"


def test_a_coordinators_closure_list_query_count_does_not_grow_with_rows(
    as_bob: Client, school_a: Any
) -> None:
    add_closures(2, school=school_a)
    few_queries, few_rows = queries_for_list(as_bob, "school-closures", {})
    add_closures(18, school=school_a)
    many_queries, many_rows = queries_for_list(as_bob, "school-closures", {})
    assert (few_rows, many_rows) == (2, 20)
    assert many_queries == few_queries


def test_a_trainers_unavailability_list_query_count_does_not_grow_with_rows(
    as_dave: Client, dave: Any
) -> None:
    add_unavailabilities(2, trainer=dave)
    few_queries, few_rows = queries_for_list(as_dave, "trainer-unavailabilities", {})
    add_unavailabilities(18, trainer=dave)
    many_queries, many_rows = queries_for_list(as_dave, "trainer-unavailabilities", {})
    assert (few_rows, many_rows) == (2, 20)
    assert many_queries == few_queries

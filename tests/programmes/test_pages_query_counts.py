"""The number of queries of every list page stays the same as the rows grow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import SchoolYear
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _assert_flat(client: Client, url: str, add_rows: Callable[[int], None]) -> None:
    add_rows(2)
    few = _queries(client, url)
    add_rows(18)
    many = _queries(client, url)
    assert many == few, f"{url}: {few} queries for a few rows, {many} for many"


def test_the_public_overview_does_not_grow_with_programmes(client: Client) -> None:
    _assert_flat(client, reverse("home"), lambda n: factories.ProgrammeFactory.create_batch(n))


def test_the_programme_list_does_not_grow_with_programmes(as_alice: Client) -> None:
    _assert_flat(
        as_alice,
        reverse("manage-programme-list"),
        lambda n: factories.ProgrammeFactory.create_batch(n),
    )


def test_the_school_list_does_not_grow_with_schools(as_alice: Client) -> None:
    _assert_flat(
        as_alice, reverse("manage-school-list"), lambda n: factories.SchoolFactory.create_batch(n)
    )


def test_a_coordinators_school_list_does_not_grow_with_their_schools(as_bob: Client, bob) -> None:
    _assert_flat(
        as_bob,
        reverse("manage-school-list"),
        lambda n: factories.SchoolFactory.create_batch(n, coordinators=[bob]),
    )


def test_the_trainer_list_does_not_grow_with_trainers_and_qualifications(
    as_alice: Client,
) -> None:
    programmes = factories.ProgrammeFactory.create_batch(3)
    _assert_flat(
        as_alice,
        reverse("manage-trainer-list"),
        lambda n: factories.TrainerFactory.create_batch(n, qualifications=programmes),
    )


def test_the_school_year_list_does_not_grow_with_school_years(as_alice: Client) -> None:
    first = 2040 + SchoolYear.objects.count()
    counter = iter(range(first, first + 100))

    def add(n: int) -> None:
        for _ in range(n):
            year = next(counter)
            factories.SchoolYearFactory(label=f"{year}-{year + 1}")

    _assert_flat(as_alice, reverse("manage-school-year-list"), add)


def test_the_school_year_detail_does_not_grow_with_holidays(as_alice: Client) -> None:
    year = factories.SchoolYearFactory(label="2030-2031")
    counter = iter(range(100))

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            factories.SchoolHolidayFactory(
                school_year=year,
                start_date=dt.date(2030, 9, 1) + dt.timedelta(days=i),
                end_date=dt.date(2030, 9, 1) + dt.timedelta(days=i),
            )

    _assert_flat(as_alice, reverse("manage-school-year-detail", args=[year.pk]), add)


def test_the_school_detail_does_not_grow_with_closures(as_bob: Client, school_a) -> None:
    counter = iter(range(100))

    def add(n: int) -> None:
        for _ in range(n):
            day = dt.date(2030, 9, 1) + dt.timedelta(days=next(counter))
            factories.SchoolClosureFactory(school=school_a, start_date=day, end_date=day)

    _assert_flat(as_bob, reverse("manage-school-detail", args=[school_a.pk]), add)

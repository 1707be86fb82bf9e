"""Which school year a day belongs to (`SchoolYear.objects.for_day`) and which one the pages,
downloads and API show when nobody chose one (`SchoolYear.objects.current`): from its first
day, 1 August, to its last, 31 July; in the summer before the new year is entered, the year
that just ended; before the first year, the first; and nothing when no year exists."""

from __future__ import annotations

import datetime as dt

import pytest

from programmes.models import SchoolYear
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


@pytest.fixture(autouse=True)
def _only_the_years_a_test_enters() -> None:
    """The database ships three school years with their holidays; each test here enters
    its own."""
    SchoolYear.objects.all().delete()


def year(label: str) -> SchoolYear:
    return factories.SchoolYearFactory(label=label, holidays=False)


# --- for_day: the year that holds a day ------------------------------------------------


def test_the_first_of_august_belongs_to_the_year_that_begins_then() -> None:
    year("2025-2026")
    new = year("2026-2027")
    assert SchoolYear.objects.for_day(dt.date(2026, 8, 1)) == new


def test_the_thirty_first_of_july_still_belongs_to_the_year_that_ends_then() -> None:
    old = year("2025-2026")
    year("2026-2027")
    assert SchoolYear.objects.for_day(dt.date(2026, 7, 31)) == old


def test_a_summer_day_before_the_new_year_is_entered_belongs_to_no_year() -> None:
    year("2025-2026")
    assert SchoolYear.objects.for_day(dt.date(2026, 8, 20)) is None


def test_no_day_belongs_to_a_year_when_there_is_none() -> None:
    assert SchoolYear.objects.for_day(dt.date(2026, 12, 6)) is None


# --- current: the year shown when nobody chose one --------------------------------------


def test_the_current_year_is_the_one_of_today() -> None:
    year("2025-2026")
    today = year("2026-2027")
    year("2027-2028")
    assert SchoolYear.objects.current() == today


@on_day("2027-08-01", dt.time(0, 30))
def test_from_midnight_in_amsterdam_on_its_first_day_the_new_year_is_current() -> None:
    # 00:30 in Amsterdam is still 31 July in UTC.
    year("2026-2027")
    new = year("2027-2028")
    assert SchoolYear.objects.current() == new


@on_day("2027-07-31")
def test_on_its_last_day_the_old_year_is_still_current() -> None:
    old = year("2026-2027")
    year("2027-2028")
    assert SchoolYear.objects.current() == old


@on_day("2027-08-20")
def test_in_the_summer_before_the_new_year_is_entered_the_year_just_ended_is_current() -> None:
    year("2025-2026")
    ended = year("2026-2027")
    assert SchoolYear.objects.current() == ended


def test_a_missing_year_between_two_entered_ones_gives_the_latest_that_has_begun() -> None:
    earlier = year("2025-2026")
    year("2027-2028")
    assert SchoolYear.objects.current() == earlier


def test_before_the_first_year_begins_the_first_one_is_current() -> None:
    first = year("2027-2028")
    year("2028-2029")
    assert SchoolYear.objects.current() == first


def test_without_any_school_year_there_is_no_current_one() -> None:
    assert SchoolYear.objects.current() is None

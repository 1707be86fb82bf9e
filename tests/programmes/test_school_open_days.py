from __future__ import annotations

import datetime as dt

import pytest

from programmes.calendar import ClosedBecause, SchoolCalendar, school_day_status
from programmes.models import HolidayKind, HolidayRegion, SchoolHoliday
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


def test_an_ordinary_tuesday_is_open() -> None:
    school = factories.SchoolFactory()
    assert school_day_status(school, dt.date(2026, 11, 3)).is_open


def test_it_is_closed_in_the_autumn_holiday_of_its_own_region_only() -> None:
    # The shipped 2026-2027 data: noord 10-18 October, zuid 17-25 October.
    noord = factories.SchoolFactory(holiday_region=HolidayRegion.NOORD)
    zuid = factories.SchoolFactory(holiday_region=HolidayRegion.ZUID)
    assert SchoolHoliday.objects.filter(
        school_year__label="2026-2027",
        region=HolidayRegion.NOORD,
        kind=HolidayKind.AUTUMN,
        start_date=dt.date(2026, 10, 10),
        end_date=dt.date(2026, 10, 18),
    ).exists()
    status = school_day_status(noord, dt.date(2026, 10, 13))
    assert not status.is_open
    assert status.reasons[0].because == ClosedBecause.SCHOOL_HOLIDAY
    assert "Herfstvakantie" in status.explanation
    assert school_day_status(zuid, dt.date(2026, 10, 13)).is_open


def test_it_is_closed_on_public_holidays_good_friday_and_fifth_of_may() -> None:
    school = factories.SchoolFactory()
    for day, name in [
        (dt.date(2027, 3, 26), "Goede"),
        (dt.date(2027, 5, 5), "Bevrijdingsdag"),
        (dt.date(2027, 5, 6), "Hemelvaart"),
        (dt.date(2027, 4, 27), "Koningsdag"),  # also in the shipped May holiday
    ]:
        status = school_day_status(school, day)
        assert not status.is_open, day
        public = [r.label for r in status.reasons if r.because == ClosedBecause.PUBLIC_HOLIDAY]
        assert any(name.lower() in label.lower() for label in public), (day, status.explanation)


def test_it_is_closed_on_its_own_study_day_but_another_school_is_open() -> None:
    school, other = factories.SchoolFactory(), factories.SchoolFactory()
    factories.SchoolClosureFactory(school=school, start_date=dt.date(2027, 3, 10), reason="Biddag")
    status = school_day_status(school, dt.date(2027, 3, 10))
    assert not status.is_open
    assert status.reasons[0].because == ClosedBecause.SCHOOL_CLOSURE
    assert status.explanation == "Biddag"
    assert school_day_status(other, dt.date(2027, 3, 10)).is_open


def test_weekends_are_closed() -> None:
    school = factories.SchoolFactory()
    assert school_day_status(school, dt.date(2026, 11, 28)).reasons[0].because == "weekend"


def test_the_calendar_answers_a_whole_year_in_three_queries(django_assert_num_queries) -> None:
    school = factories.SchoolFactory()
    factories.SchoolHolidayFactory()
    with django_assert_num_queries(2):
        calendar = SchoolCalendar(school, dt.date(2026, 8, 1), dt.date(2027, 7, 31))
        closed = calendar.closed_days()
    assert dt.date(2026, 10, 12) in {status.date for status in closed}

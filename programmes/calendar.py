"""Is a school open on a given day, and if not, why.

A school is closed at the weekend, in its region's school holidays, on Dutch
public holidays (from the `holidays` package, plus Good Friday and 5 May, which
schools usually close) and on the days it marked closed itself (study days;
in Zwolle also Biddag and Dankdag).

`SchoolCalendar` loads a school's holidays and closures for a date range in two
queries and then answers per day without touching the database, so session
generation over a whole year stays cheap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import holidays as holidays_lib
from dateutil.easter import easter
from django.utils.translation import gettext as _

from programmes.models import School, SchoolClosure, SchoolHoliday


class ClosedBecause(StrEnum):
    WEEKEND = "weekend"
    SCHOOL_HOLIDAY = "school_holiday"
    PUBLIC_HOLIDAY = "public_holiday"
    SCHOOL_CLOSURE = "school_closure"


@dataclass(frozen=True)
class ClosedReason:
    because: ClosedBecause
    label: str

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class DayStatus:
    date: dt.date
    reasons: tuple[ClosedReason, ...] = ()

    @property
    def is_open(self) -> bool:
        return not self.reasons

    def __bool__(self) -> bool:
        return self.is_open

    @property
    def explanation(self) -> str:
        return "; ".join(str(reason) for reason in self.reasons)


@lru_cache(maxsize=64)
def _public_holidays_of(year: int) -> dict[dt.date, str]:
    days: dict[dt.date, str] = dict(holidays_lib.NL(years=year, language="nl").items())
    # Schools close on these even where the law does not make them a day off.
    good_friday = easter(year) - dt.timedelta(days=2)
    days.setdefault(good_friday, "Goede Vrijdag")
    days.setdefault(dt.date(year, 5, 5), "Bevrijdingsdag")
    return days


def public_holidays(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Dutch public holidays that schools close on, from `start` to `end` inclusive."""
    result: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in _public_holidays_of(year).items():
            if start <= day <= end:
                result[day] = name
    return result


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The `n`th `weekday` (Monday 0) of a month: nth_weekday(2026, 11, 2, 1) is the first
    Wednesday of November 2026. `n` counts from 1."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7, weeks=n - 1)


def dankdag(year: int) -> dt.date:
    """Dankdag voor gewas en arbeid: the first Wednesday of November of `year`."""
    return nth_weekday(year, 11, 2, 1)


def biddag(year: int) -> dt.date:
    """Biddag voor gewas en arbeid: the second Wednesday of March of `year`."""
    return nth_weekday(year, 3, 2, 2)


class SchoolCalendar:
    """Open and closed days of one school over a date range (inclusive)."""

    def __init__(self, school: School, start: dt.date, end: dt.date) -> None:
        if end < start:
            raise ValueError("end lies before start")
        self.school = school
        self.start = start
        self.end = end
        self._holidays = list(
            SchoolHoliday.objects.filter(
                region=school.holiday_region, start_date__lte=end, end_date__gte=start
            ).order_by("start_date")
        )
        self._closures = list(
            SchoolClosure.objects.filter(
                school=school, start_date__lte=end, end_date__gte=start
            ).order_by("start_date")
        )
        self._public = public_holidays(start, end)

    def status(self, day: dt.date) -> DayStatus:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} lies outside {self.start} to {self.end}")
        reasons: list[ClosedReason] = []
        if day.weekday() >= 5:
            reasons.append(ClosedReason(ClosedBecause.WEEKEND, _("weekend")))
        for holiday in self._holidays:
            if holiday.start_date <= day <= holiday.end_date:
                reasons.append(ClosedReason(ClosedBecause.SCHOOL_HOLIDAY, holiday.display_name))
        if day in self._public:
            reasons.append(ClosedReason(ClosedBecause.PUBLIC_HOLIDAY, self._public[day]))
        for closure in self._closures:
            if closure.start_date <= day <= closure.end_date:
                reasons.append(ClosedReason(ClosedBecause.SCHOOL_CLOSURE, closure.reason))
        return DayStatus(date=day, reasons=tuple(reasons))

    def is_open(self, day: dt.date) -> bool:
        return self.status(day).is_open

    def closed_days(self) -> list[DayStatus]:
        """Every closed school day (weekends left out) in the range, in date order."""
        result = []
        day = self.start
        while day <= self.end:
            status = self.status(day)
            if not status.is_open and day.weekday() < 5:
                result.append(status)
            day += dt.timedelta(days=1)
        return result


def school_day_status(school: School, day: dt.date) -> DayStatus:
    """Is `school` open on `day`, and if not, every reason why."""
    return SchoolCalendar(school, day, day).status(day)

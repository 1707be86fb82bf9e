"""Dankdag, Biddag and the other "nth weekday of a month" days are computed per year."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from programmes.calendar import biddag, dankdag, nth_weekday

# The functions read no clock; the clock is fixed because the tests name dates.
pytestmark = pytest.mark.time_machine(
    dt.datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False
)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2026, dt.date(2026, 11, 4)),
        (2027, dt.date(2027, 11, 3)),
        (2028, dt.date(2028, 11, 1)),  # November begins on a Wednesday
        (2029, dt.date(2029, 11, 7)),  # November begins on a Thursday
    ],
)
def test_dankdag_is_the_first_wednesday_of_november(year: int, expected: dt.date) -> None:
    assert dankdag(year) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2027, dt.date(2027, 3, 10)),
        (2028, dt.date(2028, 3, 8)),
        (2029, dt.date(2029, 3, 14)),  # March begins on a Thursday
        (2030, dt.date(2030, 3, 13)),
    ],
)
def test_biddag_is_the_second_wednesday_of_march(year: int, expected: dt.date) -> None:
    assert biddag(year) == expected


def test_nth_weekday_counts_from_the_first_of_the_month() -> None:
    assert nth_weekday(2027, 2, 4, 1) == dt.date(2027, 2, 5)  # first Friday of February
    assert nth_weekday(2027, 6, 4, 3) == dt.date(2027, 6, 18)  # third Friday of June
    assert nth_weekday(2027, 10, 4, 1) == dt.date(2027, 10, 1)  # the 1st itself is a Friday

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.calendar import ClosedBecause, ClosedReason, DayStatus
from scheduler.series import AMSTERDAM, plan_series
from scheduler.services import series_preview
from tests import factories
from tests.clock import on_day

pytestmark = on_day("2026-12-06")


class FakeCalendar:
    def __init__(self, closed: set[dt.date]) -> None:
        self.closed = closed

    def status(self, day: dt.date) -> DayStatus:
        if day in self.closed or day.weekday() >= 5:
            return DayStatus(day, (ClosedReason(ClosedBecause.SCHOOL_CLOSURE, "dicht"),))
        return DayStatus(day)


@settings(max_examples=200, deadline=None)
@given(
    first_date=st.dates(dt.date(2026, 8, 1), dt.date(2028, 7, 31)),
    weekday=st.integers(0, 4),
    hour=st.integers(8, 16),
    minute=st.sampled_from([0, 15, 30, 45]),
    child_sessions=st.integers(1, 12),
    before=st.integers(0, 3),
    after=st.integers(0, 2),
    closed=st.sets(st.dates(dt.date(2026, 8, 1), dt.date(2029, 7, 31)), max_size=40),
)
def test_a_series_never_lands_on_a_closed_day_and_keeps_its_rhythm(
    first_date: dt.date,
    weekday: int,
    hour: int,
    minute: int,
    child_sessions: int,
    before: int,
    after: int,
    closed: set[dt.date],
) -> None:
    start_time = dt.time(hour, minute)
    plan = plan_series(
        calendar=FakeCalendar(closed),
        first_date=first_date,
        weekday=weekday,
        start_time=start_time,
        child_sessions=child_sessions,
        session_minutes=60,
        parent_meetings_before=before,
        parent_meetings_after=after,
        parent_meeting_time=dt.time(19, 30),
    )
    kinds = [s.kind for s in plan.sessions]
    assert kinds == ["parent"] * before + ["child"] * child_sessions + ["parent"] * after
    dates = [s.date for s in plan.sessions]
    assert all(d not in closed for d in dates)
    assert all(d.weekday() == weekday for d in dates)
    assert dates[0] >= first_date
    # One per week: strictly increasing, whole weeks apart.
    assert all((b - a).days % 7 == 0 and b > a for a, b in itertools.pairwise(dates))
    # Every skipped date is a closed day between the sessions.
    assert all(s.date in closed for s in plan.skipped)
    for session in plan.sessions:
        local = session.starts_at.astimezone(AMSTERDAM)
        expected = start_time if session.kind == "child" else dt.time(19, 30)
        assert (local.hour, local.minute) == (expected.hour, expected.minute)
        assert session.ends_at > session.starts_at


def test_a_14_00_session_stays_14_00_across_the_autumn_clock_change() -> None:
    plan = plan_series(
        calendar=FakeCalendar(set()),
        first_date=dt.date(2026, 10, 19),
        weekday=0,
        start_time=dt.time(14, 0),
        child_sessions=3,
        session_minutes=60,
    )
    utc_hours = [s.starts_at.astimezone(dt.UTC).hour for s in plan.sessions]
    assert utc_hours == [12, 13, 13]  # CEST until 25 Oct 2026, CET after
    assert {s.starts_at.astimezone(AMSTERDAM).hour for s in plan.sessions} == {14}


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_kies_in_regio_noord_skips_the_2026_autumn_and_christmas_holidays(
    kies: Any, year: Any
) -> None:
    school = factories.SchoolFactory(holiday_region="noord")
    plan = series_preview(
        programme=kies,
        host_school=school,
        first_date=dt.date(2026, 9, 28),
        weekday=0,
        start_time=dt.time(13, 30),
    )
    dates = [s.date for s in plan.sessions]
    assert len(dates) == 10  # 1 parent meeting + 8 sessions + 1 evaluation
    skipped = {s.date: s.explanation for s in plan.skipped}
    assert list(skipped) == [dt.date(2026, 10, 12)]
    assert "Herfstvakantie" in skipped[dt.date(2026, 10, 12)]
    assert dates[0] == dt.date(2026, 9, 28)
    assert dates[-1] == dt.date(2026, 12, 7)

    winter = series_preview(
        programme=kies,
        host_school=school,
        first_date=dt.date(2026, 11, 2),
        weekday=0,
        start_time=dt.time(13, 30),
    )
    # Christmas holiday 19 Dec 2026 - 3 Jan 2027 takes out two Mondays.
    assert [s.date for s in winter.skipped] == [dt.date(2026, 12, 21), dt.date(2026, 12, 28)]
    assert winter.sessions[-1].date == dt.date(2027, 1, 18)


@pytestmark_db
def test_a_zuid_school_keeps_the_week_the_noord_school_skips(kies: Any, year: Any) -> None:
    zuid = factories.SchoolFactory(holiday_region="zuid")
    plan = series_preview(
        programme=kies,
        host_school=zuid,
        first_date=dt.date(2026, 10, 5),
        weekday=0,
        start_time=dt.time(13, 30),
    )
    dates = [s.date for s in plan.sessions]
    assert dt.date(2026, 10, 12) in dates
    assert dt.date(2026, 10, 19) not in dates  # zuid: 17-25 Oct 2026


@pytestmark_db
def test_spring_2028_in_regio_noord_skips_the_voorjaar_week_and_easter_monday(kies: Any) -> None:
    factories.SchoolYearFactory(label="2027-2028")
    school = factories.SchoolFactory(holiday_region="noord")
    plan = series_preview(
        programme=kies,
        host_school=school,
        first_date=dt.date(2028, 2, 7),
        weekday=0,
        start_time=dt.time(10, 0),
    )
    skipped = {s.date: s.explanation for s in plan.skipped}
    assert "Voorjaarsvakantie" in skipped[dt.date(2028, 2, 21)]
    assert "paasdag" in skipped[dt.date(2028, 4, 17)].lower()  # Easter Monday 2028
    assert all(s.date not in skipped for s in plan.sessions)


@pytestmark_db
def test_a_school_study_day_is_skipped_with_its_reason(kies: Any, year: Any) -> None:
    school = factories.SchoolFactory(holiday_region="noord")
    factories.SchoolClosureFactory(school=school, start_date=dt.date(2026, 11, 4), reason="Dankdag")
    plan = series_preview(
        programme=kies,
        host_school=school,
        first_date=dt.date(2026, 10, 28),
        weekday=2,
        start_time=dt.time(9, 0),
    )
    first = plan.skipped[0]
    assert (first.date, first.explanation) == (dt.date(2026, 11, 4), "Dankdag")

"""From a group's rhythm to concrete dates: weekly sessions around closed school days.

Pure computation: give it a calendar (anything with `status(day) -> DayStatus`,
normally `programmes.calendar.SchoolCalendar`) and it returns the sessions and
the dates it skipped, with the reasons. Nothing is saved here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from programmes.calendar import DayStatus
from scheduler.models import SessionKind

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A series that needs more than a year of weeks is a mistake, not a plan.
HORIZON_WEEKS = 52


class DayCalendar(Protocol):
    def status(self, day: dt.date) -> DayStatus: ...


@dataclass(frozen=True)
class PlannedSession:
    kind: str
    sequence: int
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def date(self) -> dt.date:
        return self.starts_at.astimezone(AMSTERDAM).date()


@dataclass(frozen=True)
class SkippedDate:
    date: dt.date
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class SeriesPlan:
    sessions: list[PlannedSession] = field(default_factory=list)
    skipped: list[SkippedDate] = field(default_factory=list)

    @property
    def last_date(self) -> dt.date | None:
        return self.sessions[-1].date if self.sessions else None


def at_amsterdam(day: dt.date, time: dt.time) -> dt.datetime:
    """The aware moment of `time` on `day` in Amsterdam (a 14:00 stays 14:00 across DST)."""
    return dt.datetime.combine(day, time, tzinfo=AMSTERDAM)


def first_weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def series_last_day(first_date: dt.date) -> dt.date:
    return first_date + dt.timedelta(weeks=HORIZON_WEEKS)


def plan_series(
    *,
    calendar: DayCalendar,
    first_date: dt.date,
    weekday: int,
    start_time: dt.time,
    child_sessions: int,
    session_minutes: int,
    parent_meetings_before: int = 0,
    parent_meetings_after: int = 0,
    parent_meeting_time: dt.time = dt.time(19, 30),
    parent_meeting_minutes: int = 90,
) -> SeriesPlan:
    """Weekly meetings on `weekday` from `first_date`, skipping every closed day.

    The parent meetings before come first, then the child sessions, then the
    parent meetings after, one per open week. Raises ValidationError when the
    series does not fit within a year.
    """
    slots = (
        [SessionKind.PARENT] * parent_meetings_before
        + [SessionKind.CHILD] * child_sessions
        + [SessionKind.PARENT] * parent_meetings_after
    )
    plan = SeriesPlan()
    counters = {SessionKind.PARENT: 0, SessionKind.CHILD: 0}
    day = first_weekday_on_or_after(first_date, weekday)
    last_day = series_last_day(first_date)
    for kind in slots:
        while True:
            if day > last_day:
                raise ValidationError(
                    _(
                        "Binnen een jaar na %(date)s passen geen %(count)s bijeenkomsten op open "
                        "schooldagen."
                    )
                    % {"date": first_date.strftime("%d-%m-%Y"), "count": len(slots)}
                )
            status = calendar.status(day)
            if status.is_open:
                break
            plan.skipped.append(SkippedDate(day, tuple(str(r) for r in status.reasons)))
            day += dt.timedelta(weeks=1)
        counters[kind] += 1
        if kind == SessionKind.CHILD:
            starts_at = at_amsterdam(day, start_time)
            minutes = session_minutes
        else:
            starts_at = at_amsterdam(day, parent_meeting_time)
            minutes = parent_meeting_minutes
        plan.sessions.append(
            PlannedSession(
                kind=kind,
                sequence=counters[kind],
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=minutes),
            )
        )
        day += dt.timedelta(weeks=1)
    return plan

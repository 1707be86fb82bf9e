"""Groups to invite people to, and two readers of .ics files that are not the writer.

- `vobject` parses with its own parser, resolves TZID through the file's own VTIMEZONE
  (so a wrong VTIMEZONE shows up as wrong times) and expands with dateutil.
- `recurring_ical_events` is a widely used expander (on top of icalendar's parser).

Both return the instances of one UID as aware datetimes, so a test compares them with
the sessions in the database.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import pytest
import recurring_ical_events
import time_machine
import vobject

from programmes.models import HolidayRegion
from scheduler.models import Session, SessionKind, SessionStatus
from tests import factories

UTC = dt.UTC
# Before any of the groups below starts.
NOW = dt.datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
RECIPIENT = ("anna@example.org", "Anna de Boer")


@pytest.fixture(autouse=True)
def frozen_before_the_groups() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def discreet_kies(db: None) -> Any:
    return factories.ProgrammeFactory(
        code="kies-cal",
        name_nl="KIES Kinderen in Scheiding",
        name_en="KIES Children of Divorce",
        child_sessions=8,
        session_minutes=60,
        parent_meetings_before=1,
        parent_meetings_after=1,
        discreet_titles=True,
        discreet_name="Groepsbijeenkomst",
    )


@pytest.fixture
def think(db: None) -> Any:
    return factories.ProgrammeFactory(
        code="think-cal",
        name_nl="THINK op school",
        name_en="THINK at school",
        child_sessions=6,
        session_minutes=60,
        parent_meetings_before=0,
        parent_meetings_after=0,
        discreet_titles=False,
    )


def autumn_group(
    programme: Any,
    *,
    region: str = HolidayRegion.NOORD,
    weekday: int = 0,
    first_date: dt.date = dt.date(2026, 9, 28),
    school_name: str = "De Esch",
    start_time: dt.time = dt.time(13, 0),
    school: Any = None,
) -> Any:
    """A group whose series crosses the autumn holiday and the 25 Oct 2026 clock change
    (tests.factories.make_group, at a school of `region` named `school_name`)."""
    return factories.make_group(
        programme,
        school=school or factories.SchoolFactory(name=school_name, holiday_region=region),
        year=factories.SchoolYearFactory(label="2026-2027"),
        round_label="najaar 2026",
        weekday=weekday,
        start_time=start_time,
        first_date=first_date,
        location="De Esch, Schoolstraat 1",
        room="3",
    )


def child_sessions(group: Any, *, scheduled_only: bool = True) -> list[Session]:
    qs = Session.objects.filter(group=group, kind=SessionKind.CHILD)
    if scheduled_only:
        qs = qs.filter(status=SessionStatus.SCHEDULED)
    return list(qs.order_by("starts_at"))


def scheduled_starts(group: Any) -> list[dt.datetime]:
    return [s.starts_at.astimezone(UTC) for s in child_sessions(group)]


# --- reading with other parsers ---------------------------------------------------------


def vevent_blocks(text: str) -> list[str]:
    return re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", text, flags=re.S)


def vobject_calendar(text: str) -> Any:
    return vobject.readOne(text)


def vobject_instances(text: str, uid: str) -> list[dt.datetime]:
    """The starts of `uid`'s instances (in UTC) as vobject and dateutil expand them."""
    calendar = vobject_calendar(text)
    events = [e for e in calendar.vevent_list if e.uid.value == uid]
    masters = [e for e in events if not hasattr(e, "recurrence_id")]
    overrides = [e for e in events if hasattr(e, "recurrence_id")]
    starts: set[dt.datetime] = set()
    for master in masters:
        if hasattr(master, "rrule"):
            starts.update(master.getrruleset(addRDate=True))
        else:
            starts.add(master.dtstart.value)
    for override in overrides:
        starts.discard(override.recurrence_id.value)
        if override.status.value != "CANCELLED":
            starts.add(override.dtstart.value)
    return sorted(start.astimezone(UTC) for start in starts)


def rie_instances(text: str, uid: str) -> list[dt.datetime]:
    """The starts of `uid`'s instances (in UTC) as recurring-ical-events expands them."""
    calendar = icalendar.Calendar.from_ical(text)
    found = recurring_ical_events.of(calendar).between(
        dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2028, 1, 1, tzinfo=UTC)
    )
    return sorted(
        e["DTSTART"].dt.astimezone(UTC)
        for e in found
        if str(e["UID"]) == uid and str(e.get("STATUS", "")) != "CANCELLED"
    )


def local_times(starts: list[dt.datetime]) -> set[str]:
    from notifications.calendar import AMSTERDAM

    return {start.astimezone(AMSTERDAM).strftime("%H:%M") for start in starts}


def prop_lines(block: str, name: str) -> list[str]:
    """Unfolded content lines of `name` in one component's text."""
    unfolded = block.replace("\r\n ", "")
    return [line for line in unfolded.split("\r\n") if re.match(rf"{name}[;:]", line)]

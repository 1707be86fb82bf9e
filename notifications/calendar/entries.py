"""What every calendar event says, in invitations and feeds alike: its UID, title and
place, and the Europe/Amsterdam time zone its times carry."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from scheduler.models import Group, SessionKind


class SessionLike(Protocol):
    """What a calendar event needs of a session: a `Session`, or a feed's lighter row."""

    pk: int
    uid: uuid.UUID
    kind: str
    status: str
    revision: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    group: Group


TZID = "Europe/Amsterdam"
AMSTERDAM = ZoneInfo(TZID)
PRODID = "-//Groepsplanner//Groepsprogramma's//NL"
FEED_REFRESH = dt.timedelta(hours=1)


def site_domain() -> str:
    """The host of SITE_URL: the right-hand side of every UID."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def series_uid(group: Group) -> str:
    """The UID of a group's recurring child sessions, stable from the group's id."""
    return f"group-{group.pk}-child@{site_domain()}"


def session_uid(session: SessionLike, *, domain: str | None = None) -> str:
    """The UID of one session as its own event (parent meetings; every session in feeds)."""
    return f"session-{session.uid}@{domain or site_domain()}"


def group_title(group: Group) -> str:
    """The calendar title: the programme's public (possibly discreet) title at the school."""
    title = group.programme.public_title(group.host_school.name)
    if group.class_name:
        title = _("%(title)s, klas %(class)s") % {"title": title, "class": group.class_name}
    return title


def session_title(session: SessionLike, group: Group) -> str:
    title = group_title(group)
    if session.kind == SessionKind.PARENT:
        return _("%(title)s – ouderbijeenkomst") % {"title": title}
    return title


def group_location(group: Group) -> str:
    parts = [group.location]
    if group.room:
        parts.append(_("lokaal %(room)s") % {"room": group.room})
    return ", ".join(part for part in parts if part)


def set_property(component: Event | Calendar, name: str, value: object, **parameters: str) -> None:
    """Set a single-valued property by assignment: never a second line for the same name."""
    component.pop(name, None)
    component.add(name, value, parameters=parameters or None)


def amsterdam_vtimezone() -> Timezone:
    """Europe/Amsterdam as two yearly rules (EU: last Sunday of March and of October)."""
    tz = Timezone()
    set_property(tz, "TZID", TZID)
    set_property(tz, "X-LIC-LOCATION", TZID)
    daylight = TimezoneDaylight()
    set_property(daylight, "TZNAME", "CEST")
    set_property(daylight, "TZOFFSETFROM", dt.timedelta(hours=1))
    set_property(daylight, "TZOFFSETTO", dt.timedelta(hours=2))
    set_property(daylight, "DTSTART", dt.datetime(1970, 3, 29, 2, 0))
    set_property(daylight, "RRULE", {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"})
    standard = TimezoneStandard()
    set_property(standard, "TZNAME", "CET")
    set_property(standard, "TZOFFSETFROM", dt.timedelta(hours=2))
    set_property(standard, "TZOFFSETTO", dt.timedelta(hours=1))
    set_property(standard, "DTSTART", dt.datetime(1970, 10, 25, 3, 0))
    set_property(standard, "RRULE", {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def local_time(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(AMSTERDAM)

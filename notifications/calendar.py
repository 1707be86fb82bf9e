"""iCalendar files: invitations that real calendars accept, update and cancel, and feeds.

Invitations follow iTIP (RFC 5546) as sent by mail (iMIP, RFC 6047):

- A group's child sessions are ONE recurring event (UID ``group-<id>-child@<site>``):
  a weekly RRULE over the weeks from the first to the last child session, an EXDATE
  for every week in between without a scheduled session (holidays, cancelled ones),
  and an override with RECURRENCE-ID for every session that is not at its week's
  slot (moved). Each parent meeting is its own event (UID ``session-<uuid>@<site>``).
- SEQUENCE of the series is the sum of its sessions' revisions: every change to any
  session raises one revision by at least one, so the sum rises with every change
  (a maximum would not: cancelling a never-changed session leaves the maximum as it
  was). A parent meeting's SEQUENCE is its own revision.
- Times carry TZID=Europe/Amsterdam with a hand-written VTIMEZONE of two RRULE-based
  rules (Outlook misreads the long RDATE lists that icalendar generates).
- ORGANIZER is the sending mailbox; the recipient is the only ATTENDEE, with RSVP=FALSE
  and PARTSTAT=ACCEPTED, so calendars send no replies.

The series' slots. A session's original date is not stored, so the weekly slot an
instance belongs to (its RECURRENCE-ID) is derived from the sessions as they are: the
grid is ``group.weekday`` at ``group.start_time`` in every week; each session takes the
slot of the week it lies in (scheduled sessions before cancelled ones); a second
session in an already taken week takes the nearest free week of the series instead
(for a session moved into another session's week, that is the week it came from).
A session moved within its week is therefore an override of that week's slot (its
original start); a session moved to a week that had no session shows up as that
week's instance while its old week gets an EXDATE. Both expand to exactly the
scheduled dates. Because a moved series may change its EXDATEs, `session_update`
always sends the whole series (master plus every override) with the new SEQUENCE,
which every calendar applies as a replacement; a lone override would only be right if
the recipient's copy of the master matched ours, which nothing records.

Feeds (`feed_calendar`) carry no METHOD and one plain VEVENT per session.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from scheduler.models import Group, GroupStatus, Session, SessionKind, SessionStatus


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


# --- names and addresses -----------------------------------------------------------------


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


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or settings.DEFAULT_FROM_EMAIL}")
    if name:
        organizer.params["CN"] = vText(name)
    return organizer


def _attendee(email: str, name: str) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{email}")
    if name:
        attendee.params["CN"] = vText(name)
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "ACCEPTED"
    attendee.params["RSVP"] = "FALSE"
    return attendee


# --- building blocks ---------------------------------------------------------------------


def _set(component: Event | Calendar, name: str, value: object, **parameters: str) -> None:
    """Set a single-valued property by assignment: never a second line for the same name."""
    component.pop(name, None)
    component.add(name, value, parameters=parameters or None)


def amsterdam_vtimezone() -> Timezone:
    """Europe/Amsterdam as two yearly rules (EU: last Sunday of March and of October)."""
    tz = Timezone()
    _set(tz, "TZID", TZID)
    _set(tz, "X-LIC-LOCATION", TZID)
    daylight = TimezoneDaylight()
    _set(daylight, "TZNAME", "CEST")
    _set(daylight, "TZOFFSETFROM", dt.timedelta(hours=1))
    _set(daylight, "TZOFFSETTO", dt.timedelta(hours=2))
    _set(daylight, "DTSTART", dt.datetime(1970, 3, 29, 2, 0))
    _set(daylight, "RRULE", {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"})
    standard = TimezoneStandard()
    _set(standard, "TZNAME", "CET")
    _set(standard, "TZOFFSETFROM", dt.timedelta(hours=2))
    _set(standard, "TZOFFSETTO", dt.timedelta(hours=1))
    _set(standard, "DTSTART", dt.datetime(1970, 10, 25, 3, 0))
    _set(standard, "RRULE", {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def _new_calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    _set(calendar, "PRODID", PRODID)
    _set(calendar, "VERSION", "2.0")
    _set(calendar, "CALSCALE", "GREGORIAN")
    if method:
        _set(calendar, "METHOD", method)
    calendar.add_component(amsterdam_vtimezone())
    return calendar


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(AMSTERDAM)


def _event(
    *,
    uid: str,
    sequence: int,
    stamp: dt.datetime,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    summary: str,
    location: str,
    status: str,
) -> Event:
    event = Event()
    _set(event, "UID", uid)
    _set(event, "SEQUENCE", sequence)
    _set(event, "DTSTAMP", stamp.astimezone(dt.UTC))
    _set(event, "DTSTART", _local(starts_at))
    _set(event, "DTEND", _local(ends_at))
    _set(event, "SUMMARY", summary)
    if location:
        _set(event, "LOCATION", location)
    _set(event, "STATUS", status)
    _set(event, "TRANSP", "OPAQUE")
    return event


def _address(event: Event, *, recipient_email: str, recipient_name: str) -> Event:
    _set(event, "ORGANIZER", _organizer())
    _set(event, "ATTENDEE", _attendee(recipient_email, recipient_name))
    return event


def _text(calendar: Calendar) -> str:
    return calendar.to_ical().decode("utf-8")


# --- the child sessions as one series ----------------------------------------------------


def _week_of(moment: dt.datetime) -> dt.date:
    day = _local(moment).date()
    return day - dt.timedelta(days=day.weekday())


@dataclass
class ChildSeries:
    """A group's child sessions as one weekly series: which slot each session has."""

    group: Group
    first_week: dt.date
    weeks: int
    duration: dt.timedelta
    sequence: int
    slot_of: dict[int, dt.datetime] = field(default_factory=dict)
    sessions: list[Session] = field(default_factory=list)

    def slot(self, week: dt.date) -> dt.datetime:
        day = week + dt.timedelta(days=self.group.weekday)
        return dt.datetime.combine(day, self.group.start_time, tzinfo=AMSTERDAM)

    @property
    def first_slot(self) -> dt.datetime:
        return self.slot(self.first_week)

    @property
    def scheduled(self) -> list[Session]:
        return [s for s in self.sessions if s.status == SessionStatus.SCHEDULED]

    @property
    def exdates(self) -> list[dt.datetime]:
        """Every slot of the series without a scheduled session: skipped or cancelled weeks."""
        taken = {self.slot_of[s.pk] for s in self.scheduled}
        slots = (self.slot(self.first_week + dt.timedelta(weeks=n)) for n in range(self.weeks))
        return [slot for slot in slots if slot not in taken]

    def is_override(self, session: Session) -> bool:
        slot = self.slot_of[session.pk]
        return session.starts_at != slot or session.ends_at - session.starts_at != self.duration


def child_series(group: Group, sessions: Iterable[Session]) -> ChildSeries | None:
    """The series of `group`'s child sessions (see the module docstring), or None without any."""
    children = sorted(
        (s for s in sessions if s.kind == SessionKind.CHILD),
        key=lambda s: (s.status != SessionStatus.SCHEDULED, s.starts_at, s.sequence, s.pk),
    )
    if not children:
        return None
    taken: dict[dt.date, Session] = {}
    overflow: list[Session] = []
    for session in children:
        week = _week_of(session.starts_at)
        if week in taken:
            overflow.append(session)
        else:
            taken[week] = session
    first, last = min(taken), max(taken)
    for session in overflow:
        own = _week_of(session.starts_at)
        weeks = (first + dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1))
        free = sorted((w for w in weeks if w not in taken), key=lambda w: (abs(w - own), w))
        week = free[0] if free else last + dt.timedelta(weeks=1)
        taken[week] = session
        last = max(last, week)
    durations = Counter(
        s.ends_at - s.starts_at for s in children if s.status == SessionStatus.SCHEDULED
    ) or Counter(s.ends_at - s.starts_at for s in children)
    duration = min(durations, key=lambda d: (-durations[d], d))
    series = ChildSeries(
        group=group,
        first_week=first,
        weeks=(last - first).days // 7 + 1,
        duration=duration,
        sequence=sum(s.revision for s in children),
        sessions=sorted(children, key=lambda s: (s.starts_at, s.pk)),
    )
    series.slot_of = {session.pk: series.slot(week) for week, session in taken.items()}
    return series


def _series_master(series: ChildSeries, *, stamp: dt.datetime, status: str) -> Event:
    group = series.group
    master = _event(
        uid=series_uid(group),
        sequence=series.sequence,
        stamp=stamp,
        starts_at=series.first_slot,
        ends_at=series.first_slot + series.duration,
        summary=group_title(group),
        location=group_location(group),
        status=status,
    )
    _set(master, "RRULE", {"FREQ": "WEEKLY", "COUNT": series.weeks})
    if status != "CANCELLED":
        for slot in series.exdates:
            master.add("EXDATE", slot)
    return master


def _series_instance(
    series: ChildSeries, session: Session, *, stamp: dt.datetime, status: str
) -> Event:
    event = _event(
        uid=series_uid(series.group),
        sequence=series.sequence,
        stamp=stamp,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=group_title(series.group),
        location=group_location(series.group),
        status=status,
    )
    _set(event, "RECURRENCE-ID", series.slot_of[session.pk])
    return event


def _series_request(series: ChildSeries, *, stamp: dt.datetime) -> list[Event]:
    """The master and every override: the whole series as a REQUEST replaces it."""
    if not series.scheduled:
        return []
    events = [_series_master(series, stamp=stamp, status="CONFIRMED")]
    for session in series.scheduled:
        if series.is_override(session):
            events.append(_series_instance(series, session, stamp=stamp, status="CONFIRMED"))
    return events


def _parent_meeting(
    session: Session, group: Group, *, stamp: dt.datetime, status: str | None = None
) -> Event:
    return _event(
        uid=session_uid(session),
        sequence=session.revision,
        stamp=stamp,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=session_title(session, group),
        location=group_location(group),
        status=status
        or ("CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED"),
    )


def _load_group(group: Group) -> tuple[Group, list[Session]]:
    group = Group.objects.select_related("programme", "host_school").get(pk=group.pk)
    return group, list(Session.objects.filter(group=group).order_by("starts_at", "pk"))


def _itip(
    method: str, events: Sequence[Event], *, recipient_email: str, recipient_name: str
) -> str:
    calendar = _new_calendar(method)
    for event in events:
        calendar.add_component(
            _address(event, recipient_email=recipient_email, recipient_name=recipient_name)
        )
    return _text(calendar)


# --- invitations (the interface MESSAGES calls) ---------------------------------------------


def group_invitation(
    *, group: Group, recipient_email: str, recipient_name: str, method: str = "REQUEST"
) -> str:
    """The invitation for a group's child sessions: one recurring event, with every moved
    session as an override. All VEVENTs share one UID, as iTIP (RFC 5546) requires of a
    REQUEST; each parent meeting has its own UID and therefore goes out in a message of
    its own (`session_update(session=meeting)`).

    `method="CANCEL"` gives the same as `group_cancellation` (for a recipient who leaves
    the group, e.g. a withdrawn enrolment or a trainer taken off it).
    """
    if method == "CANCEL":
        return group_cancellation(
            group=group, recipient_email=recipient_email, recipient_name=recipient_name
        )
    if method != "REQUEST":
        raise ValueError(f"Unsupported iTIP method {method!r}")
    group, sessions = _load_group(group)
    stamp = timezone.now()
    series = child_series(group, sessions)
    events: list[Event] = _series_request(series, stamp=stamp) if series is not None else []
    if not events:  # nothing scheduled (a cancelled group): a REQUEST would be empty
        return group_cancellation(
            group=group, recipient_email=recipient_email, recipient_name=recipient_name
        )
    return _itip("REQUEST", events, recipient_email=recipient_email, recipient_name=recipient_name)


def session_update(*, session: Session, recipient_email: str, recipient_name: str) -> str:
    """A REQUEST after a session moved or was added.

    A child session: the whole series with a higher SEQUENCE, the session as an override
    with RECURRENCE-ID when it is not at its weekly slot. A parent meeting: its own event.
    """
    group, sessions = _load_group(session.group)
    session = next(s for s in sessions if s.pk == session.pk)
    stamp = timezone.now()
    if session.kind == SessionKind.PARENT:
        events = [_parent_meeting(session, group, stamp=stamp)]
    else:
        series = child_series(group, sessions)
        assert series is not None  # the session itself is a child session
        events = _series_request(series, stamp=stamp)
        if not events:  # nothing scheduled is left: the series is over
            events = [_series_master(series, stamp=stamp, status="CANCELLED")]
            return _itip(
                "CANCEL", events, recipient_email=recipient_email, recipient_name=recipient_name
            )
    return _itip("REQUEST", events, recipient_email=recipient_email, recipient_name=recipient_name)


def session_cancellation(*, session: Session, recipient_email: str, recipient_name: str) -> str:
    """A CANCEL of one session: of the series' instance (RECURRENCE-ID = its weekly slot)
    for a child session, of the whole event for a parent meeting."""
    group, sessions = _load_group(session.group)
    session = next(s for s in sessions if s.pk == session.pk)
    stamp = timezone.now()
    if session.kind == SessionKind.PARENT:
        event = _parent_meeting(session, group, stamp=stamp, status="CANCELLED")
    else:
        series = child_series(group, sessions)
        assert series is not None
        event = _series_instance(series, session, stamp=stamp, status="CANCELLED")
    return _itip("CANCEL", [event], recipient_email=recipient_email, recipient_name=recipient_name)


def group_cancellation(*, group: Group, recipient_email: str, recipient_name: str) -> str:
    """A CANCEL of the group's child series as a whole (one UID). Each parent meeting is
    cancelled in a message of its own (`session_cancellation(session=meeting)`)."""
    group, sessions = _load_group(group)
    stamp = timezone.now()
    series = child_series(group, sessions)
    events: list[Event] = []
    if series is not None:
        events.append(_series_master(series, stamp=stamp, status="CANCELLED"))
    else:  # no child sessions at all: cancel the parent meetings' UIDs is all there is
        events = [
            _parent_meeting(session, group, stamp=stamp, status="CANCELLED")
            for session in sessions[:1]
            if session.kind == SessionKind.PARENT
        ]
    return _itip("CANCEL", events, recipient_email=recipient_email, recipient_name=recipient_name)


def parent_meetings_of(group: Group) -> list[Session]:
    """The parent meetings that travel in messages of their own next to the series."""
    return list(
        Session.objects.filter(group=group, kind=SessionKind.PARENT).order_by("starts_at", "pk")
    )


# --- feeds ---------------------------------------------------------------------------------


def feed_event_status(session: SessionLike, group: Group) -> str:
    if session.status == SessionStatus.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if group.status == GroupStatus.DRAFT else "CONFIRMED"


def feed_fingerprint(session: SessionLike) -> str:
    """What a feed event shows, as text, independent of language: when it changes, the
    event's DTSTAMP moves (see `notifications.feed_tokens`)."""
    group = session.group
    programme = group.programme
    return "|".join(
        str(part)
        for part in (
            session.revision,
            session.kind,
            session.status,
            session.starts_at.timestamp(),
            session.ends_at.timestamp(),
            group.status,
            group.location,
            group.room,
            group.class_name,
            group.host_school.name,
            programme.discreet_titles,
            programme.discreet_name,
            programme.name_nl,
            programme.name_en,
        )
    )


def _escape(value: str) -> str:
    """TEXT escaping of RFC 5545 (3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    if len(line) <= 75 and len(line.encode("utf-8")) <= 75:
        return line
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _local_stamp(moment: dt.datetime) -> str:
    return f"TZID={TZID}:{_local(moment):%Y%m%dT%H%M%S}"


def _utc_stamp(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


_VTIMEZONE_TEXT: str | None = None


def _vtimezone_text() -> str:
    global _VTIMEZONE_TEXT
    if _VTIMEZONE_TEXT is None:
        _VTIMEZONE_TEXT = amsterdam_vtimezone().to_ical().decode("utf-8")
    return _VTIMEZONE_TEXT


def feed_calendar(
    *,
    name: str,
    sessions: Iterable[SessionLike],
    stamp_of: Callable[[SessionLike], dt.datetime],
) -> str:
    """A subscription feed: no METHOD, one VEVENT per session, DTSTAMP from `stamp_of`
    (the session's last change), so the same content always gives the same bytes.

    `sessions` must come with `group__programme` and `group__host_school` loaded. The
    lines are written directly rather than through icalendar's component tree, which
    costs about a millisecond per event (a 500-session feed must render in well under
    100 ms); the tests read the result back with two independent parsers.
    """
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_escape(PRODID)}",
        "CALSCALE:GREGORIAN",
        f"NAME:{_escape(name)}",
        f"X-WR-CALNAME:{_escape(name)}",
        f"X-WR-TIMEZONE:{TZID}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    lines: list[str] = []
    domain = site_domain()
    titles: dict[tuple[int, str], tuple[str, str]] = {}
    for session in sessions:
        group = session.group
        key = (group.pk, session.kind)
        if key not in titles:
            titles[key] = (
                _escape(session_title(session, group)),
                _escape(group_location(group)),
            )
        summary, location = titles[key]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{session_uid(session, domain=domain)}",
            f"SEQUENCE:{session.revision}",
            f"DTSTAMP:{_utc_stamp(stamp_of(session))}",
            f"DTSTART;{_local_stamp(session.starts_at)}",
            f"DTEND;{_local_stamp(session.ends_at)}",
            _fold(f"SUMMARY:{summary}"),
        ]
        if location:
            lines.append(_fold(f"LOCATION:{location}"))
        lines += [
            f"STATUS:{feed_event_status(session, group)}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return (
        "".join(f"{_fold(line)}\r\n" for line in head)
        + _vtimezone_text()
        + "".join(f"{line}\r\n" for line in lines)
    )

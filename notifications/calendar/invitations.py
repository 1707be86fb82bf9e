"""Invitations by mail (iTIP, RFC 5546, sent as iMIP, RFC 6047): a group's child
sessions as one recurring series, each parent meeting its own event; see the package's
docstring for the series' slots and SEQUENCE."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from notifications.calendar.entries import (
    AMSTERDAM,
    PRODID,
    amsterdam_vtimezone,
    group_location,
    group_title,
    local_time,
    series_uid,
    session_title,
    session_uid,
    set_property,
)
from scheduler.models import Group, Session, SessionKind, SessionStatus


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


def _new_calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    set_property(calendar, "PRODID", PRODID)
    set_property(calendar, "VERSION", "2.0")
    set_property(calendar, "CALSCALE", "GREGORIAN")
    if method:
        set_property(calendar, "METHOD", method)
    calendar.add_component(amsterdam_vtimezone())
    return calendar


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
    set_property(event, "UID", uid)
    set_property(event, "SEQUENCE", sequence)
    set_property(event, "DTSTAMP", stamp.astimezone(dt.UTC))
    set_property(event, "DTSTART", local_time(starts_at))
    set_property(event, "DTEND", local_time(ends_at))
    set_property(event, "SUMMARY", summary)
    if location:
        set_property(event, "LOCATION", location)
    set_property(event, "STATUS", status)
    set_property(event, "TRANSP", "OPAQUE")
    return event


def _address(event: Event, *, recipient_email: str, recipient_name: str) -> Event:
    set_property(event, "ORGANIZER", _organizer())
    set_property(event, "ATTENDEE", _attendee(recipient_email, recipient_name))
    return event


def _text(calendar: Calendar) -> str:
    return calendar.to_ical().decode("utf-8")


# --- the child sessions as one series ----------------------------------------------------


def _week_of(moment: dt.datetime) -> dt.date:
    day = local_time(moment).date()
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
    set_property(master, "RRULE", {"FREQ": "WEEKLY", "COUNT": series.weeks})
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
    set_property(event, "RECURRENCE-ID", series.slot_of[session.pk])
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
    REQUEST; each parent meeting has its own UID and therefore goes out as a calendar file
    of its own beside it, in the same mail (`session_update(session=meeting)`).

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
    cancelled in a calendar file of its own (`session_cancellation(session=meeting)`)."""
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
    """The parent meetings that travel as calendar files of their own beside the series."""
    return list(
        Session.objects.filter(group=group, kind=SessionKind.PARENT).order_by("starts_at", "pk")
    )

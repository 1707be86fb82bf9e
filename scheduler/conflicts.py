"""Conflict checks for sessions, used by every path that creates or moves one.

Hard conflicts are refused: a trainer in two overlapping sessions, a trainer's
unavailable period, a closed school day, two groups in one room. Soft ones are
warnings the programme manager may override: a travel buffer shorter than the
setting between sessions at different schools, and a trainer's weekly maximum.

`ConflictChecker` loads everything it needs for a date range up front (a fixed
number of queries), then checks any number of candidate slots in memory, and
remembers the slots it accepted so a new series is checked against itself too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Q
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from programmes.calendar import SchoolCalendar
from programmes.dates import day_text
from programmes.models import Programme, School, Trainer, TrainerUnavailability
from programmes.selectors import certificate_ends, certificate_valid_on
from scheduler.models import GroupStatus, Session, SessionStatus
from scheduler.series import AMSTERDAM


class Severity(StrEnum):
    HARD = "hard"
    SOFT = "soft"


class ConflictKind(StrEnum):
    TRAINER_OVERLAP = "trainer_overlap"
    TRAVEL_BUFFER = "travel_buffer"
    UNAVAILABLE = "unavailable"
    WEEKLY_MAXIMUM = "weekly_maximum"
    SCHOOL_CLOSED = "school_closed"
    ROOM_TAKEN = "room_taken"
    CERTIFICATE_EXPIRED = "certificate_expired"


SOFT_KINDS = frozenset({ConflictKind.TRAVEL_BUFFER, ConflictKind.WEEKLY_MAXIMUM})


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    message: str
    starts_at: dt.datetime
    trainer_id: int | None = None
    other_session_id: int | None = None

    @property
    def severity(self) -> Severity:
        return Severity.SOFT if self.kind in SOFT_KINDS else Severity.HARD

    @property
    def is_hard(self) -> bool:
        return self.severity == Severity.HARD

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Slot:
    """A candidate meeting: when, where, and with whom."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    school_id: int
    room: str
    trainer_ids: tuple[int, ...]
    label: str


@dataclass(frozen=True)
class _Busy:
    starts_at: dt.datetime
    ends_at: dt.datetime
    school_id: int
    room: str
    label: str
    session_id: int | None


def when(moment: dt.datetime) -> str:
    """ "maandag 2 november 2026 13:00"."""
    local = localtime(moment)
    return f"{day_text(local.date())} {local:%H:%M}"


def _overlaps(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    return a_start < b_end and b_start < a_end


def session_label(session: Session) -> str:
    group = session.group
    what = f"{session.get_kind_display()} {session.sequence}"
    return f"{group.programme.name} – {group.host_school.name} ({what})"


class ConflictChecker:
    def __init__(
        self,
        *,
        school: School,
        trainers: Sequence[Trainer],
        start: dt.date,
        end: dt.date,
        exclude_session_ids: Iterable[int] = (),
        buffer_minutes: int | None = None,
        programme: Programme | None = None,
    ) -> None:
        self.school = school
        self.trainers = {trainer.pk: trainer for trainer in trainers}
        # The trainers' certificates for the programme the slots belong to (none asked
        # without a programme): a session after a certificate's last day is refused.
        self.programme = programme
        self.certificates = (
            certificate_ends(self.trainers, programme.pk) if programme is not None else {}
        )
        self.buffer = dt.timedelta(
            minutes=settings.SCHEDULER_TRAVEL_BUFFER_MINUTES
            if buffer_minutes is None
            else buffer_minutes
        )
        # Weeks are counted whole, so load from the Monday before to the Sunday after.
        week_start = start - dt.timedelta(days=start.weekday())
        week_end = end + dt.timedelta(days=6 - end.weekday())
        self.calendar = SchoolCalendar(school, start, end)
        self._busy: dict[int, list[_Busy]] = defaultdict(list)
        self._rooms: list[_Busy] = []
        self._weekly: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
        excluded = set(exclude_session_ids)
        range_start = dt.datetime.combine(week_start, dt.time(0), tzinfo=AMSTERDAM)
        range_end = range_start + dt.timedelta(days=(week_end - week_start).days + 1)
        sessions = (
            Session.objects.filter(starts_at__lt=range_end, ends_at__gt=range_start)
            .filter(status=SessionStatus.SCHEDULED)
            .exclude(group__status=GroupStatus.CANCELLED)
            .exclude(pk__in=excluded)
            .filter(Q(group__trainers__in=self.trainers) | Q(group__host_school=school))
            .select_related("group__programme", "group__host_school")
            .prefetch_related("group__trainers")
            .distinct()
        )
        for session in sessions:
            busy = _Busy(
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                school_id=session.group.host_school_id,
                room=session.group.room.strip().lower(),
                label=session_label(session),
                session_id=session.pk,
            )
            if busy.school_id == school.pk and busy.room:
                self._rooms.append(busy)
            for trainer in session.group.trainers.all():
                if trainer.pk in self.trainers:
                    self._busy[trainer.pk].append(busy)
                    self._weekly[(trainer.pk, self._week(session.starts_at))] += 1
        self._unavailable = list(
            TrainerUnavailability.objects.filter(
                trainer__in=self.trainers, starts_at__lt=range_end, ends_at__gt=range_start
            )
        )

    @staticmethod
    def _week(moment: dt.datetime) -> tuple[int, int]:
        iso = localtime(moment).isocalendar()
        return (iso.year, iso.week)

    def check(self, slot: Slot) -> list[Conflict]:
        day = localtime(slot.starts_at).date()
        conflicts = self._school_closed(slot, day) + self._room_taken(slot)
        for trainer_id in slot.trainer_ids:
            conflicts += self._trainer_conflicts(slot, trainer_id, day)
        return conflicts

    def _school_closed(self, slot: Slot, day: dt.date) -> list[Conflict]:
        conflicts: list[Conflict] = []
        if self.calendar.start <= day <= self.calendar.end:
            status = self.calendar.status(day)
            if not status.is_open:
                conflicts.append(
                    Conflict(
                        ConflictKind.SCHOOL_CLOSED,
                        _("%(school)s is dicht op %(when)s: %(why)s.")
                        % {
                            "school": self.school.name,
                            "when": when(slot.starts_at),
                            "why": status.explanation,
                        },
                        slot.starts_at,
                    )
                )
        return conflicts

    def _room_taken(self, slot: Slot) -> list[Conflict]:
        conflicts: list[Conflict] = []
        room = slot.room.strip().lower()
        if room:
            for busy in self._rooms:
                if busy.room == room and _overlaps(
                    slot.starts_at, slot.ends_at, busy.starts_at, busy.ends_at
                ):
                    conflicts.append(
                        Conflict(
                            ConflictKind.ROOM_TAKEN,
                            _("Lokaal %(room)s is op %(when)s al bezet door %(other)s.")
                            % {
                                "room": slot.room,
                                "when": when(busy.starts_at),
                                "other": busy.label,
                            },
                            slot.starts_at,
                            other_session_id=busy.session_id,
                        )
                    )
        return conflicts

    def _trainer_conflicts(self, slot: Slot, trainer_id: int, day: dt.date) -> list[Conflict]:
        """Certificate, overlap, travel time, unavailability and weekly maximum of one trainer."""
        return (
            self._certificate_expired(slot, trainer_id, day)
            + self._trainer_busy(slot, trainer_id)
            + self._trainer_unavailable(slot, trainer_id)
            + self._weekly_maximum(slot, trainer_id)
        )

    def _certificate_expired(self, slot: Slot, trainer_id: int, day: dt.date) -> list[Conflict]:
        """The trainer's certificate for the programme is no longer valid on `day`."""
        valid_until = self.certificates.get(trainer_id)
        if self.programme is None or certificate_valid_on(valid_until, day):
            return []
        name = self.trainers[trainer_id].display_name
        return [
            Conflict(
                ConflictKind.CERTIFICATE_EXPIRED,
                _(
                    "Het certificaat van %(trainer)s voor %(programme)s is geldig tot en "
                    "met %(until)s; op %(when)s mag %(trainer)s deze groep niet leiden. "
                    "Kies een andere trainer, of leg eerst het nieuwe certificaat vast."
                )
                % {
                    "trainer": name,
                    "programme": self.programme.name,
                    "until": day_text(valid_until),
                    "when": when(slot.starts_at),
                },
                slot.starts_at,
                trainer_id,
            )
        ]

    def _trainer_busy(self, slot: Slot, trainer_id: int) -> list[Conflict]:
        """Sessions of the trainer that overlap `slot`, or lie within the travel buffer of it
        at another school."""
        conflicts: list[Conflict] = []
        name = self.trainers[trainer_id].display_name
        for busy in self._busy[trainer_id]:
            if _overlaps(slot.starts_at, slot.ends_at, busy.starts_at, busy.ends_at):
                conflicts.append(
                    Conflict(
                        ConflictKind.TRAINER_OVERLAP,
                        _("%(trainer)s geeft op %(when)s al %(other)s.")
                        % {"trainer": name, "when": when(busy.starts_at), "other": busy.label},
                        slot.starts_at,
                        trainer_id,
                        busy.session_id,
                    )
                )
            elif busy.school_id != slot.school_id and _overlaps(
                slot.starts_at - self.buffer,
                slot.ends_at + self.buffer,
                busy.starts_at,
                busy.ends_at,
            ):
                conflicts.append(
                    Conflict(
                        ConflictKind.TRAVEL_BUFFER,
                        _(
                            "%(trainer)s heeft minder dan %(minutes)s minuten reistijd tussen "
                            "deze bijeenkomst en %(other)s op %(when)s."
                        )
                        % {
                            "trainer": name,
                            "minutes": int(self.buffer.total_seconds() // 60),
                            "other": busy.label,
                            "when": when(busy.starts_at),
                        },
                        slot.starts_at,
                        trainer_id,
                        busy.session_id,
                    )
                )
        return conflicts

    def _trainer_unavailable(self, slot: Slot, trainer_id: int) -> list[Conflict]:
        """Periods the trainer marked as unavailable that overlap `slot`."""
        name = self.trainers[trainer_id].display_name
        return [
            Conflict(
                ConflictKind.UNAVAILABLE,
                _("%(trainer)s is niet beschikbaar van %(start)s tot %(end)s%(reason)s.")
                % {
                    "trainer": name,
                    "start": when(period.starts_at),
                    "end": when(period.ends_at),
                    "reason": f" ({period.reason})" if period.reason else "",
                },
                slot.starts_at,
                trainer_id,
            )
            for period in self._unavailable
            if period.trainer_id == trainer_id
            and _overlaps(slot.starts_at, slot.ends_at, period.starts_at, period.ends_at)
        ]

    def _weekly_maximum(self, slot: Slot, trainer_id: int) -> list[Conflict]:
        """`slot` would take the trainer over their maximum of sessions in its ISO week."""
        trainer = self.trainers[trainer_id]
        week = self._week(slot.starts_at)
        if self._weekly[(trainer_id, week)] + 1 <= trainer.max_sessions_per_week:
            return []
        return [
            Conflict(
                ConflictKind.WEEKLY_MAXIMUM,
                _(
                    "%(trainer)s komt in week %(week)s boven het maximum van %(max)s "
                    "bijeenkomsten per week."
                )
                % {
                    "trainer": trainer.display_name,
                    "week": week[1],
                    "max": trainer.max_sessions_per_week,
                },
                slot.starts_at,
                trainer_id,
            )
        ]

    def accept(self, slot: Slot) -> None:
        """Count `slot` as taken, so later slots of the same series are checked against it."""
        busy = _Busy(
            slot.starts_at,
            slot.ends_at,
            slot.school_id,
            slot.room.strip().lower(),
            slot.label,
            None,
        )
        if busy.room and slot.school_id == self.school.pk:
            self._rooms.append(busy)
        for trainer_id in slot.trainer_ids:
            self._busy[trainer_id].append(busy)
            self._weekly[(trainer_id, self._week(slot.starts_at))] += 1

"""The year planner's input as plain data, and what is possible for each request.

Nothing here touches the database: `loading.py` builds a `PlannerInstance` from
it, the benchmark and the tests build one by hand. `PlanningProblem` turns an
instance into candidate series per request (weekday, start time, first date,
all sessions via `plan_series` on the school's open days) and, per candidate,
the qualified trainers who are free for every session of it (existing sessions,
travel buffer, unavailability and weekly maximum taken into account). The
greedy baseline and the CP-SAT model both work on that, so they agree on what
is allowed.

To keep the model small the candidates are thinned out: at most 4 start times
(evenly over the request's time window), 6 first dates per weekday (evenly over
those that fit) and, in the solver, 8 free trainers per candidate (trainers who
already work at the school first, then rotating per request). Optimality and
bounds are about this candidate set.

One rule is stricter here than in `scheduler.conflicts`: between two *proposed*
series a trainer keeps the travel buffer even at the same school. That keeps
the model to one at-most-one constraint per moment, and is never a breach.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from programmes.calendar import ClosedBecause, ClosedReason, DayStatus, public_holidays
from scheduler.series import AMSTERDAM, PlannedSession, at_amsterdam, plan_series

WEEK = dt.timedelta(weeks=1)


@dataclass(frozen=True)
class ProgrammeSpec:
    id: int
    name: str
    child_sessions: int
    session_minutes: int
    trainers_per_group: int
    parent_meetings_before: int = 0
    parent_meetings_after: int = 0
    parent_meeting_minutes: int = 90
    parent_meeting_time: dt.time = dt.time(19, 30)

    @property
    def meetings(self) -> int:
        return self.child_sessions + self.parent_meetings_before + self.parent_meetings_after


@dataclass(frozen=True, eq=False)
class SchoolSpec:
    """A school and its closed weekdays (holidays of its region, public holidays, own days)."""

    id: int
    name: str
    closed: Mapping[dt.date, tuple[ClosedReason, ...]] = field(default_factory=dict)

    def status(self, day: dt.date) -> DayStatus:
        reasons = self.closed.get(day, ())
        if day.weekday() >= 5:
            reasons = (ClosedReason(ClosedBecause.WEEKEND, "weekend"), *reasons)
        return DayStatus(date=day, reasons=tuple(reasons))

    def is_open(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.closed


def closed_days(
    *,
    start: dt.date,
    end: dt.date,
    holidays: Iterable[tuple[dt.date, dt.date, str]] = (),
    closures: Iterable[tuple[dt.date, dt.date, str]] = (),
) -> dict[dt.date, tuple[ClosedReason, ...]]:
    """Closed weekdays from `start` to `end`: the given school holidays and the school's own
    closures (first day, last day, name), plus the public holidays schools close on."""
    found: dict[dt.date, list[ClosedReason]] = defaultdict(list)

    def mark(first: dt.date, last: dt.date, reason: ClosedReason) -> None:
        day = max(first, start)
        while day <= min(last, end):
            if day.weekday() < 5:
                found[day].append(reason)
            day += dt.timedelta(days=1)

    for first, last, name in holidays:
        mark(first, last, ClosedReason(ClosedBecause.SCHOOL_HOLIDAY, name))
    for day, name in public_holidays(start, end).items():
        mark(day, day, ClosedReason(ClosedBecause.PUBLIC_HOLIDAY, name))
    for first, last, name in closures:
        mark(first, last, ClosedReason(ClosedBecause.SCHOOL_CLOSURE, name))
    return {day: tuple(reasons) for day, reasons in found.items()}


@dataclass(frozen=True)
class BusyPeriod:
    """A trainer's existing session (with its school) or unavailable period (no school)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    school_id: int | None = None
    group_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class TrainerSpec:
    id: int
    name: str
    qualifications: frozenset[int]
    max_sessions_per_week: int
    sessions: tuple[BusyPeriod, ...] = ()
    unavailable: tuple[BusyPeriod, ...] = ()
    # (programme id, last valid day) of the certificates that expire; the others do not.
    certificate_ends: tuple[tuple[int, dt.date], ...] = ()

    def certified_on(self, programme_id: int, day: dt.date) -> bool:
        """Qualified for the programme and its certificate still valid on `day`."""
        if programme_id not in self.qualifications:
            return False
        return all(day <= last for pid, last in self.certificate_ends if pid == programme_id)


@dataclass(frozen=True)
class RequestSpec:
    id: int
    school_id: int
    programme_id: int
    window_start: dt.date
    window_end: dt.date
    preferred_weekdays: tuple[int, ...]
    expected_children: int
    earliest_start: dt.time = dt.time(8, 30)
    latest_start: dt.time = dt.time(15, 0)
    round_label: str = ""
    class_name: str = ""


@dataclass
class PlannerInstance:
    """Everything the planner needs; `requests` in creation order, `trainers` in id order."""

    requests: list[RequestSpec]
    programmes: dict[int, ProgrammeSpec]
    schools: dict[int, SchoolSpec]
    trainers: list[TrainerSpec]
    buffer_minutes: int = 30
    # No first date before this day (the database path passes tomorrow).
    not_before: dt.date | None = None


@dataclass(frozen=True)
class CandidateOptions:
    """How many start times and first dates per preferred weekday the planner considers."""

    max_start_times: int = 4
    max_first_dates: int = 6
    time_step_minutes: int = 30
    # Per candidate, only the first this many free trainers in the request's trainer order
    # (see `PlanningProblem.trainer_order`); None keeps them all.
    max_trainers: int | None = 8


@dataclass(frozen=True, eq=False)
class Candidate:
    """One way to run a request: weekday, start time, first date and the resulting sessions."""

    index: int
    request_id: int
    weekday: int
    start_time: dt.time
    first_date: dt.date
    sessions: tuple[PlannedSession, ...]
    weekday_rank: int
    week_offset: int
    # (local date, start, end) in minutes since the epoch, one per session.
    spans: tuple[tuple[dt.date, int, int], ...]
    weeks: tuple[tuple[int, int], ...]

    @property
    def preference_penalty(self) -> int:
        """Lower is better: a later weekday in the preference list weighs like four weeks."""
        return 4 * self.weekday_rank + self.week_offset


def minutes(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // 60


def iso_week(day: dt.date) -> tuple[int, int]:
    iso = day.isocalendar()
    return (iso.year, iso.week)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(AMSTERDAM).date()


def _spread(items: list, limit: int) -> list:
    """At most `limit` items, evenly spread, always including the first and the last."""
    if len(items) <= limit:
        return items
    if limit == 1:
        return items[:1]
    picked = sorted({round(i * (len(items) - 1) / (limit - 1)) for i in range(limit)})
    return [items[i] for i in picked]


def start_times(request: RequestSpec, options: CandidateOptions) -> list[dt.time]:
    """Start times on a grid from `earliest_start` to `latest_start`, evenly thinned out."""
    first = request.earliest_start.hour * 60 + request.earliest_start.minute
    last = request.latest_start.hour * 60 + request.latest_start.minute
    grid = list(range(first, last + 1, options.time_step_minutes))
    return [dt.time(m // 60, m % 60) for m in _spread(grid, options.max_start_times)]


class PlanningProblem:
    """An instance with its candidates and, per candidate, the trainers free for all of it."""

    def __init__(self, instance: PlannerInstance, options: CandidateOptions | None = None) -> None:
        self.instance = instance
        self.options = options or CandidateOptions()
        self.buffer = instance.buffer_minutes
        self.requests = list(instance.requests)
        self.request_by_id = {r.id: r for r in self.requests}
        self.trainer_by_id = {t.id: t for t in instance.trainers}
        self._index_trainers()
        self.candidates: dict[int, list[Candidate]] = {}
        self.qualified: dict[int, list[int]] = {}
        # (request id, candidate index) -> trainer ids free for every session, in id order
        self.free: dict[tuple[int, int], tuple[int, ...]] = {}
        # ... and the ones the solver considers (see `CandidateOptions.max_trainers`)
        self.kept: dict[tuple[int, int], tuple[int, ...]] = {}
        limit = self.options.max_trainers
        for position, request in enumerate(self.requests):
            programme = instance.programmes[request.programme_id]
            # Every session of a request falls in its window: a certificate valid through
            # the window's last day covers them all.
            self.qualified[request.id] = [
                t.id for t in instance.trainers if t.certified_on(programme.id, request.window_end)
            ]
            order = self.trainer_order(request, position)
            self.candidates[request.id] = self._candidates(request)
            for candidate in self.candidates[request.id]:
                free = [t for t in order if self._trainer_fits(t, request, candidate)]
                key = (request.id, candidate.index)
                self.free[key] = tuple(sorted(free))
                if limit is not None:
                    free = free[: max(limit, programme.trainers_per_group)]
                self.kept[key] = tuple(sorted(free))

    def programme(self, request: RequestSpec) -> ProgrammeSpec:
        return self.instance.programmes[request.programme_id]

    def needed(self, request: RequestSpec) -> int:
        return self.programme(request).trainers_per_group

    def usable(self, request: RequestSpec) -> list[Candidate]:
        """The candidates that have enough free trainers."""
        need = self.needed(request)
        return [
            c for c in self.candidates[request.id] if len(self.free[(request.id, c.index)]) >= need
        ]

    def trainer_order(self, request: RequestSpec, position: int) -> list[int]:
        """Qualified trainers, those who already work at the school first, then in a
        rotation by request, so that the trainers kept per candidate differ per request."""
        qualified = self.qualified[request.id]
        count = len(qualified) or 1

        def key(item: tuple[int, int]) -> tuple[int, int]:
            n, trainer_id = item
            at_school = request.school_id in self.existing_schools[trainer_id]
            return (0 if at_school else 1, (n - position) % count)

        return [t for _n, t in sorted(enumerate(qualified), key=key)]

    # -- trainers' existing commitments --------------------------------------------------

    def _index_trainers(self) -> None:
        self.busy_by_day: dict[int, dict[dt.date, list[tuple[int, int, int | None]]]] = {}
        self.away_by_day: dict[int, dict[dt.date, list[tuple[int, int]]]] = {}
        self.weekly_existing: dict[int, dict[tuple[int, int], int]] = {}
        self.existing_groups: dict[int, int] = {}
        self.existing_schools: dict[int, frozenset[int]] = {}
        for trainer in self.instance.trainers:
            busy: dict[dt.date, list[tuple[int, int, int | None]]] = defaultdict(list)
            weekly: dict[tuple[int, int], int] = defaultdict(int)
            for period in trainer.sessions:
                day = local_date(period.starts_at)
                busy[day].append(
                    (minutes(period.starts_at), minutes(period.ends_at), period.school_id)
                )
                weekly[iso_week(day)] += 1
            away: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
            for period in trainer.unavailable:
                day, last = local_date(period.starts_at), local_date(period.ends_at)
                while day <= last:
                    away[day].append((minutes(period.starts_at), minutes(period.ends_at)))
                    day += dt.timedelta(days=1)
            self.busy_by_day[trainer.id] = busy
            self.away_by_day[trainer.id] = away
            self.weekly_existing[trainer.id] = weekly
            self.existing_groups[trainer.id] = len(
                {p.group_id for p in trainer.sessions if p.group_id is not None}
            )
            self.existing_schools[trainer.id] = frozenset(
                p.school_id for p in trainer.sessions if p.school_id is not None
            )

    def _trainer_fits(self, trainer_id: int, request: RequestSpec, candidate: Candidate) -> bool:
        trainer = self.trainer_by_id[trainer_id]
        busy = self.busy_by_day[trainer_id]
        away = self.away_by_day[trainer_id]
        buffer = self.buffer
        for day, start, end in candidate.spans:
            for b_start, b_end, school_id in busy.get(day, ()):
                if start < b_end and b_start < end:
                    return False
                if (
                    school_id != request.school_id
                    and start < b_end + buffer
                    and b_start < end + buffer
                ):
                    return False
            for a_start, a_end in away.get(day, ()):
                if start < a_end and a_start < end:
                    return False
        weekly = self.weekly_existing[trainer_id]
        return all(
            weekly.get(week, 0) + 1 <= trainer.max_sessions_per_week for week in candidate.weeks
        )

    # -- candidates ------------------------------------------------------------------

    def first_window_day(self, request: RequestSpec) -> dt.date:
        not_before = self.instance.not_before
        return max(request.window_start, not_before) if not_before else request.window_start

    def _candidates(self, request: RequestSpec) -> list[Candidate]:
        programme = self.programme(request)
        school = self.instance.schools[request.school_id]
        times = start_times(request, self.options)
        window_start = self.first_window_day(request)
        found: list[Candidate] = []
        for rank, weekday in enumerate(request.preferred_weekdays):
            open_days = []
            day = window_start + dt.timedelta(days=(weekday - window_start.weekday()) % 7)
            while day <= request.window_end:
                if school.is_open(day):
                    open_days.append(day)
                day += WEEK
            # The series takes consecutive open weeks, so a first date fits when enough
            # open days of this weekday follow it within the window.
            firsts = open_days[: max(0, len(open_days) - programme.meetings + 1)]
            for first_date in _spread(firsts, self.options.max_first_dates):
                base = plan_series(
                    calendar=school,
                    first_date=first_date,
                    weekday=weekday,
                    start_time=times[0],
                    child_sessions=programme.child_sessions,
                    session_minutes=programme.session_minutes,
                    parent_meetings_before=programme.parent_meetings_before,
                    parent_meetings_after=programme.parent_meetings_after,
                    parent_meeting_time=programme.parent_meeting_time,
                    parent_meeting_minutes=programme.parent_meeting_minutes,
                )
                for start_time in times:
                    sessions = tuple(
                        _at_time(s, start_time, programme) if s.kind == "child" else s
                        for s in base.sessions
                    )
                    found.append(
                        Candidate(
                            index=0,
                            request_id=request.id,
                            weekday=weekday,
                            start_time=start_time,
                            first_date=first_date,
                            sessions=sessions,
                            weekday_rank=rank,
                            week_offset=(first_date - request.window_start).days // 7,
                            spans=tuple(
                                (s.date, minutes(s.starts_at), minutes(s.ends_at)) for s in sessions
                            ),
                            weeks=tuple(iso_week(s.date) for s in sessions),
                        )
                    )
        found.sort(key=lambda c: (c.weekday_rank, c.first_date, c.start_time))
        return [replace(c, index=i) for i, c in enumerate(found)]


def _at_time(
    session: PlannedSession, start_time: dt.time, programme: ProgrammeSpec
) -> PlannedSession:
    starts_at = at_amsterdam(session.date, start_time)
    return PlannedSession(
        kind=session.kind,
        sequence=session.sequence,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=programme.session_minutes),
    )


def spans_clash(a: tuple[dt.date, int, int], b: tuple[dt.date, int, int], buffer: int) -> bool:
    """Two proposed sessions of one trainer clash when they are closer than the buffer."""
    return a[0] == b[0] and a[1] < b[2] + buffer and b[1] < a[2] + buffer

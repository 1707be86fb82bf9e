"""Reads that need care: calendars, schedules and group lists with flat query counts."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.module_loading import import_string
from django.utils.timezone import localtime

from programmes import access as catalogue_access
from programmes.calendar import SchoolCalendar, public_holidays
from programmes.models import EnrolmentMode, School, SchoolHoliday, SchoolYear, Trainer
from programmes.selectors import cofinancing_agreement_missing
from scheduler import access
from scheduler.models import (
    Group,
    GroupDecision,
    GroupStatus,
    PlannerRun,
    PlanningRequest,
    PlanningRequestStatus,
    Session,
    SessionStatus,
)
from scheduler.series import AMSTERDAM


def group_list(user: Any, *, filters: dict[str, Any] | None = None) -> QuerySet[Group]:
    """Groups in the user's scope, with what a list shows, in a fixed number of queries."""
    filters = filters or {}
    qs = access.groups_visible_to(user).select_related("programme", "host_school", "school_year")
    if filters.get("school"):
        qs = qs.filter(host_school_id=filters["school"])
    if filters.get("programme"):
        qs = qs.filter(programme_id=filters["programme"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("school_year"):
        qs = qs.filter(school_year__label=filters["school_year"])
    if filters.get("trainer"):
        qs = qs.filter(trainers=filters["trainer"])
    return qs.prefetch_related(
        Prefetch("trainers", queryset=Trainer.objects.select_related("user"))
    ).annotate(session_count=Count("sessions", filter=Q(sessions__status=SessionStatus.SCHEDULED)))


def group_detail(user: Any, pk: int) -> Group:
    """One group in scope with its sessions and trainers (404 outside scope via `.get`)."""
    return (
        access.groups_visible_to(user)
        .select_related("programme", "host_school", "school_year")
        .prefetch_related(
            Prefetch("trainers", queryset=Trainer.objects.select_related("user")),
            Prefetch("sessions", queryset=Session.objects.order_by("starts_at")),
            "admitted_schools",
        )
        .get(pk=pk)
    )


def groups_without_cofinancing(user: Any, *, school_year: SchoolYear | None = None) -> list[Group]:
    """Groups in the user's scope, not cancelled, of a co-financed programme whose host
    school has no agreement for it in the group's school year
    (`programmes.selectors.cofinancing_agreement_missing`): those of `school_year`, or of
    every school year not yet over. The manager sees every school's, a coordinator their
    own schools' (as hosts); others none. Two queries. The planning page and the co-financing
    overview warn with them until the agreement exists."""
    if not catalogue_access.is_manager(user) and not catalogue_access.is_coordinator(user):
        return []  # the warning is for those who settle the agreement: not for trainers
    groups = (
        access.groups_visible_to(user)
        .filter(programme__co_financed=True)
        .exclude(status=GroupStatus.CANCELLED)
        .select_related("programme", "host_school", "school_year")
    )
    if not catalogue_access.is_manager(user):
        groups = groups.filter(host_school__in=catalogue_access.schools_visible_to(user))
    if school_year is not None:
        groups = groups.filter(school_year=school_year)
    else:
        groups = groups.filter(school_year__end_date__gte=timezone.localdate())
    found = list(groups.order_by("host_school__name", "first_date", "pk"))
    missing = cofinancing_agreement_missing(found)
    return [group for group in found if group.pk in missing]


# What the calendar and a trainer's schedule show of a session, its group, programme and host
# school: loading only these keeps wide rows (programme descriptions) out of every session.
SESSION_LISTING_FIELDS = (
    "group_id",
    "kind",
    "sequence",
    "starts_at",
    "ends_at",
    "status",
    "group__programme_id",
    "group__host_school_id",
    "group__status",
    "group__round_label",
    "group__class_name",
    "group__location",
    "group__room",
    "group__programme__name_nl",
    "group__programme__name_en",
    "group__host_school__name",
)


def sessions_between(
    user: Any,
    start: dt.date,
    end: dt.date,
    *,
    school: School | None = None,
    trainer: Trainer | None = None,
) -> list[Session]:
    """Scheduled sessions in the user's scope from `start` to `end` (inclusive, Amsterdam days)."""
    start_at = dt.datetime.combine(start, dt.time(0), tzinfo=AMSTERDAM)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=AMSTERDAM)
    qs = access.sessions_visible_to(user).filter(
        starts_at__gte=start_at, starts_at__lt=end_at, status=SessionStatus.SCHEDULED
    )
    if school is not None:
        qs = qs.filter(group__host_school=school)
    if trainer is not None:
        qs = qs.filter(group__trainers=trainer)
    return list(
        qs.select_related("group__programme", "group__host_school")
        .only(*SESSION_LISTING_FIELDS)
        .order_by("starts_at")
    )


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    month_name: str  # "november", in the current language (the date filter's "F")
    sessions: list[Session] = field(default_factory=list)
    closed_reasons: list[str] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        return bool(self.closed_reasons)

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5


@dataclass
class CalendarView:
    start: dt.date
    end: dt.date
    weeks: list[list[CalendarDay]]


def _grid(start: dt.date, end: dt.date, month: int | None) -> list[list[CalendarDay]]:
    weeks: list[list[CalendarDay]] = []
    month_names: dict[int, str] = {}  # translated once per month, not once per day
    day = start
    while day <= end:
        week = []
        for _ in range(7):
            if day.month not in month_names:
                month_names[day.month] = str(MONTHS[day.month])
            week.append(
                CalendarDay(
                    date=day,
                    in_month=month is None or day.month == month,
                    month_name=month_names[day.month],
                )
            )
            day += dt.timedelta(days=1)
        weeks.append(week)
    return weeks


def calendar_view(
    user: Any,
    *,
    year: int,
    month: int | None = None,
    week_of: dt.date | None = None,
    school: School | None = None,
    trainer: Trainer | None = None,
) -> CalendarView:
    """A month (or one week) of sessions, with closed days shaded.

    For a school the shading is that school's own calendar (region holidays, public
    holidays, its closed days); otherwise public holidays and the school holidays of
    every region that appear, marked with their region.
    """
    if week_of is not None:
        start = week_of - dt.timedelta(days=week_of.weekday())
        end = start + dt.timedelta(days=6)
        weeks = _grid(start, end, None)
    else:
        assert month is not None
        first = dt.date(year, month, 1)
        last = dt.date(year, month, pycalendar.monthrange(year, month)[1])
        start = first - dt.timedelta(days=first.weekday())
        end = last + dt.timedelta(days=6 - last.weekday())
        weeks = _grid(start, end, month)
    by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for session in sessions_between(user, start, end, school=school, trainer=trainer):
        by_day[localtime(session.starts_at).date()].append(session)
    if school is not None:
        school_calendar = SchoolCalendar(school, start, end)
        closed = {
            day.date: [
                str(r) for r in school_calendar.status(day.date).reasons if r.because != "weekend"
            ]
            for week in weeks
            for day in week
        }
    else:
        closed = defaultdict(list)
        for day, name in public_holidays(start, end).items():
            closed[day].append(name)
        for holiday in SchoolHoliday.objects.filter(start_date__lte=end, end_date__gte=start):
            day = max(holiday.start_date, start)
            while day <= min(holiday.end_date, end):
                closed[day].append(f"{holiday.display_name} ({holiday.region})")
                day += dt.timedelta(days=1)
    for week in weeks:
        for day in week:
            day.sessions = by_day.get(day.date, [])
            day.closed_reasons = closed.get(day.date, [])
    return CalendarView(start=start, end=end, weeks=weeks)


@dataclass
class TrainerSchedule:
    this_week: list[Session]
    upcoming: list[Session]
    past: list[Session]


def trainer_schedule(
    trainer: Trainer, *, past_days: int = 90, ahead_days: int = 180
) -> TrainerSchedule:
    """A trainer's own sessions: this week, coming, and recent past (newest first)."""
    today = localtime(timezone.now()).date()
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    sessions = list(
        Session.objects.filter(
            group__trainers=trainer,
            status=SessionStatus.SCHEDULED,
            starts_at__gte=dt.datetime.combine(
                today - dt.timedelta(days=past_days), dt.time(0), tzinfo=AMSTERDAM
            ),
            starts_at__lt=dt.datetime.combine(
                today + dt.timedelta(days=ahead_days), dt.time(0), tzinfo=AMSTERDAM
            ),
        )
        .exclude(group__status="cancelled")
        .select_related("group__programme", "group__host_school")
        .only(*SESSION_LISTING_FIELDS)
        .order_by("starts_at")
    )
    now = timezone.now()
    this_week = [s for s in sessions if monday <= localtime(s.starts_at).date() <= sunday]
    upcoming = [s for s in sessions if localtime(s.starts_at).date() > sunday]
    past = [s for s in sessions if s.ends_at < now and s not in this_week][::-1]
    return TrainerSchedule(this_week=this_week, upcoming=upcoming, past=past)


# --- start pages ---------------------------------------------------------------------------


def school_groups_this_year(user: Any) -> list[Group]:
    """The groups hosted by the user's schools in the current school year, by first date.
    One query (none without a current school year)."""
    year = SchoolYear.objects.current()
    if year is None:
        return []
    return list(
        access.groups_visible_to(user)
        .filter(school_year=year, host_school__in=catalogue_access.schools_visible_to(user))
        .select_related("programme", "host_school")
        .order_by("first_date", "pk")
    )


def open_planning_requests(user: Any) -> int:
    """How many planning requests in the user's scope wait for a group. One query."""
    return access.requests_visible_to(user).filter(status=PlanningRequestStatus.OPEN).count()


def unanswered_planning_requests(user: Any) -> list[PlanningRequest]:
    """The planning requests in the user's scope still waiting for a group, oldest first,
    each with `days_waiting`; one query. For the coordinator's start page."""
    today = timezone.localdate()
    found = list(
        access.requests_visible_to(user)
        .filter(status=PlanningRequestStatus.OPEN)
        .select_related("school", "programme")
        .order_by("created_at", "pk")
    )
    for request in found:
        request.days_waiting = (today - timezone.localtime(request.created_at).date()).days
    return found


def last_planner_run(user: Any) -> PlannerRun | None:
    """The planner's most recent run the user may see (the manager's), or None. One query."""
    return (
        access.planner_runs_visible_to(user)
        .select_related("school_year")
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass
class TrainerDays:
    """A trainer's sessions for the start page: today, the rest of this week, what follows."""

    today: list[Session]
    this_week: list[Session]
    next: list[Session]


def trainer_days(trainer: Trainer, *, next_count: int = 5) -> TrainerDays:
    """`trainer_schedule` split for the start page: today's sessions, the rest of this week
    and the first `next_count` after it. One query."""
    schedule = trainer_schedule(trainer, past_days=0, ahead_days=120)
    today = localtime(timezone.now()).date()
    return TrainerDays(
        today=[s for s in schedule.this_week if localtime(s.starts_at).date() == today],
        this_week=[s for s in schedule.this_week if localtime(s.starts_at).date() > today],
        next=schedule.upcoming[:next_count],
    )


# --- groups that start only when viable -------------------------------------------------

# Groups whose start is still open: a decision about too few children may be asked of them.
UNDECIDED_STATUSES = (GroupStatus.PUBLISHED, GroupStatus.ENROLMENT_CLOSED)


def children_in(group_ids: Sequence[int]) -> dict[int, int]:
    """The children holding a seat per group id (groups without any left out), one query.

    Seats are enrolment's to count: the scheduler sits below it, so it asks the function
    the setting GROUP_SEATS_COUNTER names (`enrolment.selectors.seats_taken`), as `core`
    asks API_TOKEN_RESOLVER for tokens."""
    if not group_ids:
        return {}
    return import_string(settings.GROUP_SEATS_COUNTER)(list(group_ids))


def _is_due(group: Group, today: dt.date) -> bool:
    """A group's decision day has come and was not answered since (a postponed group gets a
    new decision day, later than the day it was postponed on)."""
    day = group.decision_day
    if day is None or day > today:
        return False
    return group.decided_at is None or localtime(group.decided_at).date() < day


def groups_below_minimum(user: Any | None = None, *, today: dt.date | None = None) -> list[Group]:
    """The one answer to "which groups need a decision": groups of an individually enrolled
    programme with a decision day (`Programme.decision_days`), published or closed for
    enrolment, whose decision day has come (and was not answered since) while fewer children
    hold a seat than the programme's minimum (`group_size_min`). By decision day, each with
    `children` and `decision_day`. In `user`'s scope (the manager every group, a coordinator
    their schools' groups as host; nobody else any); every group for the reminder sweep
    (`user` None). Two queries.
    """
    today = today or timezone.localdate()
    if user is None:
        groups = Group.objects.all()
    elif catalogue_access.is_manager(user):
        groups = access.groups_visible_to(user)
    elif catalogue_access.is_coordinator(user):
        groups = access.groups_visible_to(user).filter(
            host_school__in=catalogue_access.schools_visible_to(user)
        )
    else:
        return []
    candidates = [
        group
        for group in groups.filter(
            status__in=UNDECIDED_STATUSES,
            programme__enrolment_mode=EnrolmentMode.INDIVIDUAL,
            programme__decision_days__isnull=False,
        ).select_related("programme", "host_school", "school_year")
        if _is_due(group, today)
    ]
    counted = children_in([group.pk for group in candidates])
    below = []
    for group in candidates:
        group.children = counted.get(group.pk, 0)
        if group.children < group.programme.group_size_min:
            below.append(group)
    return sorted(below, key=lambda g: (g.decision_day, g.first_date, g.pk))


def pool_candidates(group: Group) -> list[Group]:
    """Groups `group` may be pooled with (`services.viability.group_pool` says whether it
    fits): of the same programme, school year and round, open, in the same municipality,
    nearest first (same place, then by postcode), each with `children`. Two queries."""
    found = list(
        Group.objects.filter(
            programme_id=group.programme_id,
            school_year_id=group.school_year_id,
            round_label=group.round_label,
            status__in=UNDECIDED_STATUSES,
            host_school__municipality=group.host_school.municipality,
        )
        .exclude(pk=group.pk)
        .select_related("programme", "host_school")
    )
    counted = children_in([g.pk for g in found])
    for candidate in found:
        candidate.children = counted.get(candidate.pk, 0)

    def distance(candidate: Group) -> tuple[int, int, str]:
        here, there = group.host_school.postcode[:4], candidate.host_school.postcode[:4]
        gap = abs(int(here) - int(there)) if here.isdigit() and there.isdigit() else 9999
        return (candidate.host_school.city != group.host_school.city, gap, str(candidate))

    return sorted(found, key=distance)


@dataclass(frozen=True)
class NotStarted:
    """Groups of a school year that did not start, counted by why."""

    pooled: int
    too_few: int
    cancelled_otherwise: int

    @property
    def total(self) -> int:
        return self.pooled + self.too_few + self.cancelled_otherwise


def not_started_aggregates() -> dict[str, Count]:
    """The counts `groups_not_started` asks of a group query, for a caller that folds them
    into an aggregate of its own (the participation report): pooled with another group,
    cancelled for too few children (both decided on the decision day), or cancelled before
    any session was held for another reason (cancelled, and not changed since, before its
    first day)."""
    cancelled = Q(status=GroupStatus.CANCELLED)
    return {
        "not_started_pooled": Count("pk", filter=cancelled & Q(decision=GroupDecision.POOLED)),
        "not_started_too_few": Count("pk", filter=cancelled & Q(decision=GroupDecision.CANCELLED)),
        "not_started_otherwise": Count(
            "pk",
            filter=cancelled
            & Q(decision__in=["", GroupDecision.POSTPONED])
            & Q(updated_at__date__lt=F("first_date")),
        ),
    }


def not_started_from(counts: dict[str, Any]) -> NotStarted:
    """`NotStarted` from an aggregate that holds `not_started_aggregates()`."""
    return NotStarted(
        pooled=counts["not_started_pooled"],
        too_few=counts["not_started_too_few"],
        cancelled_otherwise=counts["not_started_otherwise"],
    )


def groups_not_started(groups: QuerySet[Group]) -> NotStarted:
    """How many of `groups` did not start, and why (`not_started_aggregates`). One query.
    The planner and the reports show it."""
    return not_started_from(groups.order_by().aggregate(**not_started_aggregates()))

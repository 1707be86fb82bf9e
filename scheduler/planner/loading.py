"""Build a planner instance from the database in a fixed number of queries.

Seven queries whatever the number of requests, schools or trainers: the open
requests, the qualified active trainers and their qualifications, their
scheduled sessions and unavailable periods in the school year, the school
holidays of the regions involved and the closed days of the schools involved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from programmes.models import (
    HolidayKind,
    Programme,
    Qualification,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)
from scheduler.models import (
    GroupStatus,
    PlanningRequest,
    PlanningRequestStatus,
    Session,
    SessionStatus,
)
from scheduler.planner.problem import (
    BusyPeriod,
    PlannerInstance,
    ProgrammeSpec,
    RequestSpec,
    SchoolSpec,
    TrainerSpec,
    closed_days,
)
from scheduler.series import at_amsterdam


def build_instance(
    *, school_year: SchoolYear, not_before: dt.date | None = None, buffer_minutes: int = 30
) -> PlannerInstance:
    """The open requests of `school_year` (of active programmes) and all they depend on."""
    requests = _open_requests(school_year)
    instance = PlannerInstance(
        requests=[],
        programmes={},
        schools={},
        trainers=[],
        buffer_minutes=buffer_minutes,
        not_before=not_before,
    )
    if not requests:
        return instance
    start, end = school_year.start_date, school_year.end_date
    programmes = {r.programme_id: r.programme for r in requests}
    schools = {r.school_id: r.school for r in requests}
    instance.programmes = {p.pk: _programme_spec(p) for p in programmes.values()}
    instance.trainers = _trainer_specs(programmes, start=start, end=end)
    instance.schools = _school_specs(schools, start=start, end=end)
    instance.requests = [_request_spec(r) for r in requests]
    return instance


def _open_requests(school_year: SchoolYear) -> list[PlanningRequest]:
    """The open requests of `school_year` for active programmes, oldest first (one query)."""
    return list(
        PlanningRequest.objects.filter(
            school_year=school_year, status=PlanningRequestStatus.OPEN, programme__active=True
        )
        .select_related("school", "programme")
        .order_by("created_at", "id")
    )


def _trainer_specs(
    programmes: dict[int, Programme], *, start: dt.date, end: dt.date
) -> list[TrainerSpec]:
    """The active trainers qualified for any of `programmes`, each with their qualifications,
    certificate ends, and the sessions and unavailable periods that keep them busy between
    `start` and `end` (four queries)."""
    trainers = list(
        Trainer.objects.filter(active=True, qualifications__in=programmes)
        .distinct()
        .select_related("user")
        .order_by("pk")
    )
    trainer_ids = [t.pk for t in trainers]
    qualifications: dict[int, set[int]] = defaultdict(set)
    certificate_ends: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for trainer_id, programme_id, valid_until in Qualification.objects.filter(
        trainer_id__in=trainer_ids
    ).values_list("trainer_id", "programme_id", "valid_until"):
        qualifications[trainer_id].add(programme_id)
        if valid_until is not None:
            certificate_ends[trainer_id].append((programme_id, valid_until))
    range_start = at_amsterdam(start, dt.time(0))
    range_end = at_amsterdam(end + dt.timedelta(days=1), dt.time(0))
    sessions = _scheduled_sessions(trainer_ids, range_start, range_end)
    unavailable = _unavailable_periods(trainer_ids, range_start, range_end)
    return [
        TrainerSpec(
            id=t.pk,
            name=t.display_name,
            qualifications=frozenset(qualifications[t.pk]),
            certificate_ends=tuple(certificate_ends[t.pk]),
            max_sessions_per_week=t.max_sessions_per_week,
            sessions=tuple(sorted(sessions[t.pk], key=lambda p: p.starts_at)),
            unavailable=tuple(unavailable[t.pk]),
        )
        for t in trainers
    ]


def _scheduled_sessions(
    trainer_ids: list[int], range_start: dt.datetime, range_end: dt.datetime
) -> dict[int, list[BusyPeriod]]:
    """Per trainer, the scheduled sessions of their groups that are not cancelled and touch
    the range (one query)."""
    sessions: dict[int, list[BusyPeriod]] = defaultdict(list)
    wanted = set(trainer_ids)
    rows = (
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            starts_at__lt=range_end,
            ends_at__gt=range_start,
            group__trainers__in=trainer_ids,
        )
        .exclude(group__status=GroupStatus.CANCELLED)
        .values_list("group__trainers", "starts_at", "ends_at", "group__host_school_id", "group_id")
    )
    for trainer_id, starts_at, ends_at, school_id, group_id in rows:
        if trainer_id in wanted:
            sessions[trainer_id].append(BusyPeriod(starts_at, ends_at, school_id, group_id))
    return sessions


def _unavailable_periods(
    trainer_ids: list[int], range_start: dt.datetime, range_end: dt.datetime
) -> dict[int, list[BusyPeriod]]:
    """Per trainer, the periods they are unavailable that touch the range (one query)."""
    unavailable: dict[int, list[BusyPeriod]] = defaultdict(list)
    for trainer_id, starts_at, ends_at, reason in TrainerUnavailability.objects.filter(
        trainer_id__in=trainer_ids, starts_at__lt=range_end, ends_at__gt=range_start
    ).values_list("trainer_id", "starts_at", "ends_at", "reason"):
        unavailable[trainer_id].append(BusyPeriod(starts_at, ends_at, label=reason))
    return unavailable


def _school_specs(
    schools: dict[int, School], *, start: dt.date, end: dt.date
) -> dict[int, SchoolSpec]:
    """Each school with its closed days between `start` and `end`: the holidays of its region
    and its own closures (two queries)."""
    holidays: dict[str, list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
    for region, first, last, name, kind in SchoolHoliday.objects.filter(
        region__in={s.holiday_region for s in schools.values()},
        start_date__lte=end,
        end_date__gte=start,
    ).values_list("region", "start_date", "end_date", "name", "kind"):
        holidays[region].append((first, last, name or str(HolidayKind(kind).label)))
    closures: dict[int, list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
    for school_id, first, last, reason in SchoolClosure.objects.filter(
        school_id__in=schools, start_date__lte=end, end_date__gte=start
    ).values_list("school_id", "start_date", "end_date", "reason"):
        closures[school_id].append((first, last, reason))
    return {
        s.pk: SchoolSpec(
            id=s.pk,
            name=s.name,
            closed=closed_days(
                start=start,
                end=end,
                holidays=holidays[s.holiday_region],
                closures=closures[s.pk],
            ),
        )
        for s in schools.values()
    }


def _programme_spec(p: Programme) -> ProgrammeSpec:
    """What the planner needs of a programme: its series and who runs it."""
    return ProgrammeSpec(
        id=p.pk,
        name=p.name,
        child_sessions=p.child_sessions,
        session_minutes=p.session_minutes,
        trainers_per_group=p.trainers_per_group,
        parent_meetings_before=p.parent_meetings_before,
        parent_meetings_after=p.parent_meetings_after,
        parent_meeting_minutes=p.parent_meeting_minutes,
    )


def _request_spec(r: PlanningRequest) -> RequestSpec:
    """What the planner needs of a planning request: where, what, when and for how many."""
    return RequestSpec(
        id=r.pk,
        school_id=r.school_id,
        programme_id=r.programme_id,
        window_start=r.window_start,
        window_end=r.window_end,
        preferred_weekdays=tuple(int(d) for d in r.preferred_weekdays),
        expected_children=r.expected_children,
        earliest_start=r.earliest_start,
        latest_start=r.latest_start,
        round_label=r.round_label,
        class_name=r.class_name,
    )

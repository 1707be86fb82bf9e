"""Participation numbers per school year (and optionally one programme) for the council.

Everything is counted in the database with `aggregate` / `values().annotate()`, so the
number of queries does not grow with the number of groups or enrolments. Only the
median days to full consent needs the individual durations; those come in one query.

Erased enrolments (retention) keep their status and group, so they still count.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from enrolment.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    Interest,
)
from programmes.models import Programme, SchoolYear
from scheduler.models import Group, GroupStatus

PLANNED = (GroupStatus.DRAFT, GroupStatus.PUBLISHED, GroupStatus.ENROLMENT_CLOSED)
FILLED = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED)


@dataclass(frozen=True)
class SchoolParticipation:
    """One school's line: interest registered by parents, groups it hosts (not cancelled)
    and its pupils holding a filled seat (confirmed or completed)."""

    school_id: int
    school_name: str
    interest: int
    groups_offered: int
    pupils_enrolled: int


@dataclass(frozen=True)
class ParticipationReport:
    school_year: SchoolYear
    programme: Programme | None
    groups_planned: int
    groups_running: int
    groups_completed: int
    groups_cancelled: int
    seats_offered: int
    seats_filled: int
    enrolments_by_status: dict[str, int]
    waitlist_length: int
    median_days_to_consent: float | None
    attendance_present: int
    attendance_recorded: int
    schools: list[SchoolParticipation] = field(default_factory=list)

    @property
    def fill_rate(self) -> float | None:
        """Filled seats / offered seats, None when no seat was offered."""
        return self.seats_filled / self.seats_offered if self.seats_offered else None

    @property
    def attendance_rate(self) -> float | None:
        """Present / (present + absent + excused), None when nothing was recorded."""
        if not self.attendance_recorded:
            return None
        return self.attendance_present / self.attendance_recorded


def _days(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 86400


def participation(
    *, school_year: SchoolYear, programme: Programme | None = None
) -> ParticipationReport:
    """The participation numbers of one school year, for one programme or all of them.

    Groups planned are draft, published and enrolment-closed groups. Seats offered is the
    capacity of the groups that are not cancelled; seats filled are their confirmed and
    completed enrolments. The waitlist is who is waitlisted now. Interest is counted when
    it was registered within the school year's dates. Runs a fixed number of queries.
    """
    groups = Group.objects.filter(school_year=school_year)
    if programme is not None:
        groups = groups.filter(programme=programme)
    live = ~Q(status=GroupStatus.CANCELLED)
    totals = groups.aggregate(
        planned=Count("pk", filter=Q(status__in=PLANNED)),
        running=Count("pk", filter=Q(status=GroupStatus.RUNNING)),
        completed=Count("pk", filter=Q(status=GroupStatus.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=GroupStatus.CANCELLED)),
        seats=Sum("capacity", filter=live),
    )

    enrolments = Enrolment.objects.filter(group__in=groups)
    by_status = {status: 0 for status in EnrolmentStatus.values}
    for row in enrolments.values("status").annotate(n=Count("pk")).order_by():
        by_status[row["status"]] = row["n"]
    seats_filled = enrolments.filter(status__in=FILLED).exclude(group__status=GroupStatus.CANCELLED)

    durations = [
        _days(created, complete)
        for created, complete in enrolments.filter(consent_complete_at__isnull=False).values_list(
            "created_at", "consent_complete_at"
        )
    ]
    median = round(statistics.median(durations), 1) if durations else None

    attendance = Attendance.objects.filter(enrolment__group__in=groups).aggregate(
        present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
        recorded=Count("pk", filter=Q(status__in=AttendanceStatus.values)),
    )

    return ParticipationReport(
        school_year=school_year,
        programme=programme,
        groups_planned=totals["planned"],
        groups_running=totals["running"],
        groups_completed=totals["completed"],
        groups_cancelled=totals["cancelled"],
        seats_offered=totals["seats"] or 0,
        seats_filled=seats_filled.count(),
        enrolments_by_status=by_status,
        waitlist_length=by_status[EnrolmentStatus.WAITLISTED],
        median_days_to_consent=median,
        attendance_present=attendance["present"],
        attendance_recorded=attendance["recorded"],
        schools=_per_school(school_year, programme, groups, seats_filled),
    )


def _per_school(
    school_year: SchoolYear,
    programme: Programme | None,
    groups: QuerySet[Group],
    filled: QuerySet[Enrolment],
) -> list[SchoolParticipation]:
    interest = Interest.objects.filter(
        created_at__date__gte=school_year.start_date, created_at__date__lte=school_year.end_date
    )
    if programme is not None:
        interest = interest.filter(programme=programme)
    names: dict[int, str] = {}
    counts: dict[str, dict[int, int]] = {"interest": {}, "offered": {}, "enrolled": {}}
    sources = (
        ("interest", interest, "school"),
        ("offered", groups.exclude(status=GroupStatus.CANCELLED), "host_school"),
        ("enrolled", filled, "child__school"),
    )
    for key, queryset, school in sources:
        rows = queryset.values(f"{school}_id", f"{school}__name").annotate(n=Count("pk"))
        for row in rows.order_by():
            names[row[f"{school}_id"]] = row[f"{school}__name"]
            counts[key][row[f"{school}_id"]] = row["n"]
    return sorted(
        (
            SchoolParticipation(
                school_id=school_id,
                school_name=name,
                interest=counts["interest"].get(school_id, 0),
                groups_offered=counts["offered"].get(school_id, 0),
                pupils_enrolled=counts["enrolled"].get(school_id, 0),
            )
            for school_id, name in names.items()
        ),
        key=lambda school: (school.school_name, school.school_id),
    )

"""Participation numbers per school year (and optionally one programme) for the council.

Everything is counted in the database with `aggregate` / `values().annotate()`, so the
number of queries does not grow with the number of groups or enrolments. Only the
median days to full consent needs the individual durations; those come in one query.

Erased enrolments (retention) keep their status and group, so they still count.

Class-mode programmes (a whole class booked, no enrolments) have no seats to fill: their
groups count by state, their pupils as `pupils_in_classes`, and they stay out of seats
offered and the fill rate, which would otherwise read as empty groups.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import get_language

from enrolment.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    Interest,
)
from programmes.models import EnrolmentMode, Programme, SchoolYear
from scheduler.models import Group, GroupStatus
from scheduler.selectors import NotStarted, not_started_aggregates, not_started_from

PLANNED = (GroupStatus.DRAFT, GroupStatus.PUBLISHED, GroupStatus.ENROLMENT_CLOSED)
FILLED = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED)
LIVE = ~Q(status=GroupStatus.CANCELLED)
NO_GROUP_NOT_STARTED = NotStarted(pooled=0, too_few=0, cancelled_otherwise=0)
CLASS_MODE = Q(programme__enrolment_mode=EnrolmentMode.CLASS)


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
    pupils_in_classes: int = 0
    # The cancelled groups that never started, by why (pooled, too few children, otherwise).
    not_started: NotStarted = NO_GROUP_NOT_STARTED

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


# One aggregate per query, whether over all groups or per programme.
_GROUP_TOTALS = {
    "planned": Count("pk", filter=Q(status__in=PLANNED)),
    "running": Count("pk", filter=Q(status=GroupStatus.RUNNING)),
    "completed": Count("pk", filter=Q(status=GroupStatus.COMPLETED)),
    "cancelled": Count("pk", filter=Q(status=GroupStatus.CANCELLED)),
    "seats": Sum("capacity", filter=LIVE & ~CLASS_MODE),
    "class_pupils": Sum("class_size", filter=LIVE & CLASS_MODE),
    # The groups that did not start, and why: the scheduler's rule, in this same query.
    **not_started_aggregates(),
}


def _scope(
    school_year: SchoolYear, programme: Programme | None
) -> tuple[QuerySet[Group], QuerySet[Enrolment], QuerySet[Enrolment]]:
    """The year's groups, their enrolments and the enrolments filling a seat (confirmed or
    completed, in a group that is not cancelled)."""
    groups = Group.objects.filter(school_year=school_year)
    if programme is not None:
        groups = groups.filter(programme=programme)
    enrolments = Enrolment.objects.filter(group__in=groups)
    filled = enrolments.filter(status__in=FILLED).exclude(group__status=GroupStatus.CANCELLED)
    return groups, enrolments, filled


def _programme_name(name_nl: str, name_en: str) -> str:
    """As `Programme.name`, from the two columns a `values()` query returns."""
    return name_en if (get_language() or "nl").startswith("en") else name_nl


def _days(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 86400


def participation(
    *, school_year: SchoolYear, programme: Programme | None = None
) -> ParticipationReport:
    """The participation numbers of one school year, for one programme or all of them.

    Groups planned are draft, published and enrolment-closed groups. Seats offered is the
    capacity of the individual-enrolment groups that are not cancelled; seats filled are
    their confirmed and completed enrolments; pupils in classes is the class size of the
    class-mode groups that are not cancelled. The waitlist is who is waitlisted now. Groups
    that did not start are counted by why (`scheduler.selectors.not_started_aggregates`). Per
    school (and parents' interest) the figures are per programme, in
    `participation_by_school_and_programme`. Runs a fixed number of queries.
    """
    groups, enrolments, seats_filled = _scope(school_year, programme)
    totals = groups.aggregate(**_GROUP_TOTALS)

    by_status = {status: 0 for status in EnrolmentStatus.values}
    for row in enrolments.values("status").annotate(n=Count("pk")).order_by():
        by_status[row["status"]] = row["n"]

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
        pupils_in_classes=totals["class_pupils"] or 0,
        not_started=not_started_from(totals),
    )


def _school_sources(
    school_year: SchoolYear,
    programme: Programme | None,
    groups: QuerySet[Group],
    filled: QuerySet[Enrolment],
) -> tuple[tuple[str, QuerySet[Any], str, str], ...]:
    """What is counted per school: (key, rows, path to the school, path to the programme)."""
    interest = Interest.objects.filter(
        created_at__date__gte=school_year.start_date, created_at__date__lte=school_year.end_date
    )
    if programme is not None:
        interest = interest.filter(programme=programme)
    return (
        ("interest", interest, "school", "programme"),
        ("offered", groups.exclude(status=GroupStatus.CANCELLED), "host_school", "programme"),
        ("enrolled", filled, "child__school", "group__programme"),
    )


# --- per programme, and per school per programme -------------------------------------


@dataclass(frozen=True)
class ProgrammeParticipation:
    """One programme's line in a school year. A class-mode programme has no seats to fill
    (`seats_offered` and `seats_filled` are 0); its booked pupils are `pupils_in_classes`."""

    programme_id: int
    programme_name: str
    class_mode: bool
    groups_planned: int
    groups_running: int
    groups_completed: int
    groups_cancelled: int
    seats_offered: int
    seats_filled: int
    pupils_in_classes: int

    @property
    def groups_total(self) -> int:
        return (
            self.groups_planned
            + self.groups_running
            + self.groups_completed
            + self.groups_cancelled
        )

    @property
    def fill_rate(self) -> float | None:
        """Filled seats / offered seats, None when no seat was offered (or class mode)."""
        return self.seats_filled / self.seats_offered if self.seats_offered else None


def participation_by_programme(
    *, school_year: SchoolYear, programme: Programme | None = None
) -> list[ProgrammeParticipation]:
    """Per programme with groups in the school year (or only `programme`): groups by state,
    seats offered and filled, pupils in booked classes; ordered by programme name. The
    figures add up to those of `participation` for the same year. Two queries."""
    groups, _enrolments, filled = _scope(school_year, programme)
    rows = (
        groups.values(
            "programme_id",
            "programme__name_nl",
            "programme__name_en",
            "programme__enrolment_mode",
        )
        .annotate(**_GROUP_TOTALS)
        .order_by()
    )
    filled_by_programme = dict(
        filled.values_list("group__programme_id").annotate(n=Count("pk")).order_by()
    )
    lines = [
        ProgrammeParticipation(
            programme_id=row["programme_id"],
            programme_name=_programme_name(row["programme__name_nl"], row["programme__name_en"]),
            class_mode=row["programme__enrolment_mode"] == EnrolmentMode.CLASS,
            groups_planned=row["planned"],
            groups_running=row["running"],
            groups_completed=row["completed"],
            groups_cancelled=row["cancelled"],
            seats_offered=row["seats"] or 0,
            seats_filled=filled_by_programme.get(row["programme_id"], 0),
            pupils_in_classes=row["class_pupils"] or 0,
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: (line.programme_name, line.programme_id))


@dataclass(frozen=True)
class SchoolProgrammeParticipation:
    """One school's line for one programme: the level at which counts of 1 to 4 could point
    to a child, so the level at which `reports.suppression` hides them."""

    school_id: int
    school_name: str
    programme_id: int
    programme_name: str
    interest: int
    groups_offered: int
    pupils_enrolled: int


def participation_by_school_and_programme(
    *, school_year: SchoolYear, programme: Programme | None = None
) -> list[SchoolProgrammeParticipation]:
    """Per school and programme: interest registered in the school year, groups the school
    hosts (not cancelled) and its pupils holding a filled seat; only lines with something
    to count, ordered by school then programme name. Three queries."""
    groups, _enrolments, filled = _scope(school_year, programme)
    schools: dict[int, str] = {}
    programmes: dict[int, str] = {}
    counts: dict[str, dict[tuple[int, int], int]] = {"interest": {}, "offered": {}, "enrolled": {}}
    for key, queryset, school, prog in _school_sources(school_year, programme, groups, filled):
        rows = queryset.values(
            f"{school}_id",
            f"{school}__name",
            f"{prog}_id",
            f"{prog}__name_nl",
            f"{prog}__name_en",
        ).annotate(n=Count("pk"))
        for row in rows.order_by():
            school_id, programme_id = row[f"{school}_id"], row[f"{prog}_id"]
            schools[school_id] = row[f"{school}__name"]
            programmes[programme_id] = _programme_name(
                row[f"{prog}__name_nl"], row[f"{prog}__name_en"]
            )
            counts[key][(school_id, programme_id)] = row["n"]
    pairs = set(counts["interest"]) | set(counts["offered"]) | set(counts["enrolled"])
    return sorted(
        (
            SchoolProgrammeParticipation(
                school_id=school_id,
                school_name=schools[school_id],
                programme_id=programme_id,
                programme_name=programmes[programme_id],
                interest=counts["interest"].get((school_id, programme_id), 0),
                groups_offered=counts["offered"].get((school_id, programme_id), 0),
                pupils_enrolled=counts["enrolled"].get((school_id, programme_id), 0),
            )
            for school_id, programme_id in pairs
        ),
        key=lambda line: (line.school_name, line.programme_name, line.school_id, line.programme_id),
    )

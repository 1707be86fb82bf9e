"""The overview of enrolments by school, trainers' groups, registered interest, and the
groups and schools of the class-booking pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import get_language

from enrolment import access
from enrolment.models import ACTIVE, Enrolment, EnrolmentStatus, Guardian
from enrolment.selectors.rosters import absent_twice_ids
from programmes import access as catalogue_access
from programmes.models import EnrolmentMode, Programme, School
from scheduler import access as scheduler_access
from scheduler.models import Group, GroupStatus

# What the overview shows of a pupil's enrolment: a page of them with five joined tables
# would otherwise read about a hundred columns per row (programme descriptions among them).
OVERVIEW_FIELDS = (
    "group_id",
    "status",
    "possible_duplicate",
    "child__first_name",
    "child__last_name",
    "child__grade",
    "child__school_id",
    "child__school__name",
    "group__programme_id",
    "group__host_school_id",
    "group__round_label",
    "group__programme__name_nl",
    "group__programme__name_en",
    "group__host_school__name",
)


def guardians_by_submission(submission_ids: Sequence[int]) -> dict[int, list[Guardian]]:
    """The guardians of each submission, enroller first, in one query."""
    found: dict[int, list[Guardian]] = defaultdict(list)
    for guardian in Guardian.objects.filter(submission_id__in=submission_ids).order_by(
        "-is_enroller", "pk"
    ):
        found[guardian.submission_id].append(guardian)
    return dict(found)


def overview_enrolments(user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Enrolment]:
    """Pupils across groups: for a coordinator their schools' pupils, for the manager all.

    Without a status filter only active enrolments are listed.
    """
    filters = filters or {}
    qs = access.enrolments_visible_to(user).filter(erased_at__isnull=True)
    if not catalogue_access.is_manager(user):
        qs = qs.filter(child__school__in=catalogue_access.schools_visible_to(user))
    if filters.get("school"):
        qs = qs.filter(child__school=filters["school"])
    if filters.get("programme"):
        qs = qs.filter(programme=filters["programme"])
    status = filters.get("status") or "active"
    if status == "active":
        qs = qs.filter(status__in=ACTIVE)
    elif status != "all":
        qs = qs.filter(status=status)
    query = (filters.get("q") or "").strip()
    if query:
        qs = qs.filter(Q(child__first_name__icontains=query) | Q(child__last_name__icontains=query))
    return (
        qs.select_related("child__school", "group__programme", "group__host_school")
        .only(*OVERVIEW_FIELDS)
        .order_by("child__school__name", "child__last_name", "child__first_name", "pk")
    )


def overview_flags(user: Any, listed: Sequence[Enrolment]) -> tuple[set[int], list[Enrolment]]:
    """For the overview: which of the `listed` enrolments (its page of pupils) were absent
    twice (`absent_twice_ids`), and who needs attention: the confirmed children in the user's
    school scope absent twice. One pass of `absent_twice_ids` over both, so one or two
    queries, and one more only when someone needs attention."""
    scope = access.enrolments_visible_to(user).filter(
        status=EnrolmentStatus.CONFIRMED, erased_at__isnull=True
    )
    if not catalogue_access.is_manager(user):
        scope = scope.filter(child__school__in=catalogue_access.schools_visible_to(user))
    listed_ids = [e.pk for e in listed]
    flagged = absent_twice_ids(
        Enrolment.objects.filter(Q(pk__in=listed_ids) | Q(pk__in=scope.values("pk")))
    )
    if not flagged:
        return set(), []
    attention = list(
        scope.filter(pk__in=flagged)
        .select_related("child__school", "group__programme", "group__host_school")
        .order_by("child__last_name", "child__first_name")
    )
    return {pk for pk in listed_ids if pk in flagged}, attention


def trainer_groups(user: Any) -> QuerySet[Group]:
    """The trainer's own groups (rosters they may open), with a count of active children."""
    return (
        access.roster_groups_visible_to(user)
        .filter(trainers__user=user)
        .exclude(status=GroupStatus.CANCELLED)
        .select_related("programme", "host_school", "school_year")
        .annotate(active_count=Count("enrolments", filter=Q(enrolments__status__in=sorted(ACTIVE))))
        .order_by("first_date", "pk")
    )


@dataclass
class DemandRow:
    school: str
    programme: str
    interest: int
    last_registered: dt.datetime | None
    groups_open: int


def interest_demand(user: Any) -> list[DemandRow]:
    """Registered interest per school and programme in the user's scope, next to the number of
    published groups open to pupils of that school. Two queries."""
    english = (get_language() or "nl").startswith("en")
    rows = list(
        access.interest_visible_to(user)
        .values("school_id", "school__name", "programme_id", "programme__name_nl")
        .annotate(count=Count("pk"), last=Max("created_at"))
        .order_by("school__name", "programme__name_nl")
    )
    if not rows:
        return []
    names = dict(
        Programme.objects.filter(pk__in={r["programme_id"] for r in rows}).values_list(
            "pk", "name_en" if english else "name_nl"
        )
    )
    school_ids = {r["school_id"] for r in rows}
    open_groups: dict[tuple[int, int], set[int]] = defaultdict(set)
    offered = (
        scheduler_access.groups_visible_to(user)
        .filter(status=GroupStatus.PUBLISHED, programme_id__in=names)
        .filter(Q(host_school_id__in=school_ids) | Q(admitted_schools__in=school_ids))
        .values_list("pk", "programme_id", "host_school_id", "admitted_schools")
    )
    for group_id, programme_id, host_id, admitted_id in offered:
        for school_id in (host_id, admitted_id):
            if school_id in school_ids:
                open_groups[(school_id, programme_id)].add(group_id)
    return [
        DemandRow(
            school=r["school__name"],
            programme=names.get(r["programme_id"], r["programme__name_nl"]),
            interest=r["count"],
            last_registered=r["last"],
            groups_open=len(open_groups[(r["school_id"], r["programme_id"])]),
        )
        for r in rows
    ]


# --- class bookings ----------------------------------------------------------------------


def class_groups(user: Any) -> QuerySet[Group]:
    """Class-mode groups hosted by the user's schools (the manager: all), newest first."""
    return (
        scheduler_access.groups_visible_to(user)
        .filter(
            programme__enrolment_mode=EnrolmentMode.CLASS,
            host_school__in=catalogue_access.schools_visible_to(user),
        )
        .exclude(status=GroupStatus.CANCELLED)
        .select_related("programme", "host_school", "school_year")
        .order_by("host_school__name", "first_date", "pk")
    )


def schools_for_filter(user: Any) -> QuerySet[School]:
    return catalogue_access.schools_visible_to(user).order_by("name")

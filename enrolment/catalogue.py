"""The public catalogue: the groups and schools parents see, read from the public cache.

This module is the one home of "which groups may pupils of a school join now, and how many
seats are left": `open_groups_with_seats`, which the school page, the enrolment form and
the public API all call (`open_groups` is its uncached query). Every enrolment (page or
API) names a group and a school by id (`catalogue_group`, `catalogue_school`), and the form
offers the other open groups of the same programme and their schools (`enrol_options`).

At the opening of a round thousands of parents name the same forty groups within minutes,
so these reads come from `enrolment.public_cache` (one cache round trip when warm), under
the catalogue version that every change to a school, programme, group, session or consent
text replaces. Seats are never cached: `open_groups_with_seats` counts them on every call
(`enrolment.selectors.seats_taken`, one query), and `submission_create` decides on a seat
with the group's row locked, never from a cached copy.

The objects are copies (unpickled per request): changing one changes nothing for the
next request, and none of them may be saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.timezone import localtime

from enrolment import public_cache
from enrolment.selectors import seats_left, seats_taken
from enrolment.services import first_child_session_date
from programmes.models import EnrolmentMode, School
from scheduler.models import Group, GroupStatus, Session, SessionKind, SessionStatus

# Not worth a cache entry: an id that names nothing is answered from the database each
# time (`cached` keeps nothing whose deadline has passed).
_NOT_KEPT = 0.0


def catalogue_group(group_id: int) -> Group | None:
    """The group `group_id` as parents may see it, or None: not a draft, of a programme
    that enrols individually. With its programme and host school, `admitted_school_ids`
    (the host school included) and `first_day` (`first_child_session_date`, which
    then needs no query). Its status may be any but draft: the caller decides what a
    closed or cancelled group answers."""

    def build() -> tuple[Group | None, float | None]:
        group = (
            Group.objects.exclude(status=GroupStatus.DRAFT)
            .filter(pk=group_id, programme__enrolment_mode=EnrolmentMode.INDIVIDUAL)
            .select_related("programme", "host_school")
            .first()
        )
        if group is None:
            return None, _NOT_KEPT
        group.admitted_school_ids = frozenset(
            group.admitted_schools.values_list("pk", flat=True)
        ) | {group.host_school_id}
        group.first_day = first_child_session_date(group)
        return group, None

    return public_cache.cached(("group", group_id), build)


def catalogue_school(school_id: int) -> School | None:
    """The active school `school_id`, or None."""

    def build() -> tuple[School | None, float | None]:
        school = School.objects.filter(pk=school_id, active=True).first()
        return school, (None if school is not None else _NOT_KEPT)

    return public_cache.cached(("school", school_id), build)


def open_groups(school_id: int, today: dt.date, *, programme_id: int | None = None) -> list[Group]:
    """The groups pupils of `school_id` may enrol in on `today`, by first date: published,
    of a programme that enrolls individually, hosted by the school or admitting it, with
    the enrolment window open. Uncached, and seats are not counted: the doors call
    `open_groups_with_seats`.

    Each group carries its scheduled sessions: `child_meetings`, `parent_meetings`,
    `first_session_date` and `last_session_date` (the first and last child session's day,
    None without child sessions) and `first_day` (the first child session's day, else the
    planned first date). Two queries for any number of groups. (Counting sessions and
    seats in one query would join every session with every enrolment of a group: at the
    opening of a round, with dozens of enrolments per group, that cross product was most
    of the database's work.)
    """
    admitted = Group.admitted_schools.through.objects.filter(school_id=school_id).values("group_id")
    queryset = (
        Group.objects.filter(
            Q(host_school_id=school_id) | Q(pk__in=admitted),
            status=GroupStatus.PUBLISHED,
            programme__enrolment_mode=EnrolmentMode.INDIVIDUAL,
        )
        .filter(Q(enrolment_opens_on__isnull=True) | Q(enrolment_opens_on__lte=today))
        .filter(Q(enrolment_closes_on__isnull=True) | Q(enrolment_closes_on__gte=today))
        .select_related("programme", "host_school")
        .order_by("first_date", "pk")
    )
    if programme_id is not None:
        queryset = queryset.filter(programme_id=programme_id)
    groups = list(queryset)
    if not groups:
        return groups
    child = Q(kind=SessionKind.CHILD)
    sessions = {
        row["group_id"]: row
        for row in Session.objects.filter(
            group_id__in=[g.pk for g in groups], status=SessionStatus.SCHEDULED
        )
        .values("group_id")
        .annotate(
            child=Count("pk", filter=child),
            parent=Count("pk", filter=Q(kind=SessionKind.PARENT)),
            first=Min("starts_at", filter=child),
            last=Max("starts_at", filter=child),
        )
        .order_by()
    }
    for group in groups:
        row = sessions.get(group.pk, {})
        group.child_meetings = row.get("child", 0)
        group.parent_meetings = row.get("parent", 0)
        group.first_session_date = localtime(row["first"]).date() if row.get("first") else None
        group.last_session_date = localtime(row["last"]).date() if row.get("last") else None
        group.first_day = group.first_session_date or group.first_date
    return groups


@dataclass(frozen=True)
class OpenGroups:
    """A school's open groups as parents see them now (`open_groups_with_seats`)."""

    school: School
    # By first date; each as `open_groups` gives it, with `seats_taken`, `seats_left` and
    # `waitlist` (no seat left: a new enrolment goes on the waitlist) when counted.
    groups: list[Group]
    # The public catalogue version the groups were read under: a cache of how they are
    # shown (the page's fragment, the API's rows) keys on it.
    version: str


def offered_groups(
    school_id: int, *, programme_id: int | None = None, today: dt.date | None = None
) -> OpenGroups | None:
    """`open_groups_with_seats` without counting the seats, for what needs only the groups
    (the enrolment form offers a child's siblings the programme's other open groups). From
    the public cache: one entry per school, programme and day. None: no such active school.
    """
    day = today or timezone.localdate()

    def build() -> tuple[tuple[School, list[Group]] | None, float | None]:
        school = School.objects.filter(pk=school_id, active=True).first()
        if school is None:  # kept too: asking again for a school that is not there is free
            return None, None
        return (school, open_groups(school_id, day, programme_id=programme_id)), None

    found, version = public_cache.cached_with_version(
        ("open-groups", school_id, programme_id, day.isoformat()), build
    )
    if found is None:
        return None
    school, groups = found
    return OpenGroups(school=school, groups=groups, version=version)


def open_groups_with_seats(
    school_id: int, *, programme_id: int | None = None, today: dt.date | None = None
) -> OpenGroups | None:
    """The groups pupils of the active school `school_id` may join today (`open_groups`:
    published, individually enrolled, hosted by or admitting the school, enrolment window
    open), by first date, each with the seats taken and left counted now. None: no such
    active school.

    The one answer to "which groups are open, and is there room": the school page, the
    enrolment form and the public API (`GET public/schools/{id}/groups/`) all call it.
    The groups come from the public cache (`offered_groups`); the seats are counted on
    every call, in one query, so a seat taken a moment ago shows at once. A full group is
    still open: a new enrolment goes on its waitlist (`waitlist`).
    """
    found = offered_groups(school_id, programme_id=programme_id, today=today)
    if found is None:
        return None
    taken = seats_taken([group.pk for group in found.groups])
    for group in found.groups:
        group.seats_taken = taken.get(group.pk, 0)
        group.seats_left = seats_left(group.capacity, group.seats_taken)
        group.waitlist = group.seats_left == 0
    return found


@dataclass(frozen=True)
class EnrolOptions:
    """What the enrolment form of one group offers its child blocks."""

    # The group itself and the programme's other open groups, with `first_day`.
    groups: Sequence[Group]
    schools: Sequence[School]  # the active schools whose pupils may join one of them


def enrol_options(
    group: Group, school: School | None, offered: Sequence[Group], today: dt.date
) -> EnrolOptions:
    """The groups (by first date) and schools (by name) of the form for `group` (from
    `catalogue_group`), opened from `school`'s page where `offered` (`offered_groups` of
    the same programme) are on offer."""
    known = {g.pk: g for g in [*offered, group]}  # each with its `first_day`
    ids = sorted(known)

    def build() -> tuple[EnrolOptions, float | None]:
        groups = list(
            Group.objects.filter(pk__in=ids)
            .select_related("programme", "host_school")
            .order_by("first_date", "pk")
        )
        for option in groups:
            option.first_day = known[option.pk].first_day
        schools = list(
            School.objects.filter(active=True)
            .filter(Q(hosted_groups__pk__in=ids) | Q(admitting_groups__pk__in=ids))
            .distinct()
            .order_by("name")
        )
        return EnrolOptions(groups=groups, schools=schools), None

    parts: tuple[Hashable, ...] = (
        "enrol-options",
        group.pk,
        school.pk if school else 0,
        tuple(ids),
        today.isoformat(),
    )
    return public_cache.cached(parts, build)

"""The start pages: what a coordinator should act on (consent missing, intakes, offers
about to expire, groups starting with seats left) and the manager's year at a glance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from enrolment import access
from enrolment.models import ACTIVE, SEAT_HOLDING, Enrolment, EnrolmentStatus
from enrolment.selectors.seats import seats_left, seats_taken
from programmes import access as catalogue_access
from programmes.models import EnrolmentMode, Programme
from scheduler import access as scheduler_access
from scheduler.models import Group, GroupStatus

# An offer "about to expire" is one that ends within this time: the coordinator can still
# phone the family before the seat goes to the next child.
OFFER_EXPIRY_WARNING = dt.timedelta(days=3)
# Groups "starting soon" start within this time: still time to find children for them.
STARTING_SOON = dt.timedelta(weeks=4)


def _school_pupils(user: Any) -> QuerySet[Enrolment]:
    """Unerased enrolments of the pupils of the user's schools (the overview's scope)."""
    return access.enrolments_visible_to(user).filter(
        erased_at__isnull=True, child__school__in=catalogue_access.schools_visible_to(user)
    )


def _waiting_list(qs: QuerySet[Enrolment], order: str) -> list[Enrolment]:
    found = list(
        qs.select_related("child__school", "group__programme", "group__host_school").order_by(
            order, "pk"
        )
    )
    today = timezone.localdate()
    for enrolment in found:
        enrolment.days_waiting = (today - timezone.localdate(enrolment.created_at)).days
    return found


def consents_missing(user: Any) -> list[Enrolment]:
    """The user's schools' pupils still waiting for a consent, longest waiting first, each with
    `days_waiting` (days since the enrolment came in). One query."""
    return _waiting_list(
        _school_pupils(user).filter(status=EnrolmentStatus.AWAITING_CONSENT), "created_at"
    )


def intakes_to_do(user: Any) -> list[Enrolment]:
    """The user's schools' pupils whose seat waits for an intake, oldest first. One query."""
    return _waiting_list(
        _school_pupils(user).filter(status=EnrolmentStatus.AWAITING_INTAKE), "created_at"
    )


def offers_expiring(user: Any) -> list[Enrolment]:
    """Seats offered to the user's schools' pupils from the waitlist whose offer ends within
    `OFFER_EXPIRY_WARNING`, soonest first. One query."""
    limit = timezone.now() + OFFER_EXPIRY_WARNING
    return _waiting_list(
        _school_pupils(user).filter(
            status=EnrolmentStatus.OFFERED,
            offer_expires_at__isnull=False,
            offer_expires_at__lte=limit,
        ),
        "offer_expires_at",
    )


def pool_answers_missing(user: Any) -> list[Enrolment]:
    """The user's schools' pupils moved by a pooling whose family has neither confirmed nor
    withdrawn (`services.pool_answer`): their seat stays, but someone may want to phone.
    By group, soonest starting first. One query."""
    return list(
        _school_pupils(user)
        .filter(
            pooled_from__isnull=False,
            pool_confirmed_at__isnull=True,
            status__in=sorted(ACTIVE),
        )
        .select_related("child", "group__programme", "group__host_school")
        .order_by("group__first_date", "group_id", "pk")
    )


def groups_starting_with_seats(user: Any) -> list[Group]:
    """Published groups of an individual programme hosted by the user's schools that start
    within `STARTING_SOON` and still have seats, each with `seats_left`. Two queries."""
    today = timezone.localdate()
    groups = list(
        scheduler_access.groups_visible_to(user)
        .filter(
            host_school__in=catalogue_access.schools_visible_to(user),
            status=GroupStatus.PUBLISHED,
            programme__enrolment_mode=EnrolmentMode.INDIVIDUAL,
            first_date__gte=today,
            first_date__lte=today + STARTING_SOON,
        )
        .select_related("programme", "host_school")
        .order_by("first_date", "pk")
    )
    taken = seats_taken([g.pk for g in groups])
    for group in groups:
        group.seats_left = seats_left(group.capacity, taken.get(group.pk, 0))
    return [g for g in groups if g.seats_left > 0]


# --- the manager's start page ----------------------------------------------------------


@dataclass
class ProgrammeYear:
    """One programme's groups in a school year: how many per status, seats and capacity."""

    programme: Programme
    by_status: dict[str, int] = field(default_factory=dict)
    capacity: int = 0
    seats_filled: int = 0

    @property
    def groups(self) -> int:
        return sum(self.by_status.values())

    def status_counts(self) -> list[tuple[str, int]]:
        """(label, count) in the order a group goes through its states, zeros left out."""
        return [
            (label, self.by_status[value])
            for value, label in GroupStatus.choices
            if self.by_status.get(value)
        ]


def year_at_a_glance(school_year: Any) -> list[ProgrammeYear]:
    """Per programme with groups in `school_year`: the groups per status, the capacity of the
    groups that are not cancelled and the seats held, confirmed or completed in them. Four
    queries."""
    rows = (
        Group.objects.filter(school_year=school_year)
        .values("programme_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_programme: dict[int, ProgrammeYear] = {}
    for row in rows:
        line = by_programme.setdefault(row["programme_id"], ProgrammeYear(programme=None))  # type: ignore[arg-type]
        line.by_status[row["status"]] = row["n"]
    live = Group.objects.filter(school_year=school_year).exclude(status=GroupStatus.CANCELLED)
    for row in (
        live.values("programme_id")
        .annotate(
            filled=Count(
                "enrolments",
                filter=Q(enrolments__status__in=sorted(SEAT_HOLDING | {EnrolmentStatus.COMPLETED})),
            ),
        )
        .order_by()
    ):
        line = by_programme.get(row["programme_id"])
        if line is not None:
            line.seats_filled = row["filled"]
    # Capacity apart: summed over a join with enrolments it would count a group once per child.
    for row in live.values("programme_id").annotate(capacity=Sum("capacity")).order_by():
        line = by_programme.get(row["programme_id"])
        if line is not None:
            line.capacity = row["capacity"] or 0
    for programme in Programme.objects.filter(pk__in=by_programme):
        by_programme[programme.pk].programme = programme
    return sorted(by_programme.values(), key=lambda line: line.programme.name_nl)

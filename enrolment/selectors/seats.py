"""Seats: how many each group has taken and left, counted for many groups at once."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count

from enrolment.models import SEAT_HOLDING, Enrolment, EnrolmentStatus

# Statuses shown in the roster's first section (the children who have or are about to
# have a seat) and in its exports; completed children stay on it after the group ends.
PARTICIPATING = SEAT_HOLDING | {EnrolmentStatus.COMPLETED}
# Children who may be marked present or absent.
ATTENDING = frozenset({EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED})


def seats_taken(group_ids: Sequence[int]) -> dict[int, int]:
    """Seats held or confirmed per group id, in one query (none for no groups); a group
    without any is left out. For reading: a service that gives a seat counts the seats of
    one group under its lock (`enrolment.services.seats_taken_in`)."""
    if not group_ids:
        return {}
    return dict(
        Enrolment.objects.filter(group_id__in=group_ids, status__in=sorted(SEAT_HOLDING))
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
        .order_by()
    )


def seats_left(capacity: int, taken: int) -> int:
    """The seats a group of `capacity` has left with `taken` seats held or confirmed; never
    below 0 (a capacity lowered below the seats taken leaves none, not a negative count)."""
    return max(0, capacity - taken)

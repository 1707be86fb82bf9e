"""Seats and the waitlist.

Seats are scarce: every service that may take a seat first locks the group row
(`SELECT ... FOR UPDATE`) inside its transaction and only then counts, so
held + offered + confirmed never exceeds the capacity, however many parents
submit at once. Freeing a seat needs no lock; handing it to the next child does.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils.timezone import localtime

from core.domain_events import emit
from enrolment import events
from enrolment.models import SEAT_HOLDING, Enrolment, EnrolmentStatus, LinkPurpose
from enrolment.services.eligibility import first_child_session_date
from enrolment.services.links import _make_link
from enrolment.services.transitions import _now, _set_status
from programmes.models import reply_to_subquery
from scheduler.models import Group, GroupStatus

# What `select_for_update` locks with an enrolment: its row and its group's (seats are
# counted under the group's lock, so taking both in one statement keeps the order every
# path locks in). Not the rows merely joined for reading (programme, child, submission,
# consent text): a FOR UPDATE on those would stall every new submission that refers to them.
LOCKED_WITH_ENROLMENT = ("self", "group")


def _lock_group(group_id: int) -> Group:
    """Lock the group row before counting its seats.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite (make run) ignores that, so a no-op
    UPDATE first takes the database's write lock, which serialises writers there too.
    """
    if connection.vendor == "sqlite":
        Group.objects.filter(pk=group_id).update(capacity=F("capacity"))
    # OF self: only the group's row. A plain FOR UPDATE would lock the joined programme
    # and school rows too, and so queue every enrolment of the programme behind this one.
    # The host school's reply-to address comes along for the messages about the new
    # enrolment (notifications.listeners); the seats are counted in a statement of their
    # own, after the lock (`seats_taken_in`), so the count sees every enrolment committed
    # while this one waited.
    return (
        Group.objects.select_for_update(of=("self",))
        .select_related("programme", "host_school")
        .annotate(host_reply_to=reply_to_subquery("host_school"))
        .get(pk=group_id)
    )


def seats_taken_in(group: Group) -> int:
    """The seats of `group` held or confirmed now, one COUNT. Whoever decides on a seat
    counts after locking the group (`_lock_group`); reads of many groups count them all in
    one query (`enrolment.selectors.seats_taken`)."""
    return group.enrolments.filter(status__in=SEAT_HOLDING).count()


def waitlist_position(enrolment: Enrolment) -> int:
    """1 for the first child in line. Priority pupils go first, then first come, first served."""
    earlier = Q(created_at__lt=enrolment.created_at) | Q(
        created_at=enrolment.created_at, pk__lt=enrolment.pk
    )
    ahead = Q(priority=True) & earlier if enrolment.priority else Q(priority=True) | earlier
    return (
        Enrolment.objects.filter(group_id=enrolment.group_id, status=EnrolmentStatus.WAITLISTED)
        .filter(ahead)
        .count()
        + 1
    )


def _offer_hours(group: Group) -> float:
    starts = first_child_session_date(group)
    days_left = (starts - localtime(_now()).date()).days
    return (
        settings.ENROLMENT_OFFER_HOURS_SHORT if days_left <= 7 else settings.ENROLMENT_OFFER_HOURS
    )


def offer_next(*, group_id: int) -> list[Enrolment]:
    """Offer every free seat of the group to the next children on the waitlist.

    Runs inside the caller's transaction; locks the group before counting. A child whose
    enroller has not confirmed their e-mail address is passed by (keeping its place): no
    offer could be mailed to them, and an offer nobody hears of would only block the seat
    until it expired. `email_confirm` offers a free seat when they confirm.
    """
    group = _lock_group(group_id)
    if group.status in {GroupStatus.CANCELLED, GroupStatus.COMPLETED}:
        return []
    free = group.capacity - seats_taken_in(group)
    offered: list[Enrolment] = []
    if free <= 0:
        return offered
    queue = (
        Enrolment.objects.filter(
            group=group,
            status=EnrolmentStatus.WAITLISTED,
            submission__guardians__is_enroller=True,
            submission__guardians__email_confirmed_at__isnull=False,
        )
        .select_related("submission")
        .order_by("-priority", "created_at", "pk")[:free]
    )
    hours = _offer_hours(group)
    for enrolment in queue:
        _set_status(
            enrolment, EnrolmentStatus.OFFERED, offer_expires_at=_now() + dt.timedelta(hours=hours)
        )
        enroller = enrolment.submission.guardians.get(is_enroller=True)
        token = _make_link(
            purpose=LinkPurpose.OFFER, guardian=enroller, enrolment=enrolment, hours=hours
        )
        emit(events.SeatOffered(enrolment_id=enrolment.pk, guardian_id=enroller.pk, token=token))
        offered.append(enrolment)
    return offered

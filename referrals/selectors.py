"""Reads of referrals and prevention talks: scope, lists and counts, each fetched in a fixed
number of queries.

A referrer sees their own referrals' status only: nothing here joins an enrolment or a
child, so no page or endpoint built on these can show one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from programmes import access
from programmes.models import School
from referrals.models import (
    BookingStatus,
    Referral,
    ReferralStatus,
    TalkBooking,
    TalkSlot,
    WijkteamWorker,
    hash_token,
)


def worker_of(user: Any) -> WijkteamWorker | None:
    """The active wijkteam profile of `user`, or None."""
    if not access.is_wijkteam(user):
        return None
    return WijkteamWorker.objects.filter(user=user, active=True).first()


def referral_schools_of(user: Any) -> QuerySet[School]:
    """The schools `user` may refer families to: the schools a wijkteammedewerker serves
    and the schools a coordinator coordinates."""
    if not getattr(user, "is_authenticated", False):
        return School.objects.none()
    scope = Q(pk__in=[])
    if access.is_wijkteam(user):
        scope |= Q(wijkteam_workers__user=user, wijkteam_workers__active=True)
    if access.is_coordinator(user):
        scope |= Q(coordinators=user)
    return School.objects.filter(scope, active=True).distinct().order_by("name")


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """A referrer's own referrals; the programme manager's view of all of them (status only,
    like everyone's)."""
    if not getattr(user, "is_authenticated", False):
        return Referral.objects.none()
    base = Referral.objects.select_related("programme", "school", "group")
    if access.is_manager(user):
        return base
    if access.is_wijkteam(user) or access.is_coordinator(user):
        return base.filter(referrer=user)
    return Referral.objects.none()


def workers_visible_to(user: Any) -> QuerySet[WijkteamWorker]:
    if access.is_manager(user):
        return WijkteamWorker.objects.select_related("user").prefetch_related("schools")
    return WijkteamWorker.objects.none()


def slots_visible_to(user: Any) -> QuerySet[TalkSlot]:
    """A worker's own slots (each with its booking, if any); the manager's all."""
    booked = TalkBooking.objects.filter(slot=OuterRef("pk"), status=BookingStatus.BOOKED)
    base = TalkSlot.objects.select_related("school", "worker__user").annotate(
        is_booked=Exists(booked)
    )
    if access.is_manager(user):
        return base
    if access.is_wijkteam(user):
        return base.filter(worker__user=user)
    return TalkSlot.objects.none()


def bookings_visible_to(user: Any) -> QuerySet[TalkBooking]:
    base = TalkBooking.objects.select_related("slot__school", "slot__worker__user")
    if access.is_manager(user):
        return base
    if access.is_wijkteam(user):
        return base.filter(slot__worker__user=user)
    return TalkBooking.objects.none()


def upcoming_bookings(user: Any, *, now: dt.datetime | None = None) -> list[TalkBooking]:
    """The worker's booked talks from now on (start page, feed)."""
    now = now or timezone.now()
    return list(
        bookings_visible_to(user)
        .filter(status=BookingStatus.BOOKED, slot__starts_at__gte=now - dt.timedelta(hours=2))
        .filter(slot__worker__user=user)
        .order_by("slot__starts_at")[:50]
    )


def slot_is_bookable(slot: TalkSlot, *, now: dt.datetime) -> bool:
    """One rule for "may a parent book this slot now": not cancelled, still ahead (at least
    an hour), and within the worker's booking window (`book_days_ahead`)."""
    return (
        slot.cancelled_at is None
        and slot.starts_at > now + dt.timedelta(hours=1)
        and slot.starts_at <= now + dt.timedelta(days=slot.book_days_ahead)
    )


def bookable_slots(
    *, worker_id: int | None = None, school_id: int | None = None, now: dt.datetime | None = None
) -> list[TalkSlot]:
    """The free slots a parent may book now, by time (the public booking page)."""
    now = now or timezone.now()
    booked = TalkBooking.objects.filter(slot=OuterRef("pk"), status=BookingStatus.BOOKED)
    slots = (
        TalkSlot.objects.select_related("school", "worker__user")
        .filter(cancelled_at__isnull=True, starts_at__gt=now + dt.timedelta(hours=1))
        .filter(worker__active=True)
        .exclude(Exists(booked))
        .order_by("starts_at", "pk")
    )
    if worker_id is not None:
        slots = slots.filter(worker_id=worker_id)
    if school_id is not None:
        slots = slots.filter(Q(school_id=school_id) | Q(worker__schools=school_id)).distinct()
    return [slot for slot in slots[:200] if slot_is_bookable(slot, now=now)]


# --- counts for the participation report ----------------------------------------------


def referral_counts(*, since: dt.datetime, until: dt.datetime) -> list[dict[str, Any]]:
    """Referrals sent in [since, until) per programme and school: how many were sent and how
    many led to an enrolment. Anonymous counts (erased referrals still count)."""
    rows = (
        Referral.objects.filter(created_at__gte=since, created_at__lt=until)
        .values("programme_id", "programme__name_nl", "school_id", "school__name")
        .annotate(
            sent=Count("pk"),
            enrolled=Count("pk", filter=Q(status=ReferralStatus.ENROLLED)),
        )
        .order_by("programme__name_nl", "school__name")
    )
    return [
        {
            "programme_id": row["programme_id"],
            "programme": row["programme__name_nl"],
            "school_id": row["school_id"],
            "school": row["school__name"],
            "sent": row["sent"],
            "enrolled": row["enrolled"],
        }
        for row in rows
    ]


def worker_by_feed_token(token: str) -> WijkteamWorker | None:
    """The active worker whose feed link this is, or None (unknown, revoked, inactive)."""
    if not token:
        return None
    return (
        WijkteamWorker.objects.select_related("user")
        .filter(feed_token_hash=hash_token(token), active=True)
        .first()
    )


def feed_bookings(worker: WijkteamWorker, *, now: dt.datetime | None = None) -> list[TalkBooking]:
    """The worker's talks for her feed: from 30 days back, booked or cancelled (a cancelled
    one stays in the feed as CANCELLED so calendars drop it)."""
    now = now or timezone.now()
    return list(
        TalkBooking.objects.select_related("slot__school", "slot__worker")
        .filter(slot__worker=worker, slot__starts_at__gte=now - dt.timedelta(days=30))
        .order_by("slot__starts_at", "pk")[:500]
    )

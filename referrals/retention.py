"""Retention of referrals and talk bookings: the parent's address and the referrer's note
go when they are no longer needed, with the same care as an enrolment's data.

- A referral that led to nothing (never answered, declined, revoked, or expired) is erased
  `REFERRAL_KEEP_DAYS_AFTER_EXPIRY` days after its link expired.
- A referral that led to an enrolment is erased `ENROLMENT_RETENTION_MONTHS` after it was
  answered (the enrolment's own data follows the enrolment's rules).
- A booked (or cancelled) talk is erased `TALK_KEEP_DAYS` after the talk's time.

Erasing blanks the address, note, name and link in place and keeps the programme, school,
status and dates, so the report's counts (sent, enrolled) stay the same.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from referrals.models import Referral, ReferralStatus, TalkBooking, hash_token


def _erased_token(kind: str, pk: int) -> str:
    # The link column is unique: an erased row gets a hash nobody holds the token of.
    return hash_token(f"erased-{kind}-{pk}-{timezone.now().isoformat()}")


def referrals_due_for_erasure(now: dt.datetime) -> Q:
    nothing_after = now - dt.timedelta(days=settings.REFERRAL_KEEP_DAYS_AFTER_EXPIRY)
    enrolled_after = now - dt.timedelta(days=30 * settings.ENROLMENT_RETENTION_MONTHS)
    led_to_nothing = ~Q(status=ReferralStatus.ENROLLED) & Q(expires_at__lt=nothing_after)
    enrolled = Q(status=ReferralStatus.ENROLLED, answered_at__lt=enrolled_after)
    return Q(erased_at__isnull=True) & (led_to_nothing | enrolled)


@transaction.atomic
def referrals_erase(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Erase what is due. Returns (referrals, bookings) erased. Safe to run twice."""
    now = now or timezone.now()
    referrals = 0
    for pk in Referral.objects.filter(referrals_due_for_erasure(now)).values_list("pk", flat=True):
        referrals += Referral.objects.filter(pk=pk, erased_at__isnull=True).update(
            email="", note="", token_hash=_erased_token("referral", pk), erased_at=now
        )
    bookings = 0
    talk_before = now - dt.timedelta(days=settings.TALK_KEEP_DAYS)
    for pk in TalkBooking.objects.filter(
        erased_at__isnull=True, slot__starts_at__lt=talk_before
    ).values_list("pk", flat=True):
        bookings += TalkBooking.objects.filter(pk=pk, erased_at__isnull=True).update(
            email="", name="", token_hash=_erased_token("talk", pk), erased_at=now
        )
    return referrals, bookings


@transaction.atomic
def referrals_erase_for_addresses(*, emails: list[str], now: dt.datetime | None = None) -> int:
    """Erase at once the referrals and talk bookings to these addresses: called when a
    family's enrolment data is erased (at their request or by retention), so that nothing
    here outlives it. Returns how many rows were erased."""
    now = now or timezone.now()
    wanted = {email.strip().lower() for email in emails if "@" in email}
    if not wanted:
        return 0
    erased = 0
    for pk in Referral.objects.filter(email__in=wanted, erased_at__isnull=True).values_list(
        "pk", flat=True
    ):
        erased += Referral.objects.filter(pk=pk).update(
            email="", note="", token_hash=_erased_token("referral", pk), erased_at=now
        )
    for pk in TalkBooking.objects.filter(email__in=wanted, erased_at__isnull=True).values_list(
        "pk", flat=True
    ):
        erased += TalkBooking.objects.filter(pk=pk).update(
            email="", name="", token_hash=_erased_token("talk", pk), erased_at=now
        )
    return erased

"""Offered seats and seat holds: a parent answers an offer, and holds and offers that ran out
expire (a periodic task) so the seat passes to the next child on the waitlist."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.models import Enrolment, EnrolmentStatus, LinkPurpose
from enrolment.services.consent import _evaluate
from enrolment.services.links import link_resolve
from enrolment.services.seats import LOCKED_WITH_ENROLMENT, offer_next
from enrolment.services.transitions import _now, _set_status


@transaction.atomic
def offer_answer(*, token: str, accept: bool) -> Enrolment:
    """Accept or decline an offered seat. Accepting continues with consent (or confirms at
    once when consent is already complete); declining passes the seat on."""
    link = link_resolve(token, purposes=[LinkPurpose.OFFER])
    enrolment = (
        Enrolment.objects.select_for_update(of=LOCKED_WITH_ENROLMENT)
        .select_related("group__programme", "child")
        .get(pk=link.enrolment_id)
    )
    if enrolment.status != EnrolmentStatus.OFFERED:
        raise ValidationError(_("Dit aanbod is niet meer open."))
    if enrolment.offer_expires_at and enrolment.offer_expires_at <= _now():
        raise ValidationError(_("Dit aanbod is verlopen."))
    link.used_at = _now()
    link.save(update_fields=["used_at"])
    if not accept:
        _set_status(enrolment, EnrolmentStatus.DECLINED, ended_at=_now(), offer_expires_at=None)
        emit(events.SeatReleased(enrolment_id=enrolment.pk, reason="declined"))
        offer_next(group_id=enrolment.group_id)
        return enrolment
    _set_status(
        enrolment,
        EnrolmentStatus.AWAITING_CONSENT,
        offer_expires_at=None,
        hold_expires_at=_now() + dt.timedelta(days=settings.ENROLMENT_HOLD_DAYS),
    )
    emit(events.SeatHeld(enrolment_id=enrolment.pk))
    _evaluate(enrolment)
    return enrolment


def holds_and_offers_expire() -> int:
    """Expire seat holds without consent and offers without answer; pass the seats on.

    Each enrolment is claimed with a conditional update, so two sweeps running at once
    never expire (or announce) the same one twice. Returns how many expired.
    """
    now = _now()
    expired = 0
    candidates = list(
        Enrolment.objects.filter(
            status=EnrolmentStatus.AWAITING_CONSENT, hold_expires_at__lte=now
        ).values_list("pk", "group_id", "status")
    ) + list(
        Enrolment.objects.filter(
            status=EnrolmentStatus.OFFERED, offer_expires_at__lte=now
        ).values_list("pk", "group_id", "status")
    )
    for pk, group_id, status in candidates:
        with transaction.atomic():
            changed = Enrolment.objects.filter(pk=pk, status=status).update(
                status=EnrolmentStatus.EXPIRED, ended_at=now
            )
            if not changed:
                continue
            expired += 1
            if status == EnrolmentStatus.OFFERED:
                emit(events.OfferExpired(enrolment_id=pk))
            emit(events.SeatReleased(enrolment_id=pk, reason="expired"))
            offer_next(group_id=group_id)
    return expired


@shared_task(name="enrolment.expire_holds_and_offers")
def expire_holds_and_offers() -> int:
    """Every few minutes (`settings.CELERY_BEAT_SCHEDULE`): seat holds without consent and
    unanswered offers expire, and the freed seats go to the next children on the waitlist.
    Returns how many expired. Safe to run twice, even at the same time: each enrolment is
    claimed with a conditional update, so a second run finds nothing left and returns 0."""
    return holds_and_offers_expire()

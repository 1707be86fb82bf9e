"""Withdrawing a child: by the parent's link, a coordinator or the manager."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.models import ACTIVE, Enrolment, EnrolmentStatus, LinkPurpose
from enrolment.services.links import link_resolve
from enrolment.services.seats import offer_next
from enrolment.services.transitions import _now, _set_status


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    """Withdraw an active enrolment (by the parent's link, a coordinator or the manager);
    a held seat goes to the waitlist. Emits Withdrawn."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in ACTIVE:
        raise ValidationError(_("Deze aanmelding loopt niet meer."))
    had_seat = enrolment.holds_seat
    _set_status(
        enrolment,
        EnrolmentStatus.WITHDRAWN,
        ended_at=_now(),
        hold_expires_at=None,
        offer_expires_at=None,
        # A pooled family that withdraws has answered: nothing waits for them any more.
        pooled_from=None,
    )
    emit(events.Withdrawn(enrolment_id=enrolment.pk))
    if had_seat:
        emit(events.SeatReleased(enrolment_id=enrolment.pk, reason="withdrawn"))
        offer_next(group_id=enrolment.group_id)
    return enrolment


@transaction.atomic
def enrolment_withdraw_by_link(*, token: str, enrolment_public_id: str) -> Enrolment:
    link = link_resolve(token, purposes=[LinkPurpose.MANAGE, LinkPurpose.CONFIRM])
    if not link.guardian.is_enroller:
        # Another guardian's own link (e.g. after a pooling) confirms; withdrawing the
        # child stays the enroller's.
        raise ValidationError(
            _("Afmelden kan alleen de ouder die het kind heeft aangemeld."), code="not_enroller"
        )
    enrolment = Enrolment.objects.get(
        submission_id=link.submission_id, public_id=enrolment_public_id
    )
    return enrolment_withdraw(enrolment=enrolment)

"""The intake: a trainer or coordinator records whether a child is suited to the group."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.models import ACTIVE, Enrolment, EnrolmentStatus, Intake, IntakeOutcome
from enrolment.services.seats import LOCKED_WITH_ENROLMENT, offer_next
from enrolment.services.transitions import _now, _set_status


@transaction.atomic
def intake_record(
    *, enrolment: Enrolment, outcome: str, reason: str = "", notes: str = "", recorded_by: Any
) -> Intake:
    """Record the intake outcome. Suitable confirms an enrolment whose consent is complete;
    not suitable ends it (with a reason category) and frees the seat."""
    enrolment = (
        Enrolment.objects.select_for_update(of=LOCKED_WITH_ENROLMENT)
        .select_related("group__programme")
        .get(pk=enrolment.pk)
    )
    if enrolment.status not in ACTIVE:
        raise ValidationError(_("Deze aanmelding loopt niet meer."))
    if outcome == IntakeOutcome.NOT_SUITABLE and not reason:
        raise ValidationError({"reason": _("Kies een reden als deelname niet passend is.")})
    intake, _created = Intake.objects.update_or_create(
        enrolment=enrolment,
        defaults={"outcome": outcome, "reason": reason, "notes": notes, "recorded_by": recorded_by},
    )
    intake.full_clean()
    if outcome == IntakeOutcome.NOT_SUITABLE:
        had_seat = enrolment.holds_seat
        _set_status(enrolment, EnrolmentStatus.NOT_SUITABLE, ended_at=_now(), hold_expires_at=None)
        if had_seat:
            emit(events.SeatReleased(enrolment_id=enrolment.pk, reason="not_suitable"))
            offer_next(group_id=enrolment.group_id)
    elif enrolment.status == EnrolmentStatus.AWAITING_INTAKE:
        _set_status(enrolment, EnrolmentStatus.CONFIRMED, confirmed_at=_now())
        emit(events.SeatConfirmed(enrolment_id=enrolment.pk))
    return intake

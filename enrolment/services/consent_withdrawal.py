"""Withdrawing consent: a guardian, or the child, takes back the consent they gave, through
their own link. The consent text promises it is always possible; this is where it happens.

Withdrawing is not the same as withdrawing the child (`withdrawal.enrolment_withdraw`, which
the enrolling parent or the school does): it ends only this person's consent, and the
enrolment ends with it when no valid consent remains that the enrolment needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.audit import AuditAction, audit_record
from enrolment.models import (
    ACTIVE,
    AccessLink,
    Consent,
    ConsentParty,
    Enrolment,
    EnrolmentStatus,
    LinkPurpose,
)
from enrolment.services.consent import _requirements_for
from enrolment.services.links import link_resolve
from enrolment.services.seats import LOCKED_WITH_ENROLMENT, offer_next
from enrolment.services.transitions import _now, _set_status

# The links through which their holder withdraws their own consent: a guardian's confirm,
# manage and consent links, and the child's own consent link.
WITHDRAW_PURPOSES = (
    LinkPurpose.CONFIRM,
    LinkPurpose.MANAGE,
    LinkPurpose.CONSENT,
    LinkPurpose.CHILD_CONSENT,
)


@dataclass(frozen=True)
class ConsentWithdrawal:
    """What a withdrawal did, read after it (the doors show `message`)."""

    enrolment: Enrolment
    ended: bool  # no valid consent remained: the enrolment ended, its seat went on
    message: str


def _enrolment_of_link(link: AccessLink, enrolment_public_id: str) -> Enrolment:
    """The enrolment, locked with its group; refuses one that is not the link's to touch."""
    enrolments = Enrolment.objects.select_for_update(of=LOCKED_WITH_ENROLMENT).select_related(
        "group__programme", "child", "submission"
    )
    if link.purpose == LinkPurpose.CHILD_CONSENT:
        # A child's link is about that child only.
        enrolments = enrolments.filter(pk=link.enrolment_id)
    enrolment = enrolments.filter(
        submission_id=link.submission_id, public_id=enrolment_public_id
    ).first()
    if enrolment is None:
        raise ValidationError(
            {"enrolment": [_("Deze inschrijving hoort niet bij deze link.")]},
            code="wrong_enrolment",
        )
    return enrolment


def withdrawable_consent(link: AccessLink, enrolment: Enrolment) -> Consent | None:
    """The valid consent the holder of `link` gave for `enrolment`, if any: what the
    status page offers to withdraw (and the service withdraws)."""
    if link.purpose == LinkPurpose.CHILD_CONSENT:
        mine = {"party": ConsentParty.CHILD, "guardian": None}
    else:
        mine = {"party": ConsentParty.GUARDIAN, "guardian": link.guardian_id}
    return next(
        (
            c
            for c in enrolment.consents.all()
            if c.party == mine["party"]
            and c.guardian_id == mine["guardian"]
            and c.given
            and c.withdrawn_at is None
        ),
        None,
    )


def _consent_still_holds(enrolment: Enrolment, *, guardian_id: int | None) -> bool:
    """Whether the enrolment can go on without the consent just withdrawn: only when that
    consent was not one it needs (a programme content with one guardian's consent, where
    another guardian's consent remains, or a consent nobody asked for)."""
    needs = _requirements_for(enrolment)
    if guardian_id is None:
        return not needs["child"]
    if needs["any_guardian"]:
        return enrolment.consents.filter(
            party=ConsentParty.GUARDIAN, given=True, withdrawn_at__isnull=True
        ).exists()
    return guardian_id not in {g.pk for g in needs["guardians"]}


def _end(enrolment: Enrolment) -> None:
    """No valid consent remains: the enrolment ends; a held seat goes to the next child on
    the waitlist as an offer, a waitlist place is given up."""
    had_seat = enrolment.holds_seat
    _set_status(
        enrolment,
        EnrolmentStatus.WITHDRAWN,
        ended_at=_now(),
        hold_expires_at=None,
        offer_expires_at=None,
    )
    if had_seat:
        emit(events.SeatReleased(enrolment_id=enrolment.pk, reason="consent_withdrawn"))
        offer_next(group_id=enrolment.group_id)


@transaction.atomic
def consent_withdraw(*, token: str, enrolment_public_id: str) -> ConsentWithdrawal:
    """The holder of `token` (a guardian's confirm, manage or consent link, or the child's
    own consent link) withdraws the consent they gave for one enrolment of the submission.

    Marks the consent withdrawn (the row stays, as the record). When the enrolment needs that
    consent, no valid consent remains and the enrolment ends (status withdrawn): a held seat
    goes to the next child as an offer (`offer_next`), a waitlist place is given up. Writes
    an audit entry (actor "guardian <id>" or "child <id>", target "enrolment <id>") and emits
    ConsentWithdrawn (the coordinator and the other guardians hear of it in neutral words).

    Refuses (ValidationError, nothing changes): a link that is not valid for this, an
    enrolment not of the link's submission (or, on a child's link, not that child's), an
    enrolment that has ended, and a consent not given or already withdrawn.
    """
    link = link_resolve(token, purposes=WITHDRAW_PURPOSES)
    enrolment = _enrolment_of_link(link, enrolment_public_id)
    is_child = link.purpose == LinkPurpose.CHILD_CONSENT
    name = enrolment.child.first_name
    if enrolment.status not in ACTIVE:
        raise ValidationError(
            _("De aanmelding van %(name)s loopt niet meer; er is niets om in te trekken.")
            % {"name": name},
            code="not_active",
        )
    consent = withdrawable_consent(link, enrolment)
    if consent is None:
        raise ValidationError(
            _("Je hebt geen toestemming gegeven die je kunt intrekken.")
            if is_child
            else _("U heeft voor %(name)s geen toestemming gegeven die u kunt intrekken.")
            % {"name": name},
            code="no_consent",
        )
    consent.withdrawn_at = _now()
    consent.save(update_fields=["withdrawn_at"])
    guardian_id = None if is_child else link.guardian_id
    was_confirmed = enrolment.status == EnrolmentStatus.CONFIRMED
    ended = not _consent_still_holds(enrolment, guardian_id=guardian_id)
    if ended:
        _end(enrolment)
    audit_record(
        actor=f"child {enrolment.child_id}" if is_child else f"guardian {link.guardian_id}",
        action=AuditAction.CONSENT_WITHDRAWN,
        target=f"enrolment {enrolment.pk}",
    )
    emit(
        events.ConsentWithdrawn(
            enrolment_id=enrolment.pk,
            guardian_id=guardian_id,
            ended=ended,
            was_confirmed=was_confirmed,
        )
    )
    return ConsentWithdrawal(
        enrolment, ended=ended, message=_withdrawn_message(name, ended, is_child)
    )


def _withdrawn_message(name: str, ended: bool, is_child: bool) -> str:
    if is_child:
        return (
            _("Je toestemming is ingetrokken. Je doet niet meer mee.")
            if ended
            else _("Je toestemming is ingetrokken.")
        )
    if ended:
        return _(
            "Uw toestemming is ingetrokken. %(name)s doet daarom niet meer mee; de plaats gaat "
            "naar een ander kind."
        ) % {"name": name}
    return _("Uw toestemming voor %(name)s is ingetrokken.") % {"name": name}

"""Possible duplicates: a child enrolled a second time for the same programme and school
year, by another family or the same one (`submission_create` stores it alike and flags
it `possible_duplicate`, so the public doors never tell whether a child is known).

Resolved inside: the first family hears in neutral words that a second enrolment came
in, once its submitter confirmed their address (notifications, on EmailConfirmed), and a
coordinator of both pupils' schools (or the manager) merges the second into the first.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.audit import AuditAction, audit_record
from enrolment.models import (
    ACTIVE,
    Consent,
    ConsentParty,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    LinkPurpose,
)
from enrolment.services.consent import _evaluate, _requirements_for
from enrolment.services.links import _make_link
from enrolment.services.seats import offer_next
from enrolment.services.transitions import _now, _set_status


def _originals_of(enrolment: Enrolment) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        child_key=enrolment.child_key,
        programme_id=enrolment.programme_id,
        school_year_id=enrolment.school_year_id,
        status__in=ACTIVE,
        possible_duplicate=False,
    ).exclude(pk=enrolment.pk)


def duplicate_original(enrolment: Enrolment) -> Enrolment | None:
    """The child's running first enrolment that `enrolment` may duplicate (at most one: the
    database allows one active enrolment per child, programme and year outside the
    duplicates), or None when it has ended or `enrolment` is not a possible duplicate."""
    if not enrolment.possible_duplicate or enrolment.status not in ACTIVE:
        return None
    return (
        _originals_of(enrolment)
        .select_related("child__school", "group__programme", "group__host_school")
        .order_by()
        .first()
    )


@transaction.atomic
def duplicate_merge(*, enrolment: Enrolment, actor: Any) -> Enrolment:
    """Merge a possible duplicate into the child's first enrolment; returns the one that
    remains.

    The second submission's guardians who are not on the first (by e-mail address) join it,
    with the consent they gave for this child, so both parents now hear about the group;
    the second enrolment ends as merged and a seat it held goes to the waitlist. A guardian
    who joins a first enrolment still waiting for consent, and whose consent it needs, gets
    the consent request. When the first enrolment has ended meanwhile, the second simply
    stops being a possible duplicate. Refuses (nothing changes): an enrolment that is not a
    running possible duplicate, and one whose submitter has not confirmed their address
    (what is merged must be an address its owner confirmed). Audited; emits DuplicateMerged.
    """
    duplicate = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not duplicate.possible_duplicate or duplicate.status not in ACTIVE:
        raise ValidationError(
            _("Deze aanmelding is geen lopende mogelijk dubbele aanmelding (meer).")
        )
    original = _originals_of(duplicate).select_for_update().order_by().first()
    if original is None:
        duplicate.possible_duplicate = False
        duplicate.save(update_fields=["possible_duplicate"])
        audit_record(
            actor=actor,
            action=AuditAction.DUPLICATE_MERGED,
            target=f"enrolment {duplicate.pk} kept (no other running enrolment)",
        )
        return duplicate
    guardians = list(Guardian.objects.filter(submission_id=duplicate.submission_id).order_by("pk"))
    if not any(g.is_enroller and g.email_confirmed_at for g in guardians):
        raise ValidationError(
            _(
                "De ouder die de tweede aanmelding deed, heeft het e-mailadres nog niet "
                "bevestigd. Samenvoegen kan pas daarna; zonder bevestiging verloopt de "
                "aanmelding vanzelf."
            )
        )
    joined = _guardians_join(guardians, original=original)
    _consents_copy(duplicate, original=original, joined=joined)
    had_seat = duplicate.holds_seat
    _set_status(
        duplicate,
        EnrolmentStatus.MERGED,
        ended_at=_now(),
        hold_expires_at=None,
        offer_expires_at=None,
    )
    emit(events.DuplicateMerged(enrolment_id=duplicate.pk, original_id=original.pk))
    if had_seat:
        emit(events.SeatReleased(enrolment_id=duplicate.pk, reason="merged"))
        offer_next(group_id=duplicate.group_id)
    if original.status == EnrolmentStatus.AWAITING_CONSENT:
        _joined_consent_request(original, joined=joined)
        _evaluate(original)
    audit_record(
        actor=actor,
        action=AuditAction.DUPLICATE_MERGED,
        target=f"enrolment {duplicate.pk} into enrolment {original.pk}",
    )
    return original


def _guardians_join(guardians: list[Guardian], *, original: Enrolment) -> dict[int, Guardian]:
    """Copy the second submission's guardians who are not on the first (by e-mail address)
    onto it; returns the copies by the id of the guardian they copy."""
    known = {
        email.lower()
        for email in Guardian.objects.filter(submission_id=original.submission_id).values_list(
            "email", flat=True
        )
    }
    joined: dict[int, Guardian] = {}
    for guardian in guardians:
        if guardian.email.lower() in known:
            continue
        known.add(guardian.email.lower())
        joined[guardian.pk] = Guardian.objects.create(
            submission_id=original.submission_id,
            is_enroller=False,
            name=guardian.name,
            email=guardian.email,
            phone=guardian.phone,
            relation=guardian.relation,
            authority=guardian.authority,
            language=guardian.language,
            email_confirmed_at=guardian.email_confirmed_at,
        )
    return joined


def _consents_copy(
    duplicate: Enrolment, *, original: Enrolment, joined: dict[int, Guardian]
) -> None:
    """The consent given for the duplicate by the guardians who joined (and the child's own,
    when the original has none) is recorded on the original, as it was given."""
    has_child_consent = Consent.objects.filter(
        enrolment=original, party=ConsentParty.CHILD
    ).exists()
    for consent in Consent.objects.filter(enrolment=duplicate, given=True).order_by("pk"):
        if consent.party == ConsentParty.GUARDIAN and consent.guardian_id in joined:
            guardian = joined[consent.guardian_id]
        elif consent.party == ConsentParty.CHILD and not has_child_consent:
            guardian = None
        else:
            continue
        Consent.objects.create(
            enrolment=original,
            party=consent.party,
            guardian=guardian,
            given=True,
            method=consent.method,
            consent_text_id=consent.consent_text_id,
            recorded_by=consent.recorded_by,
            created_at=consent.created_at,
        )


def _joined_consent_request(original: Enrolment, *, joined: dict[int, Guardian]) -> None:
    """Ask the guardians who joined for their consent, where the original needs it."""
    needs = _requirements_for(original)
    answered = set(
        Consent.objects.filter(enrolment=original, party=ConsentParty.GUARDIAN).values_list(
            "guardian_id", flat=True
        )
    )
    asked = [
        g
        for g in joined.values()
        if not needs["any_guardian"] and g in needs["guardians"] and g.pk not in answered
    ]
    for guardian in asked:
        emit(
            events.ConsentRequested(
                enrolment_id=original.pk,
                guardian_id=guardian.pk,
                token=_make_link(
                    purpose=LinkPurpose.CONSENT, guardian=guardian, enrolment=original
                ),
            )
        )

"""Listeners of the enrolment events: received, confirmed address, consent, seat, waitlist,
offer, withdrawal, duplicates, erasure, absences."""

from __future__ import annotations

from typing import Any

from enrolment import events as enrolment_events
from enrolment.duplicates import duplicate_original
from enrolment.models import (
    ACTIVE,
    AccessLink,
    Attendance,
    AttendanceStatus,
    Consent,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    IntakeOutcome,
    LinkPurpose,
)
from enrolment.services import consent_state, waitlist_position
from notifications import calendar
from notifications.audience import mailable_guardians, may_mail
from notifications.listeners.loading import (
    CANCEL,
    REQUEST,
    calendar_for,
    enroller_of,
    enrolment_context,
    enrolments_loaded,
    guardians_of,
    invitation_for,
    load_enrolment,
    reply_to_of,
    schedule_of,
    write_to_guardian,
)
from notifications.messages import (
    Recipient,
    guardian_recipient,
    link_url,
    message_write,
    user_recipient,
)


def on_enrolment_received(event: enrolment_events.EnrolmentReceived) -> None:
    # The service hands along what it just wrote; a replayed event loads it.
    guardian = event.guardian or next(
        iter(Guardian.objects.filter(pk=event.guardian_id).order_by()), None
    )
    enrolments = list(event.enrolments) or list(
        enrolments_loaded().filter(submission_id=event.submission_id).order_by("pk")
    )
    if guardian is None or not enrolments:
        return
    message_write(
        kind="enrolment_received",
        event="enrolment-received",
        object_id=event.submission_id,
        # The one mail before the enroller confirmed their address: the confirmation link.
        recipient=guardian_recipient(guardian, first_contact=True),
        context={
            "group": enrolments[0].group,
            "enrolments": enrolments,
            "confirm_url": link_url(event.confirm_token),
        },
        reply_to=reply_to_of(enrolments[0]),
    )


def on_email_confirmed(event: enrolment_events.EmailConfirmed) -> None:
    """The enroller confirmed their address: what was held back and still applies is written
    now. `email_confirm` announces this last, so the states are current: a child still on the
    waitlist gets its position (under the key the held-back mail would have had, so a replay
    writes nothing twice); a child offered a seat in the same step has the offer instead
    (SeatOffered). Other guardians' consent requests come from the ConsentRequested events
    of the same step, each the first mail to that guardian's address."""
    enroller = Guardian.objects.filter(pk=event.guardian_id, is_enroller=True).first()
    if enroller is None:
        return
    waiting = enrolments_loaded().filter(
        submission_id=event.submission_id, status=EnrolmentStatus.WAITLISTED
    )
    for enrolment in waiting.order_by("pk"):
        write_to_guardian(
            "waitlisted",
            "waitlisted",
            enrolment,
            enroller,
            position=waitlist_position(enrolment),
        )
    if event.duplicate_ids:
        _tell_first_family_of_duplicates(event.duplicate_ids)


def _tell_first_family_of_duplicates(duplicate_ids: tuple[int, ...]) -> None:
    """A child of this submission was enrolled already by another family (or the same one):
    that family's enroller hears in neutral words that a second enrolment came in, with
    nothing of what the second submitter typed. Only now that the second submitter has
    confirmed their address: an unconfirmed post makes no mail to anyone but its sender."""
    duplicates = Enrolment.objects.filter(
        pk__in=duplicate_ids, possible_duplicate=True, status__in=ACTIVE
    ).order_by("pk")
    for duplicate in duplicates:
        original = duplicate_original(duplicate)
        if original is None:
            continue
        write_to_guardian(
            "duplicate_notice",
            "duplicate-notice",
            original,
            enroller_of(original),
            revision=f"duplicate-{duplicate.pk}",
        )


def on_consent_requested(event: enrolment_events.ConsentRequested) -> None:
    """Another guardian's consent request is the first mail to an address the enroller
    typed: it names nobody (no enroller's or recipient's name), only the child's first name.
    The child's own link goes to the enroller, whose address is confirmed by then."""
    enrolment = load_enrolment(event.enrolment_id)
    guardian = Guardian.objects.filter(pk=event.guardian_id).first()
    if enrolment is None or guardian is None:
        return
    # One request for all the siblings that need this guardian's consent: their first names.
    children = [enrolment.child.first_name]
    if len(event.enrolment_ids) > 1:
        children = list(
            Enrolment.objects.filter(pk__in=event.enrolment_ids)
            .order_by("pk")
            .values_list("child__first_name", flat=True)
        )
    write_to_guardian(
        "consent_request_child" if event.for_child else "consent_request",
        "child-consent-requested" if event.for_child else "consent-requested",
        enrolment,
        guardian,
        first_contact=not event.for_child,
        consent_url=link_url(event.token),
        children=children,
    )


def on_consent_request_resent(event: enrolment_events.ConsentRequestResent) -> None:
    """The school sent a missing consent's request again: the fresh link goes as a reminder
    (the child's own link to the enroller, to pass on), once per link."""
    enrolment = load_enrolment(event.enrolment_id)
    guardian = Guardian.objects.filter(pk=event.guardian_id).first()
    if enrolment is None or guardian is None:
        return
    if guardian.is_enroller and guardian.email_confirmed_at is None and not event.for_child:
        # Their confirmation link again: like the first mail, the only one before they confirm.
        message_write(
            kind="consent_reminder",
            event="consent-resent",
            object_id=enrolment.pk,
            recipient=guardian_recipient(guardian, first_contact=True),
            revision=AccessLink.hash(event.token)[:12],
            context=enrolment_context(enrolment, consent_url=link_url(event.token)),
            reply_to=reply_to_of(enrolment),
        )
        return
    write_to_guardian(
        "consent_request_child" if event.for_child else "consent_reminder",
        "child-consent-resent" if event.for_child else "consent-resent",
        enrolment,
        guardian,
        revision=AccessLink.hash(event.token)[:12],
        first_contact=not event.for_child and guardian.email_confirmed_at is None,
        consent_url=link_url(event.token),
    )


def _confirmation_follows(enrolment: Enrolment) -> bool:
    """True when this consent completes the enrolment and it is confirmed in the same
    transaction: the invitation then tells the enroller everything."""
    if enrolment.status != EnrolmentStatus.AWAITING_CONSENT:
        return False
    if not consent_state(enrolment)["complete"]:
        return False
    if enrolment.group.programme.requires_intake:
        intake = getattr(enrolment, "intake", None)
        return intake is not None and intake.outcome == IntakeOutcome.SUITABLE
    return True


def on_consent_given(event: enrolment_events.ConsentGiven) -> None:
    enrolment = load_enrolment(event.enrolment_id)
    if enrolment is None:
        return
    enroller = enroller_of(enrolment)
    if enroller is None or event.guardian_id == enroller.pk:
        return  # the enroller just gave it themselves, on the page that confirms it
    if _confirmation_follows(enrolment):
        return
    giver = Guardian.objects.filter(pk=event.guardian_id).first() if event.guardian_id else None
    write_to_guardian(
        "consent_given",
        "consent-given",
        enrolment,
        enroller,
        revision=f"guardian-{event.guardian_id}" if event.guardian_id else "child",
        giver_name=giver.name if giver else "",
        complete=consent_state(enrolment)["complete"],
    )


def on_consent_refused(event: enrolment_events.ConsentRefused) -> None:
    """In neutral words, to the guardians who took part in the consent: the enroller and
    whoever was asked or answered. A parent who was never asked does not learn of it here."""
    enrolment = load_enrolment(event.enrolment_id)
    if enrolment is None:
        return
    # A guardian's consent link covers the submission's children (siblings on one page).
    involved = set(
        AccessLink.objects.filter(
            submission_id=enrolment.submission_id, purpose=LinkPurpose.CONSENT
        ).values_list("guardian_id", flat=True)
    ) | set(
        Consent.objects.filter(enrolment=enrolment, guardian__isnull=False).values_list(
            "guardian_id", flat=True
        )
    )
    guardians = list(guardians_of(enrolment))
    enroller = next((g for g in guardians if g.is_enroller), None)
    for guardian in guardians:
        if guardian.is_enroller or guardian.pk in involved:
            write_to_guardian(
                "consent_refused", "consent-refused", enrolment, guardian, enroller=enroller
            )


def on_consent_withdrawn(event: enrolment_events.ConsentWithdrawn) -> None:
    """In neutral words: who withdrew is not named, only that consent was withdrawn and
    whether the child still takes part. The other guardians hear it, and so do the
    coordinators of the pupil's school. The guardian who withdrew gets a receipt instead,
    once: what they withdrew, when, and whether the child still takes part. When the child
    ended after being confirmed, every guardian's message carries the calendar's
    cancellation (the receipt too)."""
    enrolment = load_enrolment(event.enrolment_id)
    if enrolment is None:
        return
    group = enrolment.group
    revision = f"guardian-{event.guardian_id}" if event.guardian_id else "child"
    cancel = event.ended and event.was_confirmed
    calendar_parts = {
        "calendar_cancelled": cancel,
        "ics": calendar_for(calendar.group_cancellation, group=group) if cancel else None,
        "ics_method": CANCEL if cancel else "",
        "meetings": calendar.parent_meetings_of(group) if cancel else (),
    }
    others = guardians_of(enrolment).exclude(email="")
    if event.guardian_id is not None:
        others = others.exclude(pk=event.guardian_id)
        _consent_withdrawn_receipt(enrolment, event, revision=revision, **calendar_parts)
    for guardian in mailable_guardians(others).order_by("pk"):
        write_to_guardian(
            "consent_withdrawn",
            "consent-withdrawn",
            enrolment,
            guardian,
            revision=revision,
            ended=event.ended,
            by_child=event.guardian_id is None,
            **calendar_parts,
        )
    school = enrolment.child.school
    for user in school.coordinators.exclude(email="").order_by("pk"):
        message_write(
            kind="consent_withdrawn_coordinator",
            event="consent-withdrawn-coordinator",
            object_id=enrolment.pk,
            recipient=user_recipient(user),
            revision=revision,
            context={
                **enrolment_context(enrolment),
                "school": school,
                "grade": enrolment.child.grade,
                "ended": event.ended,
            },
            reply_to=reply_to_of(enrolment),
        )


def _consent_withdrawn_receipt(
    enrolment: Enrolment,
    event: enrolment_events.ConsentWithdrawn,
    *,
    revision: str,
    **calendar_parts: Any,
) -> None:
    """The receipt to the guardian who withdrew their consent, in our words only."""
    withdrawer = guardians_of(enrolment).filter(pk=event.guardian_id).exclude(email="").first()
    if withdrawer is None:
        return
    withdrawn_at = (
        Consent.objects.filter(enrolment=enrolment, guardian_id=withdrawer.pk)
        .exclude(withdrawn_at=None)
        .values_list("withdrawn_at", flat=True)
        .first()
    )
    write_to_guardian(
        "consent_withdrawn_receipt",
        "consent-withdrawn-receipt",
        enrolment,
        withdrawer,
        revision=revision,
        ended=event.ended,
        withdrawn_at=withdrawn_at,
        **calendar_parts,
    )


def on_guardian_email_change_requested(
    event: enrolment_events.GuardianEmailChangeRequested,
) -> None:
    """The link to confirm a new address goes to that address only, naming nobody (like a
    first mail to an address someone typed); until it is confirmed, mail goes to the old one."""
    guardian = Guardian.objects.filter(pk=event.guardian_id).first()
    if guardian is None or not event.new_email:
        return
    language = guardian.language if guardian.language in ("nl", "en") else "nl"
    message_write(
        kind="email_change",
        event="email-change",
        object_id=guardian.pk,
        recipient=Recipient(f"guardian-{guardian.pk}", event.new_email, "", language),
        revision=AccessLink.hash(event.token)[:12],
        context={"confirm_url": link_url(event.token)},
    )


def on_seat_confirmed(event: enrolment_events.SeatConfirmed) -> None:
    enrolment = load_enrolment(event.enrolment_id)
    if enrolment is None:
        return
    group = enrolment.group
    schedule = schedule_of(group)
    for guardian in mailable_guardians(guardians_of(enrolment).exclude(email="")):
        write_to_guardian(
            "invitation",
            "seat-confirmed",
            enrolment,
            guardian,
            ics=invitation_for(group),
            ics_method=REQUEST,
            meetings=calendar.parent_meetings_of(group),
            **schedule,
        )


def on_waitlisted(event: enrolment_events.Waitlisted) -> None:
    enrolment = event.enrolment or load_enrolment(event.enrolment_id)
    if enrolment is not None:
        enroller = event.enroller or enroller_of(enrolment)
        write_to_guardian("waitlisted", "waitlisted", enrolment, enroller, position=event.position)


def on_seat_offered(event: enrolment_events.SeatOffered) -> None:
    enrolment = load_enrolment(event.enrolment_id)
    guardian = Guardian.objects.filter(pk=event.guardian_id).first()
    if enrolment is None:
        return
    expires = enrolment.offer_expires_at
    write_to_guardian(
        "seat_offered",
        "seat-offered",
        enrolment,
        guardian,
        revision=int(expires.timestamp()) if expires else 0,
        offer_url=link_url(event.token),
        expires_at=expires,
    )


def on_offer_expired(event: enrolment_events.OfferExpired) -> None:
    enrolment = load_enrolment(event.enrolment_id)
    if enrolment is not None:
        write_to_guardian("offer_expired", "offer-expired", enrolment, enroller_of(enrolment))


def on_withdrawn(event: enrolment_events.Withdrawn) -> None:
    """The enroller hears of it. A child who had been confirmed leaves every guardian's
    calendar too: they all had the invitation, so they all get it with the cancellation
    (unless a sibling stays in the same group)."""
    enrolment = load_enrolment(event.enrolment_id)
    if enrolment is None:
        return
    group = enrolment.group
    sibling_stays = (
        Enrolment.objects.filter(
            submission_id=enrolment.submission_id, group=group, status=EnrolmentStatus.CONFIRMED
        )
        .exclude(pk=enrolment.pk)
        .exists()
    )
    if enrolment.confirmed_at is None or sibling_stays:
        write_to_guardian("withdrawn", "withdrawn", enrolment, enroller_of(enrolment))
        return
    for guardian in mailable_guardians(guardians_of(enrolment).exclude(email="")):
        write_to_guardian(
            "withdrawn",
            "withdrawn",
            enrolment,
            guardian,
            ics=calendar_for(calendar.group_cancellation, group=group),
            ics_method=CANCEL,
            meetings=calendar.parent_meetings_of(group),
        )


def on_duplicate_merged(event: enrolment_events.DuplicateMerged) -> None:
    """The second family hears that their enrolment joined the first; when the child is
    enrolled already, the message brings the group's calendar (they had none of it)."""
    duplicate = load_enrolment(event.enrolment_id)
    original = load_enrolment(event.original_id)
    if duplicate is None or original is None:
        return
    confirmed = original.status == EnrolmentStatus.CONFIRMED
    group = original.group
    for guardian in mailable_guardians(guardians_of(duplicate).exclude(email="")):
        write_to_guardian(
            "duplicate_merged",
            "duplicate-merged",
            duplicate,
            guardian,
            confirmed=confirmed,
            ics=invitation_for(group) if confirmed else None,
            ics_method=REQUEST if confirmed else "",
            meetings=calendar.parent_meetings_of(group) if confirmed else (),
        )


def on_erased(event: enrolment_events.Erased) -> None:
    """The enroller hears that the data is gone. The erasure may have blanked the guardians'
    details already; the event then carries the address and language they had."""
    enrolment = load_enrolment(event.enrolment_id)
    if enrolment is None:
        return
    enroller = enroller_of(enrolment)
    if enroller is None or not may_mail(enroller):
        return
    message_write(
        kind="erased",
        event="erased",
        object_id=enrolment.pk,
        recipient=Recipient(
            f"guardian-{enroller.pk}",
            enroller.email or event.notify_email,
            enroller.name,
            event.notify_language or enroller.language,
        ),
        context={"group": enrolment.group, "enrolment": enrolment},
        reply_to=reply_to_of(enrolment),
    )


def on_absent_twice(event: enrolment_events.AbsentTwice) -> None:
    enrolment = load_enrolment(event.enrolment_id)
    if enrolment is None:
        return
    absences = list(
        Attendance.objects.filter(enrolment=enrolment, status=AttendanceStatus.ABSENT)
        .select_related("session")
        .order_by("session__starts_at")
    )
    school = enrolment.child.school
    for user in school.coordinators.exclude(email="").order_by("pk"):
        message_write(
            kind="absent_twice",
            event="absent-twice",
            object_id=enrolment.pk,
            recipient=user_recipient(user),
            revision=len(absences),
            context={
                **enrolment_context(enrolment),
                "school": school,
                "grade": enrolment.child.grade,
                "absent_on": [a.session.starts_at for a in absences[-2:]],
            },
            reply_to=reply_to_of(enrolment),
        )

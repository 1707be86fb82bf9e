"""Listeners: every domain event that someone should hear about becomes outbox rows.

Each listener runs inside the transaction of the change that emitted the event (see
`core.domain_events`), loads what it needs by id, and writes one outbox row per recipient
through `messages.message_write`. The outbox key is (event, object id, recipient,
revision), so an event that is replayed writes no second message, while a later change of
the same object (a higher session revision, a new offer) does.

Who hears what:

The first mail to an address someone typed names nobody but the child by first name:
"received" to the enroller, the consent request to another guardian (`first_contact`, see
`messages.guardian_recipient`).

Until the enroller has confirmed their address, the confirmation mail ("received") is the
only mail written for a submission: to no guardian of it goes anything else (`may_mail`,
the one home of that rule; `mailable_guardians` says the same of a query). What was held
back and still applies is written when they confirm (`on_email_confirmed`).

- enrolment: the enrolling guardian gets "received" (with the confirmation link), the
  waitlist position, offers (with the offer link and its expiry), an expired offer, a
  withdrawal (every guardian, with the calendar's cancellation, once the child had been
  confirmed) and the erasure of the data; each other guardian whose consent is needed gets
  the consent request (the enroller gets the child's own consent link); a consent that
  leaves the enrolment still waiting is reported to the enroller (a consent that completes
  it is answered by the invitation itself); a refusal goes, in neutral words, to the
  guardians who were part of the consent (the enroller and whoever was asked);
- confirmed: every guardian of the submission gets the invitation with the group's
  calendar (REQUEST);
- schedule changes: every guardian of a confirmed child and every trainer of the group
  gets the update with a calendar file (REQUEST or CANCEL as the change asks);
- trainers: assigned (the group's calendar) or removed (its cancellation);
- twice absent: the coordinators of the pupil's school;
- a locked log-in: the account's owner, once per lock (the moment and that it was locked,
  nothing of what was typed or from where).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Sum

from core.domain_events import subscribe
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
from notifications.messages import (
    Recipient,
    guardian_recipient,
    link_url,
    message_write,
    reply_to_for,
    trainer_recipient,
    user_recipient,
)
from programmes import events as programme_events
from programmes.models import Trainer, reply_to_subquery
from scheduler import events as scheduler_events
from scheduler.models import Group, GroupStatus, Session, SessionKind, SessionStatus

REQUEST = "REQUEST"
CANCEL = "CANCEL"

# --- loading ---------------------------------------------------------------------------


def _enrolments() -> Any:
    """Enrolments with what every message about them shows, and their reply-to address.

    The submission is not joined: only its id is needed (`_guardians_of`)."""
    return Enrolment.objects.select_related(
        "child", "group__programme", "group__host_school"
    ).annotate(host_reply_to=reply_to_subquery("group__host_school"))


def _enrolment(enrolment_id: int) -> Enrolment | None:
    # A primary-key look-up needs no ORDER BY (which `.first()` would add).
    return next(iter(_enrolments().filter(pk=enrolment_id).order_by()), None)


def _guardians_of(enrolment: Enrolment) -> Any:
    """The guardians of the enrolment's submission, enroller first."""
    return Guardian.objects.filter(submission_id=enrolment.submission_id)


def _reply_to(enrolment: Enrolment) -> str:
    """The reply-to of the group's host school, loaded with the enrolment when it could be
    (else looked up once and kept on the object for the next message about it)."""
    preloaded = getattr(enrolment, "host_reply_to", None)
    if preloaded is None:  # a group locked for a new enrolment brings it along
        preloaded = getattr(enrolment.group, "host_reply_to", None)
    if preloaded is None:
        preloaded = enrolment.host_reply_to = reply_to_for(enrolment.group.host_school)
    return preloaded


def _enroller(enrolment: Enrolment) -> Guardian | None:
    return next(iter(_guardians_of(enrolment).filter(is_enroller=True).order_by()), None)


def _group(group_id: int) -> Group | None:
    return Group.objects.select_related("programme", "host_school").filter(pk=group_id).first()


def _session(session_id: int) -> Session | None:
    return (
        Session.objects.select_related("group__programme", "group__host_school")
        .filter(pk=session_id)
        .first()
    )


def _schedule(group: Group) -> dict[str, list[Session]]:
    sessions = list(group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("starts_at"))
    return {
        "child_sessions": [s for s in sessions if s.kind == SessionKind.CHILD],
        "parent_meetings": [s for s in sessions if s.kind == SessionKind.PARENT],
    }


def group_revision(group: Group) -> int:
    """A number that rises with every change to the group's sessions (and its trainers:
    replacing a trainer bumps the coming sessions)."""
    return group.sessions.aggregate(total=Sum("revision"))["total"] or 0


# --- who may be mailed ------------------------------------------------------------------


def may_mail(guardian: Guardian, *, enroller: Guardian | None = None) -> bool:
    """Whether a message (other than the confirmation mail) may go to `guardian`: only once
    the enroller of their submission has confirmed their own address. Before that, the
    addresses of a submission are only what someone typed, perhaps someone else's.

    `enroller`, when the caller has it loaded, saves a query for another guardian."""
    if guardian.is_enroller:
        enroller = guardian
    if enroller is None:
        return mailable_guardians(Guardian.objects.filter(pk=guardian.pk)).exists()
    return enroller.email_confirmed_at is not None


def mailable_guardians(guardians: Any) -> Any:
    """`may_mail` for a query of guardians."""
    return guardians.filter(
        Exists(
            Guardian.objects.filter(
                submission_id=OuterRef("submission_id"),
                is_enroller=True,
                email_confirmed_at__isnull=False,
            )
        )
    )


def _enrolment_context(enrolment: Enrolment, **extra: Any) -> dict[str, Any]:
    return {
        "group": enrolment.group,
        "enrolment": enrolment,
        "child": enrolment.child.first_name,
        **extra,
    }


def _write_to_guardian(
    kind: str,
    event: str,
    enrolment: Enrolment,
    guardian: Guardian | None,
    *,
    revision: Any = 0,
    ics: Callable[[Recipient], str] | None = None,
    ics_method: str = "",
    meetings: Sequence[Session] = (),
    first_contact: bool = False,
    enroller: Guardian | None = None,
    **extra: Any,
) -> Any:
    if guardian is None or not may_mail(guardian, enroller=enroller):
        return None
    return message_write(
        meetings=meetings,
        kind=kind,
        event=event,
        object_id=enrolment.pk,
        recipient=guardian_recipient(guardian, first_contact=first_contact),
        revision=revision,
        context=_enrolment_context(enrolment, **extra),
        reply_to=_reply_to(enrolment),
        ics=ics,
        ics_method=ics_method,
    )


def _calendar_for(make: Callable[..., str], **about: Any) -> Callable[[Recipient], str]:
    """The recipient's own calendar file: iTIP wants them as the only attendee."""
    return lambda r: make(recipient_email=r.email, recipient_name=r.name, **about)


def _invitation(group: Group) -> Callable[[Recipient], str]:
    return _calendar_for(calendar.group_invitation, group=group)


# --- enrolment -------------------------------------------------------------------------


def on_enrolment_received(event: enrolment_events.EnrolmentReceived) -> None:
    # The service hands along what it just wrote; a replayed event loads it.
    guardian = event.guardian or next(
        iter(Guardian.objects.filter(pk=event.guardian_id).order_by()), None
    )
    enrolments = list(event.enrolments) or list(
        _enrolments().filter(submission_id=event.submission_id).order_by("pk")
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
        reply_to=_reply_to(enrolments[0]),
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
    waiting = _enrolments().filter(
        submission_id=event.submission_id, status=EnrolmentStatus.WAITLISTED
    )
    for enrolment in waiting.order_by("pk"):
        _write_to_guardian(
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
        _write_to_guardian(
            "duplicate_notice",
            "duplicate-notice",
            original,
            _enroller(original),
            revision=f"duplicate-{duplicate.pk}",
        )


def on_consent_requested(event: enrolment_events.ConsentRequested) -> None:
    """Another guardian's consent request is the first mail to an address the enroller
    typed: it names nobody (no enroller's or recipient's name), only the child's first name.
    The child's own link goes to the enroller, whose address is confirmed by then."""
    enrolment = _enrolment(event.enrolment_id)
    guardian = Guardian.objects.filter(pk=event.guardian_id).first()
    if enrolment is None or guardian is None:
        return
    _write_to_guardian(
        "consent_request_child" if event.for_child else "consent_request",
        "child-consent-requested" if event.for_child else "consent-requested",
        enrolment,
        guardian,
        first_contact=not event.for_child,
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
    enrolment = _enrolment(event.enrolment_id)
    if enrolment is None:
        return
    enroller = _enroller(enrolment)
    if enroller is None or event.guardian_id == enroller.pk:
        return  # the enroller just gave it themselves, on the page that confirms it
    if _confirmation_follows(enrolment):
        return
    giver = Guardian.objects.filter(pk=event.guardian_id).first() if event.guardian_id else None
    _write_to_guardian(
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
    enrolment = _enrolment(event.enrolment_id)
    if enrolment is None:
        return
    involved = set(
        AccessLink.objects.filter(enrolment=enrolment, purpose=LinkPurpose.CONSENT).values_list(
            "guardian_id", flat=True
        )
    ) | set(
        Consent.objects.filter(enrolment=enrolment, guardian__isnull=False).values_list(
            "guardian_id", flat=True
        )
    )
    guardians = list(_guardians_of(enrolment))
    enroller = next((g for g in guardians if g.is_enroller), None)
    for guardian in guardians:
        if guardian.is_enroller or guardian.pk in involved:
            _write_to_guardian(
                "consent_refused", "consent-refused", enrolment, guardian, enroller=enroller
            )


def on_seat_confirmed(event: enrolment_events.SeatConfirmed) -> None:
    enrolment = _enrolment(event.enrolment_id)
    if enrolment is None:
        return
    group = enrolment.group
    schedule = _schedule(group)
    for guardian in mailable_guardians(_guardians_of(enrolment).exclude(email="")):
        _write_to_guardian(
            "invitation",
            "seat-confirmed",
            enrolment,
            guardian,
            ics=_invitation(group),
            ics_method=REQUEST,
            meetings=calendar.parent_meetings_of(group),
            **schedule,
        )


def on_waitlisted(event: enrolment_events.Waitlisted) -> None:
    enrolment = event.enrolment or _enrolment(event.enrolment_id)
    if enrolment is not None:
        enroller = event.enroller or _enroller(enrolment)
        _write_to_guardian("waitlisted", "waitlisted", enrolment, enroller, position=event.position)


def on_seat_offered(event: enrolment_events.SeatOffered) -> None:
    enrolment = _enrolment(event.enrolment_id)
    guardian = Guardian.objects.filter(pk=event.guardian_id).first()
    if enrolment is None:
        return
    expires = enrolment.offer_expires_at
    _write_to_guardian(
        "seat_offered",
        "seat-offered",
        enrolment,
        guardian,
        revision=int(expires.timestamp()) if expires else 0,
        offer_url=link_url(event.token),
        expires_at=expires,
    )


def on_offer_expired(event: enrolment_events.OfferExpired) -> None:
    enrolment = _enrolment(event.enrolment_id)
    if enrolment is not None:
        _write_to_guardian("offer_expired", "offer-expired", enrolment, _enroller(enrolment))


def on_withdrawn(event: enrolment_events.Withdrawn) -> None:
    """The enroller hears of it. A child who had been confirmed leaves every guardian's
    calendar too: they all had the invitation, so they all get it with the cancellation
    (unless a sibling stays in the same group)."""
    enrolment = _enrolment(event.enrolment_id)
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
        _write_to_guardian("withdrawn", "withdrawn", enrolment, _enroller(enrolment))
        return
    for guardian in mailable_guardians(_guardians_of(enrolment).exclude(email="")):
        _write_to_guardian(
            "withdrawn",
            "withdrawn",
            enrolment,
            guardian,
            ics=_calendar_for(calendar.group_cancellation, group=group),
            ics_method=CANCEL,
            meetings=calendar.parent_meetings_of(group),
        )


def on_duplicate_merged(event: enrolment_events.DuplicateMerged) -> None:
    """The second family hears that their enrolment joined the first; when the child is
    enrolled already, the message brings the group's calendar (they had none of it)."""
    duplicate = _enrolment(event.enrolment_id)
    original = _enrolment(event.original_id)
    if duplicate is None or original is None:
        return
    confirmed = original.status == EnrolmentStatus.CONFIRMED
    group = original.group
    for guardian in mailable_guardians(_guardians_of(duplicate).exclude(email="")):
        _write_to_guardian(
            "duplicate_merged",
            "duplicate-merged",
            duplicate,
            guardian,
            confirmed=confirmed,
            ics=_invitation(group) if confirmed else None,
            ics_method=REQUEST if confirmed else "",
            meetings=calendar.parent_meetings_of(group) if confirmed else (),
        )


def on_erased(event: enrolment_events.Erased) -> None:
    """The enroller hears that the data is gone. The erasure may have blanked the guardians'
    details already; the event then carries the address and language they had."""
    enrolment = _enrolment(event.enrolment_id)
    if enrolment is None:
        return
    enroller = _enroller(enrolment)
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
        reply_to=_reply_to(enrolment),
    )


def on_absent_twice(event: enrolment_events.AbsentTwice) -> None:
    enrolment = _enrolment(event.enrolment_id)
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
                **_enrolment_context(enrolment),
                "school": school,
                "grade": enrolment.child.grade,
                "absent_on": [a.session.starts_at for a in absences[-2:]],
            },
            reply_to=_reply_to(enrolment),
        )


# --- schedule changes ------------------------------------------------------------------


def confirmed_families(group: Group) -> list[tuple[Recipient, list[str]]]:
    """Every guardian (with an address) of a confirmed child of the group, with the first
    names of their children in it."""
    confirmed = list(
        Enrolment.objects.filter(group=group, status=EnrolmentStatus.CONFIRMED)
        .select_related("child")
        .order_by("pk")
    )
    children: dict[int, list[str]] = {}
    for enrolment in confirmed:
        children.setdefault(enrolment.submission_id, []).append(enrolment.child.first_name)
    guardians = mailable_guardians(
        Guardian.objects.filter(submission_id__in=list(children)).exclude(email="")
    ).order_by("pk")
    return [(guardian_recipient(g), children[g.submission_id]) for g in guardians]


def group_trainers(group: Group) -> list[Recipient]:
    trainers = Trainer.objects.filter(groups=group).select_related("user").order_by("pk")
    return [trainer_recipient(t) for t in trainers if t.user.email]


def _audience(group: Group) -> list[tuple[Recipient, list[str]]]:
    return confirmed_families(group) + [(t, []) for t in group_trainers(group)]


def _write_schedule_change(
    *,
    kind: str,
    event: str,
    object_id: int,
    revision: int,
    group: Group,
    ics: Callable[[Recipient], str],
    ics_method: str,
    meetings: Sequence[Session] = (),
    **extra: Any,
) -> None:
    reply_to = reply_to_for(group.host_school)
    for recipient, children in _audience(group):
        message_write(
            meetings=meetings,
            kind=kind,
            event=event,
            object_id=object_id,
            recipient=recipient,
            revision=revision,
            context={"group": group, "children": children, **extra},
            reply_to=reply_to,
            ics=ics,
            ics_method=ics_method,
        )


def on_session_moved(event: scheduler_events.SessionMoved) -> None:
    session = _session(event.session_id)
    if session is None or session.group.is_cancelled:
        return
    _write_schedule_change(
        kind="session_moved",
        event="session-moved",
        object_id=session.pk,
        revision=event.revision,
        group=session.group,
        ics=_calendar_for(calendar.session_update, session=session),
        ics_method=REQUEST,
        session=session,
        old_starts_at=event.old_starts_at,
    )


def on_session_cancelled(event: scheduler_events.SessionCancelled) -> None:
    session = _session(event.session_id)
    if session is None or session.group.is_cancelled:
        return
    replacement = Session.objects.filter(pk=event.replacement_id).first()
    _write_schedule_change(
        kind="session_cancelled",
        event="session-cancelled",
        object_id=session.pk,
        revision=event.revision,
        group=session.group,
        ics=_calendar_for(calendar.session_cancellation, session=session),
        ics_method=CANCEL,
        session=session,
        replacement=replacement,
    )


def on_session_added(event: scheduler_events.SessionAdded) -> None:
    session = _session(event.session_id)
    if session is None or session.group.is_cancelled:
        return
    _write_schedule_change(
        kind="session_added",
        event="session-added",
        object_id=session.pk,
        revision=event.revision,
        group=session.group,
        ics=_calendar_for(calendar.session_update, session=session),
        ics_method=REQUEST,
        session=session,
    )


def on_group_cancelled(event: scheduler_events.GroupCancelled) -> None:
    """Confirmed families and trainers get the calendar cancellation; families still waiting
    (for consent, an offer, a waitlist seat) get the same news without a calendar file."""
    group = _group(event.group_id)
    if group is None:
        return
    _write_schedule_change(
        kind="group_cancelled",
        event="group-cancelled",
        object_id=group.pk,
        revision=0,
        group=group,
        ics=_calendar_for(calendar.group_cancellation, group=group),
        ics_method=CANCEL,
        meetings=calendar.parent_meetings_of(group),
    )
    waiting = list(
        _enrolments()
        .filter(
            group=group,
            status__in=[
                EnrolmentStatus.AWAITING_CONSENT,
                EnrolmentStatus.AWAITING_INTAKE,
                EnrolmentStatus.OFFERED,
                EnrolmentStatus.WAITLISTED,
            ],
        )
        .order_by("pk")
    )
    guardians_of: dict[int, list[Guardian]] = {}
    # One query for the guardians of every waiting family (in the default order).
    for guardian in Guardian.objects.filter(
        submission_id__in={e.submission_id for e in waiting}
    ).exclude(email=""):
        guardians_of.setdefault(guardian.submission_id, []).append(guardian)
    for enrolment in waiting:
        family = guardians_of.get(enrolment.submission_id, [])
        enroller = next((g for g in family if g.is_enroller), None)
        for guardian in family:
            _write_to_guardian(
                "group_cancelled",
                "group-cancelled-waiting",
                enrolment,
                guardian,
                children=[enrolment.child.first_name],
                enroller=enroller,
            )


def _trainer_and_group(event: Any) -> tuple[Trainer | None, Group | None]:
    trainer = Trainer.objects.select_related("user").filter(pk=event.trainer_id).first()
    return trainer, _group(event.group_id)


def on_trainer_assigned(event: scheduler_events.TrainerAssigned) -> None:
    trainer, group = _trainer_and_group(event)
    if trainer is None or group is None or group.status == GroupStatus.CANCELLED:
        return
    message_write(
        kind="trainer_assigned",
        event="trainer-assigned",
        object_id=group.pk,
        recipient=trainer_recipient(trainer),
        revision=group_revision(group),
        context={"group": group, **_schedule(group)},
        reply_to=reply_to_for(group.host_school),
        ics=_invitation(group),
        ics_method=REQUEST,
        meetings=calendar.parent_meetings_of(group),
    )


def on_trainer_removed(event: scheduler_events.TrainerRemoved) -> None:
    trainer, group = _trainer_and_group(event)
    if trainer is None or group is None:
        return
    message_write(
        kind="trainer_removed",
        event="trainer-removed",
        object_id=group.pk,
        recipient=trainer_recipient(trainer),
        revision=group_revision(group),
        context={"group": group},
        reply_to=reply_to_for(group.host_school),
        ics=_calendar_for(calendar.group_cancellation, group=group),
        ics_method=CANCEL,
        meetings=calendar.parent_meetings_of(group),
    )


# --- accounts ---------------------------------------------------------------------------


def on_account_locked(event: programme_events.AccountLocked) -> None:
    user = get_user_model()._default_manager.filter(pk=event.user_id).first()
    if user is None:
        return
    message_write(
        kind="account_locked",
        event="account-locked",
        object_id=user.pk,
        recipient=user_recipient(user),
        # One message per lock: a lock is known by the moment it began.
        revision=int(event.locked_at.timestamp()),
        context={"locked_at": event.locked_at, "until": event.until},
    )


LISTENERS: list[tuple[type, Callable[[Any], None]]] = [
    (programme_events.AccountLocked, on_account_locked),
    (enrolment_events.EnrolmentReceived, on_enrolment_received),
    (enrolment_events.EmailConfirmed, on_email_confirmed),
    (enrolment_events.ConsentRequested, on_consent_requested),
    (enrolment_events.ConsentGiven, on_consent_given),
    (enrolment_events.ConsentRefused, on_consent_refused),
    (enrolment_events.SeatConfirmed, on_seat_confirmed),
    (enrolment_events.Waitlisted, on_waitlisted),
    (enrolment_events.SeatOffered, on_seat_offered),
    (enrolment_events.OfferExpired, on_offer_expired),
    (enrolment_events.Withdrawn, on_withdrawn),
    (enrolment_events.DuplicateMerged, on_duplicate_merged),
    (enrolment_events.Erased, on_erased),
    (enrolment_events.AbsentTwice, on_absent_twice),
    (scheduler_events.SessionMoved, on_session_moved),
    (scheduler_events.SessionCancelled, on_session_cancelled),
    (scheduler_events.SessionAdded, on_session_added),
    (scheduler_events.GroupCancelled, on_group_cancelled),
    (scheduler_events.TrainerAssigned, on_trainer_assigned),
    (scheduler_events.TrainerRemoved, on_trainer_removed),
]


def register() -> None:
    """Subscribe every listener (called once from `NotificationsConfig.ready`)."""
    for event_type, listener in LISTENERS:
        subscribe(event_type, listener)

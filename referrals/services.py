"""Every change to referrals, wijkteam workers and prevention talks.

Each service validates, saves inside one transaction and emits its events; pages, the API,
the admin and the Celery tasks call these and decide nothing themselves. Bad input raises
`ValidationError` with field messages and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.domain_events import emit
from core.tokens import new_token
from programmes import access
from programmes.models import EnrolmentMode, Programme, School
from referrals import events
from referrals.models import (
    OPEN_STATUSES,
    BookingStatus,
    Language,
    Referral,
    ReferralStatus,
    TalkBooking,
    TalkPlace,
    TalkSlot,
    WijkteamWorker,
    hash_token,
)
from referrals.selectors import referral_schools_of, slot_is_bookable
from scheduler.models import Group

NOTE_MAX = 500


def _now() -> dt.datetime:
    return timezone.now()


# --- wijkteam workers (the programme manager) ------------------------------------------


@transaction.atomic
def wijkteam_worker_create(
    *, user: AbstractBaseUser, schools: Iterable[School] = (), office_address: str = ""
) -> WijkteamWorker:
    """Give `user` the wijkteammedewerker role, serving `schools`. Refuses a user who
    already has it."""
    if WijkteamWorker.objects.filter(user=user).exists():
        raise ValidationError({"user": _("Deze gebruiker is al wijkteammedewerker.")})
    worker = WijkteamWorker.objects.create(user=user, office_address=office_address.strip())
    worker.schools.set(list(schools))
    return worker


@transaction.atomic
def wijkteam_worker_update(
    *,
    worker: WijkteamWorker,
    schools: Iterable[School] | None = None,
    office_address: str | None = None,
    active: bool | None = None,
) -> WijkteamWorker:
    """Change the schools, office address or active flag (inactive: the role ends)."""
    if office_address is not None:
        worker.office_address = office_address.strip()
    if active is not None:
        worker.active = active
    worker.save()
    if schools is not None:
        worker.schools.set(list(schools))
    return worker


def worker_feed_regenerate(*, worker: WijkteamWorker) -> str:
    """A new secret link to the worker's feed of booked talks; the old one stops working.
    Returns the token (kept only as a hash)."""
    token = new_token()
    WijkteamWorker.objects.filter(pk=worker.pk).update(feed_token_hash=hash_token(token))
    worker.feed_token_hash = hash_token(token)
    return token


def worker_feed_revoke(*, worker: WijkteamWorker) -> None:
    WijkteamWorker.objects.filter(pk=worker.pk).update(feed_token_hash="")
    worker.feed_token_hash = ""


# --- referrals --------------------------------------------------------------------------


def _refer_errors(
    *,
    referrer: Any,
    programme: Programme,
    school: School,
    group: Group | None,
    note: str,
    email: str,
    language: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not referral_schools_of(referrer).filter(pk=school.pk).exists():
        errors["school"] = _("U kunt alleen verwijzen naar een school waarvoor u werkt.")
    if not programme.active or programme.enrolment_mode != EnrolmentMode.INDIVIDUAL:
        errors["programme"] = _("Voor dit programma melden ouders zich niet zelf aan.")
    if group is not None and (
        group.programme_id != programme.pk
        or not (
            group.host_school_id == school.pk
            or group.admitted_schools.filter(pk=school.pk).exists()
        )
    ):
        errors["group"] = _("Deze groep hoort niet bij dit programma en deze school.")
    if len(note) > NOTE_MAX:
        errors["note"] = _("De notitie is te lang (hoogstens %(max)d tekens).") % {"max": NOTE_MAX}
    if not email:
        errors["email"] = _("Vul het e-mailadres van de ouder in.")
    if language not in Language.values:
        errors["language"] = _("Kies Nederlands of Engels.")
    return errors


@transaction.atomic
def referral_send(
    *,
    referrer: Any,
    programme: Programme,
    school: School,
    email: str,
    language: str = Language.DUTCH,
    group: Group | None = None,
    note: str = "",
) -> Referral:
    """Send a family a personal invitation (emits `ReferralSent` with the link's token).

    Refuses a school the referrer does not serve (a wijkteammedewerker's schools, a
    coordinator's own), a programme parents do not enrol in themselves, a group of another
    programme or school, a note over 500 characters, no address, an unknown language.
    """
    note = note.strip()
    email = email.strip().lower()
    errors = _refer_errors(
        referrer=referrer,
        programme=programme,
        school=school,
        group=group,
        note=note,
        email=email,
        language=language,
    )
    if errors:
        raise ValidationError(errors)
    now = _now()
    token = new_token()
    referral = Referral(
        referrer=referrer,
        programme=programme,
        school=school,
        group=group,
        note=note,
        email=email,
        language=language,
        token_hash=hash_token(token),
        created_at=now,
        sent_at=now,
        expires_at=now + dt.timedelta(days=settings.REFERRAL_LINK_DAYS),
    )
    referral.full_clean(exclude=["token_hash", "referrer"])
    referral.save()
    emit(events.ReferralSent(referral_id=referral.pk, revision=1, token=token))
    return referral


@transaction.atomic
def referral_resend(*, referral: Referral) -> Referral:
    """Send the invitation again with a new link (the old one stops working) and a new
    expiry date. Refuses a referral the family answered or that was revoked or erased."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in OPEN_STATUSES or referral.erased_at:
        raise ValidationError(
            {"referral": _("Deze uitnodiging is beantwoord of ingetrokken en gaat niet opnieuw.")}
        )
    now = _now()
    token = new_token()
    referral.token_hash = hash_token(token)
    referral.sent_at = now
    referral.expires_at = now + dt.timedelta(days=settings.REFERRAL_LINK_DAYS)
    referral.times_sent += 1
    referral.save(update_fields=["token_hash", "sent_at", "expires_at", "times_sent"])
    emit(events.ReferralSent(referral_id=referral.pk, revision=referral.times_sent, token=token))
    return referral


@transaction.atomic
def referral_revoke(*, referral: Referral) -> Referral:
    """Withdraw the invitation: its link stops working. Refuses an answered referral."""
    updated = Referral.objects.filter(pk=referral.pk, status__in=OPEN_STATUSES).update(
        status=ReferralStatus.REVOKED, answered_at=_now()
    )
    if not updated:
        raise ValidationError({"referral": _("Deze uitnodiging is al beantwoord of ingetrokken.")})
    referral.refresh_from_db()
    return referral


def referral_by_token(token: str) -> Referral:
    """The usable referral behind a link, or a ValidationError that says why not (the same
    words for an unknown and a revoked link, so a guessed token learns nothing)."""
    referral = (
        Referral.objects.select_related("programme", "school", "group", "referrer")
        .filter(token_hash=hash_token(token), erased_at__isnull=True)
        .first()
    )
    if referral is None or referral.status == ReferralStatus.REVOKED:
        raise ValidationError(_("Deze link werkt niet (meer)."), code="unknown")
    if referral.shown_status() == ReferralStatus.EXPIRED:
        raise ValidationError(_("Deze uitnodiging is verlopen."), code="expired")
    return referral


def referral_open(*, referral: Referral) -> None:
    """Record that the family opened their link (once; later opens change nothing)."""
    Referral.objects.filter(pk=referral.pk, status=ReferralStatus.SENT).update(
        status=ReferralStatus.OPENED, opened_at=_now()
    )


def referral_decline(*, referral: Referral) -> None:
    """The family says no thank you. Refuses nothing: declining twice is declining."""
    now = _now()
    Referral.objects.filter(pk=referral.pk, status__in=OPEN_STATUSES).update(
        status=ReferralStatus.DECLINED, answered_at=now, opened_at=referral.opened_at or now
    )


def referrals_mark_enrolled(*, email: str, pairs: Iterable[tuple[int, int]]) -> int:
    """Mark the referrals to `email` for the (programme, school) `pairs` as enrolled (see
    `referrals_mark_enrolled_matching`). Returns how many changed."""
    pair_filter = Q(pk__in=[])
    for programme_id, school_id in set(pairs):
        pair_filter |= Q(programme_id=programme_id, school_id=school_id)
    return referrals_mark_enrolled_matching(email=email.strip().lower(), matching=pair_filter)


def referrals_mark_enrolled_matching(*, email: Any, matching: Any) -> int:
    """Mark the referrals to `email` (a value or an expression) that `matching` (a filter on
    the referral's programme and school, e.g. an `Exists` over the enrolments just
    confirmed) selects as enrolled, in one UPDATE: called when an enrolment's address is
    confirmed. A referral that was open, declined or has expired changes; a revoked or
    erased one stays as it is. Returns how many changed."""
    return (
        Referral.objects.filter(matching)
        .filter(
            email=email,
            erased_at__isnull=True,
            status__in=[*OPEN_STATUSES, ReferralStatus.DECLINED],
        )
        .update(status=ReferralStatus.ENROLLED, answered_at=_now())
    )


# --- prevention talks -------------------------------------------------------------------


@transaction.atomic
def talk_slot_create(
    *,
    worker: WijkteamWorker,
    starts_at: dt.datetime,
    minutes: int = 45,
    place: str = TalkPlace.OFFICE,
    school: School | None = None,
    book_days_ahead: int = 14,
) -> TalkSlot:
    """Publish a time for a prevention talk. Refuses a time in the past, a school the
    worker does not serve, a school place without a school, and a time that overlaps
    another of the worker's open slots."""
    errors: dict[str, str] = {}
    if starts_at <= _now():
        errors["starts_at"] = _("Kies een tijd in de toekomst.")
    if place == TalkPlace.SCHOOL and school is None:
        errors["school"] = _("Kies de school waar het gesprek is.")
    if school is not None and not worker.schools.filter(pk=school.pk).exists():
        errors["school"] = _("U werkt niet voor deze school.")
    if not 10 <= minutes <= 240:
        errors["minutes"] = _("Een gesprek duurt tussen 10 en 240 minuten.")
    if not 1 <= book_days_ahead <= 90:
        errors["book_days_ahead"] = _("Kies tussen 1 en 90 dagen.")
    if not errors:
        ends_at = starts_at + dt.timedelta(minutes=minutes)
        overlapping = [
            slot
            for slot in worker.slots.filter(
                cancelled_at__isnull=True,
                starts_at__lt=ends_at,
                starts_at__gt=starts_at - dt.timedelta(hours=4),
            )
            if slot.ends_at > starts_at
        ]
        if overlapping:
            errors["starts_at"] = _("U heeft op dat moment al een gesprekstijd.")
    if errors:
        raise ValidationError(errors)
    return TalkSlot.objects.create(
        worker=worker,
        starts_at=starts_at,
        minutes=minutes,
        place=place,
        school=school,
        book_days_ahead=book_days_ahead,
    )


@transaction.atomic
def talk_slot_cancel(*, slot: TalkSlot) -> TalkSlot:
    """Take a slot back; its booking (if any) is cancelled and the parent told
    (`TalkCancelled` with `by_worker`)."""
    slot = TalkSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.cancelled_at is None:
        slot.cancelled_at = _now()
        slot.save(update_fields=["cancelled_at"])
    for booking in slot.bookings.filter(status=BookingStatus.BOOKED):
        _cancel(booking, by_worker=True)
    return slot


def _lock_free_slot(slot_id: int) -> TalkSlot:
    """Lock the slot row, then check it is still bookable and free: one lock per
    transaction, taken before counting (so twenty parents at once get one booking)."""
    slot = (
        TalkSlot.objects.select_for_update(of=("self",))
        .select_related("worker")
        .filter(pk=slot_id)
        .first()
    )
    if slot is None or not slot_is_bookable(slot, now=_now()):
        raise ValidationError({"slot": _("Deze tijd kan niet (meer) worden geboekt.")})
    if slot.bookings.filter(status=BookingStatus.BOOKED).exists():
        raise ValidationError(
            {"slot": _("Deze tijd is net door iemand anders geboekt. Kies een andere tijd.")},
            code="taken",
        )
    return slot


def talk_book(
    *,
    slot_id: int,
    email: str,
    name: str = "",
    language: str = Language.DUTCH,
    referral: Referral | None = None,
) -> tuple[TalkBooking, str]:
    """Book a slot for a parent (no account). Returns the booking and its secret link's
    token; emits `TalkBooked`. Refuses a slot that is taken, cancelled, past or not yet open
    for booking, a missing address and an unknown language. Two parents of one child book
    separate talks: nothing here links bookings to each other."""
    email = email.strip().lower()
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = _("Vul uw e-mailadres in.")
    if language not in Language.values:
        errors["language"] = _("Kies Nederlands of Engels.")
    if len(name) > 100:
        errors["name"] = _("De naam is te lang.")
    if errors:
        raise ValidationError(errors)
    token = new_token()
    try:
        with transaction.atomic():
            slot = _lock_free_slot(slot_id)
            booking = TalkBooking(
                slot=slot,
                referral=referral,
                name=name.strip(),
                email=email,
                language=language,
                token_hash=hash_token(token),
            )
            booking.full_clean(exclude=["token_hash", "slot", "referral"])
            booking.save()
            emit(events.TalkBooked(booking_id=booking.pk, token=token))
    except IntegrityError as error:  # the constraint's answer, should a lock be bypassed
        raise ValidationError(
            {"slot": _("Deze tijd is net door iemand anders geboekt. Kies een andere tijd.")},
            code="taken",
        ) from error
    return booking, token


def talk_booking_by_token(token: str) -> TalkBooking:
    booking = (
        TalkBooking.objects.select_related("slot__worker__user", "slot__school")
        .filter(token_hash=hash_token(token), erased_at__isnull=True)
        .first()
    )
    if booking is None:
        raise ValidationError(_("Deze link werkt niet (meer)."), code="unknown")
    return booking


@transaction.atomic
def talk_booking_move(*, booking: TalkBooking, slot_id: int, token: str) -> TalkBooking:
    """Move a booking to another free slot of the same worker: the same calendar UID with a
    higher SEQUENCE (emits `TalkMoved`). Refuses a cancelled or past booking and a slot that
    is not free or not the same worker's."""
    booking = TalkBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.BOOKED or booking.slot.starts_at <= _now():
        raise ValidationError({"slot": _("Dit gesprek kan niet meer worden verplaatst.")})
    if slot_id == booking.slot_id:
        return booking
    slot = _lock_free_slot(slot_id)
    if slot.worker_id != booking.slot.worker_id:
        raise ValidationError({"slot": _("Deze tijd kan niet (meer) worden geboekt.")})
    booking.slot = slot
    booking.sequence += 1
    booking.reminded_at = None  # the reminder is for the new day
    booking.save(update_fields=["slot", "sequence", "reminded_at"])
    emit(events.TalkMoved(booking_id=booking.pk, sequence=booking.sequence, token=token))
    return booking


def _cancel(booking: TalkBooking, *, by_worker: bool) -> None:
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = _now()
    booking.sequence += 1
    booking.save(update_fields=["status", "cancelled_at", "sequence"])
    emit(
        events.TalkCancelled(booking_id=booking.pk, sequence=booking.sequence, by_worker=by_worker)
    )


@transaction.atomic
def talk_booking_cancel(*, booking: TalkBooking) -> TalkBooking:
    """The parent cancels (emits `TalkCancelled`); cancelling twice changes nothing."""
    booking = TalkBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == BookingStatus.BOOKED:
        _cancel(booking, by_worker=False)
    return booking


def talk_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Announce `TalkReminderDue` once for every booked talk that starts tomorrow (Europe/
    Amsterdam). Safe to run many times: a conditional update claims each booking once."""
    now = now or _now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    sent = 0
    candidates = TalkBooking.objects.filter(
        status=BookingStatus.BOOKED,
        reminded_at__isnull=True,
        erased_at__isnull=True,
        slot__starts_at__date=tomorrow,
    ).values_list("pk", flat=True)
    for booking_id in list(candidates):
        with transaction.atomic():
            claimed = TalkBooking.objects.filter(pk=booking_id, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if claimed:
                emit(events.TalkReminderDue(booking_id=booking_id))
                sent += 1
    return sent


def may_refer(user: Any) -> bool:
    """A wijkteammedewerker or a school coordinator may send referrals."""
    return access.is_wijkteam(user) or access.is_coordinator(user)

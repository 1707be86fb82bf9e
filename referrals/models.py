"""Referrals and prevention talks: the ways a family is pointed to a programme.

- `WijkteamWorker`: the role of a jeugd- en gezinswerker of the sociaal wijkteam, made by the
  programme manager and linked to the schools they serve.
- `Referral`: a personal invitation to one family (a parent's e-mail address and language),
  for a programme at a school (optionally a group), with a short note. Nothing about the
  child. The link's token is kept only as a SHA-256 hash, expires, can be revoked and resent
  (a resend makes a new token, so the old link dies).
- `TalkSlot` and `TalkBooking`: the prevention talk. A worker publishes slots; a parent books
  one without an account. One slot holds at most one booking (a partial unique constraint,
  and the booking service locks the slot row first).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tokens import token_hash
from programmes.models import Programme, School
from scheduler.models import Group

hash_token = token_hash


class Language(models.TextChoices):
    DUTCH = "nl", _("Nederlands")
    ENGLISH = "en", _("Engels")


class WijkteamWorker(models.Model):
    """A jeugd- en gezinswerker: the role follows from an active row (programmes.access)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wijkteam_worker"
    )
    schools = models.ManyToManyField(
        School, blank=True, related_name="wijkteam_workers", verbose_name=_("scholen")
    )
    office_address = models.CharField(_("adres van het wijkteam"), max_length=200, blank=True)
    active = models.BooleanField(_("actief"), default=True)
    # The secret of her calendar feed of booked talks (a SHA-256; "" when she has none).
    feed_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("wijkteammedewerker")
        verbose_name_plural = _("wijkteammedewerkers")
        ordering = ["user__last_name", "user__first_name", "pk"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class ReferralStatus(models.TextChoices):
    """What the referrer sees: the stored states, plus "expired" read from the date."""

    SENT = "sent", _("verstuurd")
    OPENED = "opened", _("geopend")
    ENROLLED = "enrolled", _("aangemeld")
    DECLINED = "declined", _("afgeslagen")
    REVOKED = "revoked", _("ingetrokken")
    EXPIRED = "expired", _("verlopen")


# The states a parent's answer can still change.
OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.OPENED)


class Referral(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="referrals")
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    note = models.TextField(_("persoonlijke notitie"), max_length=500, blank=True)
    email = models.EmailField(_("e-mailadres van de ouder"), blank=True)
    language = models.CharField(
        _("taal"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    times_sent = models.PositiveSmallIntegerField(default=1)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verwijzing")
        verbose_name_plural = _("verwijzingen")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="referral_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s for s in ReferralStatus.values if s != "expired"]),
                name="referral_status_stored",
            ),
        ]
        indexes = [models.Index(fields=["email", "school", "programme"])]

    def __str__(self) -> str:
        return f"{self.programme_id}@{self.school_id} ({self.status})"

    def shown_status(self, now: object | None = None) -> str:
        """The status the referrer sees: an open referral past its date is "expired"."""
        moment = now or timezone.now()
        if self.status in OPEN_STATUSES and self.expires_at <= moment:  # type: ignore[operator]
            return ReferralStatus.EXPIRED
        return self.status

    def get_shown_status_display(self) -> str:
        return str(ReferralStatus(self.shown_status()).label)


class TalkPlace(models.TextChoices):
    SCHOOL = "school", _("op school")
    OFFICE = "office", _("op het kantoor van het wijkteam")
    VIDEO = "video", _("via video")
    PHONE = "phone", _("telefonisch")


class TalkSlot(models.Model):
    """A time a worker offers for a prevention talk."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    worker = models.ForeignKey(WijkteamWorker, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("begint om"))
    minutes = models.PositiveSmallIntegerField(_("duur in minuten"), default=45)
    place = models.CharField(_("plaats"), max_length=6, choices=TalkPlace.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="talk_slots"
    )
    book_days_ahead = models.PositiveSmallIntegerField(
        _("ouders kunnen zoveel dagen vooruit boeken"), default=14
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("gesprekstijd")
        verbose_name_plural = _("gesprekstijden")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=10, minutes__lte=240), name="talk_slot_sensible_length"
            ),
            models.CheckConstraint(
                condition=~Q(place="school") | Q(school__isnull=False),
                name="talk_slot_school_place_names_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("geboekt")
    CANCELLED = "cancelled", _("geannuleerd")


class TalkBooking(models.Model):
    """A parent's booking of one slot. No account, no child: an address, a name to address
    them by (optional) and a language. Its calendar UID stays the same when it moves."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(TalkSlot, on_delete=models.PROTECT, related_name="bookings")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    name = models.CharField(_("uw naam (niet verplicht)"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    language = models.CharField(
        _("taal"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("geboekt gesprek")
        verbose_name_plural = _("geboekte gesprekken")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status="booked"),
                name="talk_booking_one_per_slot",
                violation_error_message=_("Deze tijd is al geboekt."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.slot_id} ({self.status})"

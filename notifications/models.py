"""Data of the notifications app.

`OutboxMessage` is the transactional outbox: one row per e-mail, written in the
same database transaction as the change that causes it, and sent afterwards by
a Celery task (see `notifications.outbox`).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- outbox ---------------------------------------------------------------------------


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    INFLIGHT = "inflight", _("wordt verstuurd")
    AWAITING_RETRY = "awaiting_retry", _("wacht op nieuwe poging")
    FAILED = "failed", _("mislukt")
    SENT = "sent", _("verstuurd")
    # Never sent because the recipient's data was erased first (final, like sent).
    CANCELLED = "cancelled", _("geannuleerd (gegevens gewist)")


# The one place that says which status may follow which. `outbox.py` moves rows
# with conditional updates that respect these; the tests check them.
OUTBOX_TRANSITIONS: dict[str, frozenset[str]] = {
    OutboxStatus.QUEUED: frozenset({OutboxStatus.INFLIGHT, OutboxStatus.CANCELLED}),
    OutboxStatus.INFLIGHT: frozenset(
        {OutboxStatus.SENT, OutboxStatus.AWAITING_RETRY, OutboxStatus.FAILED}
    ),
    OutboxStatus.AWAITING_RETRY: frozenset(
        {OutboxStatus.INFLIGHT, OutboxStatus.QUEUED, OutboxStatus.CANCELLED}
    ),
    OutboxStatus.FAILED: frozenset({OutboxStatus.QUEUED, OutboxStatus.CANCELLED}),
    OutboxStatus.SENT: frozenset(),
    OutboxStatus.CANCELLED: frozenset(),
}

# States from which a worker may claim a row for sending.
OUTBOX_CLAIMABLE: tuple[str, ...] = (OutboxStatus.QUEUED, OutboxStatus.AWAITING_RETRY)
# States the manager may resend from.
OUTBOX_RESENDABLE: tuple[str, ...] = (OutboxStatus.FAILED, OutboxStatus.AWAITING_RETRY)


def sources_of(target: str) -> list[str]:
    """The statuses from which `target` may be reached, per `OUTBOX_TRANSITIONS`."""
    return [source for source, targets in OUTBOX_TRANSITIONS.items() if target in targets]


class IcsMethod(models.TextChoices):
    NONE = "", _("geen")
    REQUEST = "REQUEST", "REQUEST"
    CANCEL = "CANCEL", "CANCEL"


def _new_message_id() -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox-{uuid.uuid4()}@{domain}>"


class OutboxMessage(models.Model):
    """One e-mail to one recipient, waiting to be sent, sent, or failed.

    `key` (event:object:recipient:revision) is unique, so replaying an event never
    writes a second row. `message_id` is fixed when the row is written, so a retry
    or a resend carries the same Message-ID header and mail clients see one message.
    The bodies hold names and links; they are blanked some days after sending. When the
    data of the people a row is about is erased, the row is anonymised (`erased_at`; see
    `notifications.erasure`): recipient, subject, bodies, calendar and error go, an unsent
    row is cancelled, and a last notice still to go out (`erase_after_send`) is anonymised
    as soon as it was sent.
    """

    key = models.CharField(_("sleutel"), max_length=255, unique=True)
    kind = models.CharField(_("soort"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    to_email = models.EmailField(_("aan"), max_length=254)
    reply_to = models.EmailField(_("antwoord naar"), max_length=254, blank=True)
    language = models.CharField(_("taal"), max_length=8, default="nl")
    subject = models.CharField(_("onderwerp"), max_length=255)
    body_text = models.TextField(_("tekst"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    ics = models.TextField(_("agendabestand"), blank=True)
    ics_method = models.CharField(
        _("agendamethode"), max_length=8, choices=IcsMethod.choices, blank=True, default=""
    )
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, default=_new_message_id, editable=False
    )
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"), default=timezone.now)
    claimed_at = models.DateTimeField(_("opgepakt om"), null=True, blank=True)
    last_error = models.TextField(_("laatste fout"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("verstuurd om"), null=True, blank=True)
    purged_at = models.DateTimeField(_("inhoud gewist om"), null=True, blank=True)
    erased_at = models.DateTimeField(_("geanonimiseerd om"), null=True, blank=True)
    erase_after_send = models.BooleanField(_("anonimiseren na verzenden"), default=False)

    class Meta:
        verbose_name = _("uitgaand bericht")
        verbose_name_plural = _("uitgaande berichten")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next_idx"),
            models.Index(fields=["status", "sent_at"], name="outbox_status_sent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OutboxStatus.values), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(ics="") | ~Q(ics_method=""), name="outbox_ics_has_method"
            ),
            models.CheckConstraint(
                condition=~Q(status=OutboxStatus.SENT) | Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.get_status_display()})"


# --- calendar feeds -------------------------------------------------------------------


class FeedKind(models.TextChoices):
    TRAINER = "trainer", _("mijn rooster (trainer)")
    GROUP = "group", _("groep")
    SCHOOL = "school", _("school")
    ENROLMENT = "enrolment", _("inschrijving")


class CalendarFeedToken(models.Model):
    """A secret subscription link to a read-only calendar feed. Only a hash of the token
    is stored, so the link is shown once, when it is made; revoking is setting
    `revoked_at` (the link then answers 404). Staff tokens have an `owner`; an enrolment's
    token (for its guardians) has none.

    `content_hash` and `content_changed_at` remember the last body served, so the feed's
    Last-Modified moves when (and only when) what it shows changes.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("soort"), max_length=10, choices=FeedKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
    )
    trainer = models.ForeignKey(
        "programmes.Trainer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "scheduler.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        "programmes.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    enrolment = models.ForeignKey(
        "enrolment.Enrolment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
    )
    language = models.CharField(_("taal"), max_length=8, default="nl")
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    content_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda-abonnement")
        verbose_name_plural = _("agenda-abonnementen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "kind"], name="feed_token_owner_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=FeedKind.TRAINER,
                        owner__isnull=False,
                        trainer__isnull=False,
                        group__isnull=True,
                        school__isnull=True,
                        enrolment__isnull=True,
                    )
                    | Q(
                        kind=FeedKind.GROUP,
                        owner__isnull=False,
                        trainer__isnull=True,
                        group__isnull=False,
                        school__isnull=True,
                        enrolment__isnull=True,
                    )
                    | Q(
                        kind=FeedKind.SCHOOL,
                        owner__isnull=False,
                        trainer__isnull=True,
                        group__isnull=True,
                        school__isnull=False,
                        enrolment__isnull=True,
                    )
                    | Q(
                        kind=FeedKind.ENROLMENT,
                        owner__isnull=True,
                        trainer__isnull=True,
                        group__isnull=True,
                        school__isnull=True,
                        enrolment__isnull=False,
                    )
                ),
                name="feed_token_kind_matches_target",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.kind} feed {self.pk} ({state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CalendarEventStamp(models.Model):
    """When what a session's feed event shows last changed (its DTSTAMP in feeds).

    Sessions carry no change time of their own, so a feed records one the first time it
    sees a session's content (`fingerprint`) differ from the stored one. The same
    content therefore always gets the same DTSTAMP, and so the same feed bytes.
    """

    session = models.OneToOneField(
        "scheduler.Session",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="calendar_stamp",
    )
    fingerprint = models.CharField(max_length=64)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("agenda-tijdstempel")
        verbose_name_plural = _("agenda-tijdstempels")

    def __str__(self) -> str:
        return f"{self.session_id} @ {self.changed_at:%Y-%m-%d %H:%M:%S}"

"""Children, guardians, enrolments, consent, intake, attendance and the audit log.

Personal data is kept to the minimum the programmes need: no BSN, no diagnosis.
Everything a child's enrolment holds is erased a set time after the group ended
(see `services.retention`), leaving only anonymous counts.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tokens import new_token, token_hash
from programmes.models import Programme, School, SchoolYear
from scheduler.models import Group, Session


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a birthday on `day` counts)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


class Language(models.TextChoices):
    NL = "nl", _("Nederlands")
    EN = "en", _("English")


class Authority(models.TextChoices):
    JOINT = "joint", _("gezamenlijk gezag")
    SOLE = "sole", _("eenhoofdig gezag (alleen deze ouder)")
    NONE = "none", _("geen gezag")


class Relation(models.TextChoices):
    MOTHER = "mother", _("moeder")
    FATHER = "father", _("vader")
    GUARDIAN = "guardian", _("voogd")
    OTHER = "other", _("anders")


class Submission(models.Model):
    """One sending of the enrolment form: one or more children (siblings), guardians once.

    An Idempotency-Key is a client's secret, so only its SHA-256 is kept
    (`idempotency_key_hash`), next to a fingerprint of the request that used it
    (`request_fingerprint`, see `services.submission_fingerprint`): a key replays its
    submission only to a request with the same body. Rows from before the fingerprint
    existed have an empty one; their key is refused for any reuse (`services.submission_replay`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idempotency_key_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    request_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    consent_text = models.ForeignKey(
        "ConsentText", on_delete=models.PROTECT, related_name="submissions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("aanmelding (formulier)")
        verbose_name_plural = _("aanmeldingen (formulieren)")

    def __str__(self) -> str:
        return str(self.public_id)


class Guardian(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="guardians")
    is_enroller = models.BooleanField(_("heeft aangemeld"), default=False)
    name = models.CharField(_("naam"), max_length=150)
    email = models.EmailField(_("e-mailadres"))
    phone = models.CharField(_("telefoon"), max_length=20, blank=True)
    relation = models.CharField(_("relatie"), max_length=10, choices=Relation.choices, blank=True)
    authority = models.CharField(_("gezag"), max_length=5, choices=Authority.choices)
    language = models.CharField(_("taal"), max_length=2, choices=Language.choices, default="nl")
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # A new address the guardian asked for through their own link, until they confirm it
    # from that address (`services.guardians.guardian_email_change_confirm`).
    pending_email = models.EmailField(_("nieuw e-mailadres (nog niet bevestigd)"), blank=True)

    class Meta:
        ordering = ["-is_enroller", "id"]
        verbose_name = _("ouder/verzorger")
        verbose_name_plural = _("ouders/verzorgers")
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(is_enroller=True),
                name="guardian_one_enroller_per_submission",
            ),
            models.CheckConstraint(
                condition=Q(authority__in=Authority.values) & Q(language__in=Language.values),
                name="guardian_choices_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"ouder {self.pk}"

    @property
    def has_authority(self) -> bool:
        return self.authority != Authority.NONE


class Child(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(_("voornaam"), max_length=80)
    last_name = models.CharField(_("achternaam"), max_length=120)
    date_of_birth = models.DateField(_("geboortedatum"))
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="pupils", verbose_name=_("school")
    )
    grade = models.PositiveSmallIntegerField(_("groep/klas"))
    class_name = models.CharField(_("klas"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("kind")
        verbose_name_plural = _("kinderen")
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=8), name="child_grade_range"
            ),
        ]

    def __str__(self) -> str:
        # Never a name: objects end up in logs and error reports.
        return f"kind {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: dt.date) -> int:
        return age_on(self.date_of_birth, day)


class EnrolmentStatus(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("wacht op toestemming")
    AWAITING_INTAKE = "awaiting_intake", _("wacht op intake")
    CONFIRMED = "confirmed", _("bevestigd")
    WAITLISTED = "waitlisted", _("op de wachtlijst")
    OFFERED = "offered", _("plaats aangeboden")
    DECLINED = "declined", _("aanbod afgeslagen")
    REFUSED = "refused", _("geen toestemming")
    NOT_SUITABLE = "not_suitable", _("niet passend na intake")
    EXPIRED = "expired", _("verlopen")
    WITHDRAWN = "withdrawn", _("afgemeld")
    MERGED = "merged", _("samengevoegd met een andere aanmelding")
    COMPLETED = "completed", _("afgerond")


# States in which an enrolment takes one of the group's seats.
SEAT_HOLDING = frozenset(
    {
        EnrolmentStatus.AWAITING_CONSENT,
        EnrolmentStatus.AWAITING_INTAKE,
        EnrolmentStatus.OFFERED,
        EnrolmentStatus.CONFIRMED,
    }
)
# States in which an enrolment still counts as the child's active enrolment.
ACTIVE = SEAT_HOLDING | {EnrolmentStatus.WAITLISTED}

# The one place that says which state may follow which.
ENROLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    EnrolmentStatus.AWAITING_CONSENT: frozenset(
        {
            EnrolmentStatus.AWAITING_INTAKE,
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.REFUSED,
            EnrolmentStatus.NOT_SUITABLE,
            EnrolmentStatus.EXPIRED,
            EnrolmentStatus.WITHDRAWN,
            EnrolmentStatus.MERGED,
        }
    ),
    EnrolmentStatus.AWAITING_INTAKE: frozenset(
        {
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.NOT_SUITABLE,
            EnrolmentStatus.REFUSED,
            EnrolmentStatus.WITHDRAWN,
            EnrolmentStatus.MERGED,
        }
    ),
    EnrolmentStatus.WAITLISTED: frozenset(
        {
            EnrolmentStatus.OFFERED,
            EnrolmentStatus.NOT_SUITABLE,
            EnrolmentStatus.WITHDRAWN,
            EnrolmentStatus.MERGED,
            EnrolmentStatus.EXPIRED,
        }
    ),
    EnrolmentStatus.OFFERED: frozenset(
        {
            EnrolmentStatus.AWAITING_CONSENT,
            EnrolmentStatus.DECLINED,
            EnrolmentStatus.NOT_SUITABLE,
            EnrolmentStatus.EXPIRED,
            EnrolmentStatus.WITHDRAWN,
            EnrolmentStatus.MERGED,
        }
    ),
    EnrolmentStatus.CONFIRMED: frozenset(
        {EnrolmentStatus.WITHDRAWN, EnrolmentStatus.MERGED, EnrolmentStatus.COMPLETED}
    ),
    EnrolmentStatus.DECLINED: frozenset(),
    EnrolmentStatus.REFUSED: frozenset(),
    EnrolmentStatus.NOT_SUITABLE: frozenset(),
    EnrolmentStatus.EXPIRED: frozenset(),
    EnrolmentStatus.WITHDRAWN: frozenset(),
    EnrolmentStatus.MERGED: frozenset(),
    EnrolmentStatus.COMPLETED: frozenset(),
}


class Enrolment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="enrolments")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments")
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("groep")
    )
    # Denormalised so "one active enrolment per child, programme and school year" is a
    # database constraint.
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    child_key = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, db_index=True
    )
    priority = models.BooleanField(_("voorrang (leerling van de school)"), default=False)
    # The child had another active enrolment in the programme and school year when this one
    # came in. The form accepts it like any other (its answer must not tell a stranger that
    # a child is enrolled); the coordinator sees the flag and merges the two.
    possible_duplicate = models.BooleanField(_("mogelijk dubbele aanmelding"), default=False)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    consent_complete_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # Moved by a pooling (`enrolment.pooling`): the group it came from, until the family
    # answers. `pool_confirmed_at` is their yes (`services.pool_confirm`); a withdrawal
    # clears `pooled_from`. Set and no answer: the family still has to confirm or withdraw.
    pooled_from = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samengevoegd vanuit"),
    )
    pool_confirmed_at = models.DateTimeField(_("samenvoeging bevestigd op"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EnrolmentStatus.values), name="enrolment_status_valid"
            ),
            models.UniqueConstraint(
                fields=["child_key", "programme", "school_year"],
                condition=Q(status__in=sorted(ACTIVE), possible_duplicate=False),
                name="enrolment_one_active_per_child_programme_year",
                violation_error_message=_(
                    "Dit kind is dit schooljaar al aangemeld voor dit programma."
                ),
            ),
        ]
        indexes = [models.Index(fields=["group", "status"], name="enrolment_group_status_idx")]

    def __str__(self) -> str:
        return f"inschrijving {self.public_id} ({self.status})"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @property
    def awaits_pool_answer(self) -> bool:
        """Moved by a pooling and the family has not yet confirmed (or withdrawn)."""
        return (
            self.pooled_from_id is not None
            and self.pool_confirmed_at is None
            and self.status in ACTIVE
        )

    def can_become(self, status: str) -> bool:
        return status in ENROLMENT_TRANSITIONS[self.status]


class ConsentText(models.Model):
    """A versioned consent text; every consent records the version that was shown."""

    version = models.CharField(_("versie"), max_length=20, unique=True)
    text_nl = models.TextField(_("tekst (Nederlands)"))
    text_en = models.TextField(_("tekst (Engels)"))
    active_from = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-active_from"]
        verbose_name = _("toestemmingstekst")
        verbose_name_plural = _("toestemmingsteksten")

    def __str__(self) -> str:
        return self.version


class ConsentParty(models.TextChoices):
    GUARDIAN = "guardian", _("ouder/verzorger")
    CHILD = "child", _("kind")


class ConsentMethod(models.TextChoices):
    LINK = "link", _("via de link in de e-mail")
    INTAKE = "intake", _("bij de intake")
    PAPER = "paper", _("op papier")


class Consent(models.Model):
    """A given or refused consent: who, when, how, and which text version."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="consents")
    party = models.CharField(max_length=10, choices=ConsentParty.choices)
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    given = models.BooleanField()
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Consent given can be withdrawn (by the same person, through their own link); the row
    # stays as the record of what was given and when it ended. A withdrawn consent counts
    # as not given (`services.consent.consent_state_of`).
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        constraints = [
            models.CheckConstraint(
                condition=(Q(party=ConsentParty.GUARDIAN) & Q(guardian__isnull=False))
                | (Q(party=ConsentParty.CHILD) & Q(guardian__isnull=True)),
                name="consent_party_matches_guardian",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "guardian"],
                condition=Q(party=ConsentParty.GUARDIAN),
                name="consent_once_per_guardian",
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(party=ConsentParty.CHILD),
                name="consent_once_per_child",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} {'+' if self.given else '-'} ({self.created_at:%Y-%m-%d})"


class LinkPurpose(models.TextChoices):
    CONFIRM = "confirm", _("e-mailadres bevestigen en toestemming geven")
    CONSENT = "consent", _("toestemming geven of weigeren")
    CHILD_CONSENT = "child_consent", _("toestemming van het kind")
    OFFER = "offer", _("aangeboden plaats aannemen of afslaan")
    MANAGE = "manage", _("aanmelding bekijken, afmelden of gegevens inzien")
    EMAIL_CHANGE = "email_change", _("nieuw e-mailadres bevestigen")
    # Issued from a guardian's own link for an hour: their data page, downloads and erasure.
    DATA = "data", _("eigen gegevens bekijken, bewaren of laten wissen")


_hash_token = token_hash


class AccessLink(models.Model):
    """A secret link for one guardian and one purpose. Only a hash of the token is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=15, choices=LinkPurpose.choices)
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="links")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="links")
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="access_link_expires_later"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.guardian_id})"

    @staticmethod
    def new_token() -> str:
        return new_token()

    @staticmethod
    def hash(token: str) -> str:
        return _hash_token(token)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IntakeOutcome(models.TextChoices):
    SUITABLE = "suitable", _("passend")
    NOT_SUITABLE = "not_suitable", _("niet passend")


class IntakeReason(models.TextChoices):
    SEVERE_CONFLICT = "severe_conflict", _("ernstig aanhoudend conflict tussen ouders")
    UNSAFE_HOME = "unsafe_home", _("onveilige thuissituatie")
    OTHER_HELP = "other_help", _("andere hulp past beter")
    NOT_READY = "not_ready", _("kind is er (nog) niet aan toe")
    OTHER = "other", _("anders")


class Intake(models.Model):
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="intake")
    outcome = models.CharField(max_length=15, choices=IntakeOutcome.choices)
    reason = models.CharField(max_length=20, choices=IntakeReason.choices, blank=True)
    notes = models.TextField(_("notities"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=IntakeOutcome.SUITABLE) | ~Q(reason=""),
                name="intake_not_suitable_has_reason",
                violation_error_message=_("Kies een reden als deelname niet passend is."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.outcome}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("aanwezig")
    ABSENT = "absent", _("afwezig")
    EXCUSED = "excused", _("afgemeld")


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    note = models.CharField(_("notitie"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.enrolment_id}: {self.status}"


class Interest(models.Model):
    """A parent's wish for a programme at a school where no group is open (no child data)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="interest")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="interest")
    email = models.EmailField(_("e-mailadres (niet verplicht)"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("belangstelling")
        verbose_name_plural = _("belangstelling")

    def __str__(self) -> str:
        return f"{self.programme_id}@{self.school_id}"


class AuditEntry(models.Model):
    """Who viewed or exported children's data, and when. Kept after the data is erased."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target}"

"""The catalogue: the programmes on offer, their audience, consent and set-up."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

AGE_MIN = 4
AGE_MAX = 18


class Audience(models.TextChoices):
    PO = "po", _("Primair onderwijs")
    VO = "vo", _("Voortgezet onderwijs")


class SchoolType(models.TextChoices):
    PO = "po", _("Primair onderwijs (PO)")
    VO = "vo", _("Voortgezet onderwijs (VO)")
    SO = "so", _("Speciaal onderwijs (SO)")


class HolidayRegion(models.TextChoices):
    NOORD = "noord", _("Regio noord")
    MIDDEN = "midden", _("Regio midden")
    ZUID = "zuid", _("Regio zuid")


class EnrolmentMode(models.TextChoices):
    INDIVIDUAL = "individual", _("Individueel (ouders melden hun kind aan)")
    CLASS = "class", _("Per klas (de school boekt een klas)")


class GuardianConsent(models.TextChoices):
    ALL_WITH_AUTHORITY = "all_with_authority", _("Alle ouders met gezag")
    ONE_GUARDIAN = "one_guardian", _("Eén ouder")
    NONE = "none", _("Geen")


class ChildConsent(models.TextChoices):
    FROM_12 = "from_12", _("Kind vanaf 12 jaar")
    NONE = "none", _("Geen")


hex_colour_validator = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", _("Geef een kleur als #RRGGBB, bijvoorbeeld #1D5F9E.")
)


# What a programme manager edits, in form order (pages, API and admin show the same).
PROGRAMME_FIELDS = [
    "code",
    "name_nl",
    "name_en",
    "description_nl",
    "description_en",
    "audience",
    "grade_min",
    "grade_max",
    "age_min",
    "age_max",
    "enrolment_mode",
    "group_size_min",
    "group_size_max",
    "decision_days",
    "child_sessions",
    "session_minutes",
    "parent_meetings_before",
    "parent_meetings_after",
    "parent_meeting_minutes",
    "trainers_per_group",
    "trainer_qualification",
    "consent_guardians",
    "consent_child",
    "requires_intake",
    "discreet_titles",
    "discreet_name",
    "co_financed",
    "default_cost_per_group",
    "calendar_colour",
    "active",
]


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=120)
    name_en = models.CharField(_("naam (Engels)"), max_length=120)
    description_nl = models.TextField(_("beschrijving (Nederlands)"), blank=True)
    description_en = models.TextField(_("beschrijving (Engels)"), blank=True)
    audience = models.CharField(_("doelgroep"), max_length=2, choices=Audience.choices)
    grade_min = models.PositiveSmallIntegerField(
        _("laagste groep/klas"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    grade_max = models.PositiveSmallIntegerField(
        _("hoogste groep/klas"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    age_min = models.PositiveSmallIntegerField(
        _("minimumleeftijd"), validators=[MinValueValidator(AGE_MIN), MaxValueValidator(AGE_MAX)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("maximumleeftijd"), validators=[MinValueValidator(AGE_MIN), MaxValueValidator(AGE_MAX)]
    )
    enrolment_mode = models.CharField(
        _("manier van aanmelden"), max_length=12, choices=EnrolmentMode.choices
    )
    group_size_min = models.PositiveSmallIntegerField(
        _("minimale groepsgrootte"), validators=[MinValueValidator(1)]
    )
    group_size_max = models.PositiveSmallIntegerField(
        _("maximale groepsgrootte"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    # A group of an individually enrolled programme starts only with `group_size_min`
    # children: this many days before its first session someone decides (none: no such day).
    decision_days = models.PositiveSmallIntegerField(
        _("beslisdag (dagen voor de eerste bijeenkomst)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "Heeft een groep op deze dag minder kinderen dan de minimale groepsgrootte, dan "
            "beslist de coördinator of programmabeheerder: samenvoegen, uitstellen of "
            "annuleren. Leeg: geen beslisdag."
        ),
    )
    child_sessions = models.PositiveSmallIntegerField(
        _("aantal bijeenkomsten met kinderen"),
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("duur van een bijeenkomst (minuten)"),
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    parent_meetings_before = models.PositiveSmallIntegerField(
        _("ouderbijeenkomsten vooraf"), default=0, validators=[MaxValueValidator(10)]
    )
    parent_meetings_after = models.PositiveSmallIntegerField(
        _("ouderbijeenkomsten achteraf"), default=0, validators=[MaxValueValidator(10)]
    )
    parent_meeting_minutes = models.PositiveSmallIntegerField(
        _("duur van een ouderbijeenkomst (minuten)"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    trainers_per_group = models.PositiveSmallIntegerField(
        _("trainers per groep"), default=2, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    trainer_qualification = models.CharField(
        _("vereiste kwalificatie"),
        max_length=120,
        blank=True,
        help_text=_("Bijvoorbeeld: gecertificeerd KIES-coach."),
    )
    consent_guardians = models.CharField(
        _("toestemming van ouders"),
        max_length=20,
        choices=GuardianConsent.choices,
        default=GuardianConsent.ALL_WITH_AUTHORITY,
    )
    consent_child = models.CharField(
        _("toestemming van het kind"),
        max_length=10,
        choices=ChildConsent.choices,
        default=ChildConsent.FROM_12,
    )
    requires_intake = models.BooleanField(
        _("intakegesprek vóór deelname"),
        default=False,
        help_text=_("Aan als een trainer of coördinator eerst beoordeelt of deelname past."),
    )
    discreet_titles = models.BooleanField(
        _("neutrale titels in e-mail en agenda"),
        default=False,
        help_text=_(
            "Aan voor programma's waarvan de naam iets over het gezin zegt: onderwerpregels en "
            "agendatitels tonen dan de neutrale naam, want gezinsagenda's worden gedeeld."
        ),
    )
    discreet_name = models.CharField(
        _("neutrale naam"),
        max_length=80,
        blank=True,
        default="Groepsbijeenkomst",
        help_text=_(
            "Bijvoorbeeld: Groepsbijeenkomst. De school wordt er automatisch achter gezet."
        ),
    )
    co_financed = models.BooleanField(_("cofinanciering door scholen"), default=False)
    default_cost_per_group = models.DecimalField(
        _("standaardkosten per groep (€)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    calendar_colour = models.CharField(
        _("kleur in de agenda"), max_length=7, default="#1D5F9E", validators=[hex_colour_validator]
    )
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__gte=AGE_MIN, age_max__lte=AGE_MAX, age_min__lte=F("age_max")),
                name="programme_age_range_valid",
                violation_error_message=_(
                    "De leeftijden moeten tussen 4 en 18 liggen, de minimumleeftijd niet "
                    "boven de maximumleeftijd."
                ),
            ),
            models.CheckConstraint(
                condition=Q(grade_min__gte=1, grade_min__lte=F("grade_max"), grade_max__lte=8),
                name="programme_grade_range_valid",
                violation_error_message=_(
                    "De laagste groep/klas mag niet hoger zijn dan de hoogste."
                ),
            ),
            models.CheckConstraint(
                condition=Q(group_size_min__gte=1, group_size_min__lte=F("group_size_max")),
                name="programme_group_size_valid",
                violation_error_message=_(
                    "De minimale groepsgrootte mag niet groter zijn dan de maximale."
                ),
            ),
            models.CheckConstraint(
                condition=Q(child_sessions__gte=1),
                name="programme_has_child_sessions",
                violation_error_message=_("Een programma heeft minstens één bijeenkomst."),
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=15, parent_meeting_minutes__gte=15),
                name="programme_session_length_valid",
                violation_error_message=_("Een bijeenkomst duurt minstens 15 minuten."),
            ),
            models.CheckConstraint(
                condition=Q(trainers_per_group__gte=1),
                name="programme_needs_a_trainer",
                violation_error_message=_("Een groep heeft minstens één trainer nodig."),
            ),
            models.CheckConstraint(
                condition=Q(default_cost_per_group__gte=0),
                name="programme_cost_not_negative",
                violation_error_message=_("De kosten kunnen niet negatief zijn."),
            ),
            models.CheckConstraint(
                condition=Q(consent_guardians__in=GuardianConsent.values)
                & Q(consent_child__in=ChildConsent.values)
                & Q(enrolment_mode__in=EnrolmentMode.values)
                & Q(audience__in=Audience.values),
                name="programme_choices_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def description(self) -> str:
        if (get_language() or "nl").startswith("en") and self.description_en:
            return self.description_en
        return self.description_nl

    def public_title(self, school_name: str = "") -> str:
        """The title for subjects and calendars: the neutral name when titles are discreet."""
        if self.discreet_titles:
            base = self.discreet_name or "Groepsbijeenkomst"
            return f"{base} {school_name}".strip()
        return f"{self.name} {school_name}".strip() if school_name else self.name

    @property
    def parent_meetings(self) -> int:
        return self.parent_meetings_before + self.parent_meetings_after

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors["age_max"] = _("De maximumleeftijd moet minstens de minimumleeftijd zijn.")
        if (
            self.grade_min is not None
            and self.grade_max is not None
            and self.grade_min > self.grade_max
        ):
            errors["grade_max"] = _("De hoogste groep/klas moet minstens de laagste zijn.")
        if self.audience == Audience.VO and self.grade_max and self.grade_max > 6:
            errors["grade_max"] = _("Het voortgezet onderwijs kent klas 1 tot en met 6.")
        if (
            self.group_size_min is not None
            and self.group_size_max is not None
            and self.group_size_min > self.group_size_max
        ):
            errors["group_size_max"] = _(
                "De maximale groepsgrootte moet minstens de minimale groepsgrootte zijn."
            )
        if (
            self.enrolment_mode == EnrolmentMode.CLASS
            and self.consent_guardians != GuardianConsent.NONE
        ):
            errors["consent_guardians"] = _(
                "Bij boeken per klas worden geen persoonsgegevens van leerlingen verzameld, "
                "dus ook geen toestemming; kies 'Geen'."
            )
        if self.enrolment_mode == EnrolmentMode.CLASS and self.consent_child != ChildConsent.NONE:
            errors["consent_child"] = _(
                "Bij boeken per klas wordt geen toestemming van het kind gevraagd; kies 'Geen'."
            )
        if errors:
            raise ValidationError(errors)

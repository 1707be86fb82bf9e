"""The catalogue: programmes, schools, trainers, school years and school calendars.

Invariants that belong to one row live here as database constraints, so they
hold whichever path writes (admin, API, services, shell). Rules that need more
than one row live in `services.py`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from programmes.dates import validate_school_date

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
brin_validator = RegexValidator(
    r"^[0-9]{2}[A-Z]{2}$", _("Een BRIN-code is twee cijfers en twee hoofdletters, bijv. 12AB.")
)
branch_validator = RegexValidator(
    r"^[0-9]{2}$", _("Het vestigingsnummer is twee cijfers, bijv. 00.")
)
postcode_validator = RegexValidator(
    r"^[1-9][0-9]{3} ?[A-Z]{2}$", _("Een postcode is vier cijfers en twee letters, bijv. 8011 AB.")
)
school_year_label_validator = RegexValidator(
    r"^[0-9]{4}-[0-9]{4}$", _("Een schooljaar heet bijvoorbeeld 2026-2027.")
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


@cache  # built once per path: annotate() resolves a copy for each query
def reply_to_subquery(school: str) -> Coalesce:
    """The e-mail address of the first coordinator (by id) of the school at `school` (a
    lookup path, e.g. "group__host_school"), or "": the reply-to of messages about that
    school's groups, as a subquery, so it comes with the row that needs it."""
    first_coordinator = (
        get_user_model()
        .objects.filter(coordinated_schools=OuterRef(school))
        .exclude(email="")
        .order_by("pk")
        .values("email")[:1]
    )
    return Coalesce(Subquery(first_coordinator), Value(""))


class School(models.Model):
    name = models.CharField(_("naam"), max_length=150)
    brin = models.CharField(_("BRIN-code"), max_length=4, validators=[brin_validator])
    branch = models.CharField(
        _("vestigingsnummer"), max_length=2, default="00", validators=[branch_validator]
    )
    school_type = models.CharField(_("soort school"), max_length=2, choices=SchoolType.choices)
    holiday_region = models.CharField(
        _("vakantieregio"), max_length=6, choices=HolidayRegion.choices
    )
    street_address = models.CharField(_("adres"), max_length=150, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("plaats"), max_length=80)
    municipality = models.CharField(_("gemeente"), max_length=80)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_schools",
        verbose_name=_("coördinatoren"),
    )
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("scholen")
        constraints = [
            models.UniqueConstraint(
                fields=["brin", "branch"],
                name="school_brin_branch_unique",
                violation_error_message=_("Er is al een school met deze BRIN-code en vestiging."),
            ),
            models.CheckConstraint(
                condition=Q(brin__regex=r"^[0-9]{2}[A-Z]{2}$"),
                name="school_brin_format",
                violation_error_message=_("Een BRIN-code is twee cijfers en twee hoofdletters."),
            ),
            models.CheckConstraint(
                condition=Q(branch__regex=r"^[0-9]{2}$"),
                name="school_branch_format",
                violation_error_message=_("Het vestigingsnummer is twee cijfers."),
            ),
            models.CheckConstraint(
                condition=Q(school_type__in=SchoolType.values)
                & Q(holiday_region__in=HolidayRegion.values),
                name="school_choices_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    @property
    def brin_full(self) -> str:
        return f"{self.brin}{self.branch}"


class SchoolYearQuerySet(models.QuerySet["SchoolYear"]):
    """Which school year a day belongs to, and which one is "the current" one: the one
    home of that rule for every page, download and API that picks a year by itself."""

    def for_day(self, day: dt.date) -> SchoolYear | None:
        """The school year that holds `day`, from its first day (1 August) to its last
        (31 July) included; None when the school year of that day has not been entered.

        School years follow each other without a gap: the summer holiday straddles 31
        July and 1 August, so its first weeks belong to the old year and its last weeks to
        the new one. A day falls between two entered years only when the year that holds
        it is missing (typically: in August, before the manager entered the new year)."""
        return self.filter(start_date__lte=day, end_date__gte=day).first()

    def current(self) -> SchoolYear | None:
        """The school year to show when nobody chose one, as of today in Europe/Amsterdam:

        - the year that holds today (`for_day`), so from 1 August the new year;
        - when today's year has not been entered yet (in the summer, before the manager
          adds the new year), the latest year that has begun: the one that just ended,
          whose figures are complete, rather than no year at all;
        - when every year lies ahead (before the first entered year begins), the first;
        - None when no school year exists.

        At most three small queries; nothing is cached, so a year entered a moment ago
        counts at once."""
        today = timezone.localdate()
        by_start = self.order_by("-start_date")
        return (
            self.for_day(today) or by_start.filter(start_date__lte=today).first() or by_start.last()
        )


class SchoolYear(models.Model):
    """A school year, 1 August to 31 July, labelled like 2026-2027."""

    label = models.CharField(
        _("schooljaar"), max_length=9, unique=True, validators=[school_year_label_validator]
    )
    start_date = models.DateField(_("begindatum"))
    end_date = models.DateField(_("einddatum"))

    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("schooljaar")
        verbose_name_plural = _("schooljaren")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__month=8, start_date__day=1)
                & Q(end_date__month=7, end_date__day=31)
                & Q(end_date__gt=F("start_date")),
                name="school_year_runs_august_to_july",
                violation_error_message=_(
                    "Een schooljaar loopt van 1 augustus tot en met 31 juli."
                ),
            ),
            models.UniqueConstraint(fields=["start_date"], name="school_year_start_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @staticmethod
    def bounds_for_label(label: str) -> tuple[dt.date, dt.date]:
        first, second = (int(part) for part in label.split("-"))
        if second != first + 1:
            raise ValidationError(
                {"label": _("Een schooljaar beslaat twee opeenvolgende jaren, bijv. 2026-2027.")}
            )
        return dt.date(first, 8, 1), dt.date(second, 7, 31)

    @classmethod
    def label_for(cls, day: dt.date) -> str:
        first = day.year if day.month >= 8 else day.year - 1
        return f"{first}-{first + 1}"

    def clean(self) -> None:
        if not self.label:
            return
        try:
            start, end = self.bounds_for_label(self.label)
        except ValueError:
            return  # the label validator reports the format
        if self.start_date is None:
            self.start_date = start
        if self.end_date is None:
            self.end_date = end
        if (self.start_date, self.end_date) != (start, end):
            raise ValidationError(
                _(
                    "Schooljaar %(label)s loopt van 1 augustus %(first)s "
                    "tot en met 31 juli %(second)s."
                )
                % {"label": self.label, "first": start.year, "second": end.year}
            )

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class HolidayKind(models.TextChoices):
    AUTUMN = "herfst", _("Herfstvakantie")
    CHRISTMAS = "kerst", _("Kerstvakantie")
    SPRING = "voorjaar", _("Voorjaarsvakantie")
    MAY = "mei", _("Meivakantie")
    SUMMER = "zomer", _("Zomervakantie")
    OTHER = "overig", _("Overige vakantie")


class SchoolHoliday(models.Model):
    """A school holiday of one region in one school year, editable by the programme manager.

    The government fixes summer, Christmas and May; autumn and spring are advice,
    so rows carry whether they were checked against the official table.
    """

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="holidays", verbose_name=_("schooljaar")
    )
    region = models.CharField(_("regio"), max_length=6, choices=HolidayRegion.choices)
    kind = models.CharField(_("soort"), max_length=10, choices=HolidayKind.choices)
    name = models.CharField(_("naam"), max_length=120, blank=True)
    start_date = models.DateField(_("eerste dag"))
    end_date = models.DateField(_("laatste dag"))
    advisory = models.BooleanField(
        _("advies, nog niet geverifieerd"),
        default=False,
        help_text=_(
            "Aan als deze data nog met de officiële tabel van de Rijksoverheid "
            "moeten worden vergeleken."
        ),
    )
    source = models.CharField(_("bron"), max_length=200, blank=True)
    ical_uid = models.CharField(_("iCalendar-UID"), max_length=255, blank=True)

    class Meta:
        ordering = ["start_date", "region"]
        verbose_name = _("schoolvakantie")
        verbose_name_plural = _("schoolvakanties")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="school_holiday_ends_after_start",
                violation_error_message=_("De laatste dag ligt niet voor de eerste dag."),
            ),
            models.CheckConstraint(
                condition=Q(region__in=HolidayRegion.values) & Q(kind__in=HolidayKind.values),
                name="school_holiday_choices_valid",
            ),
            # One autumn, Christmas, spring, May and summer holiday per region and year.
            models.UniqueConstraint(
                fields=["school_year", "region", "kind"],
                condition=~Q(kind=HolidayKind.OTHER),
                name="school_holiday_one_per_kind",
                violation_error_message=_(
                    "Deze regio heeft in dit schooljaar al een vakantie van deze soort."
                ),
            ),
            models.UniqueConstraint(
                fields=["school_year", "region", "start_date", "name"],
                name="school_holiday_unique_day_name",
            ),
        ]

    def __str__(self) -> str:
        region = self.get_region_display().lower()
        period = f"{self.start_date:%d-%m-%Y} – {self.end_date:%d-%m-%Y}"
        return f"{self.display_name} {region} ({period})"

    @property
    def display_name(self) -> str:
        return self.name or str(self.get_kind_display())

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("De laatste dag ligt voor de eerste dag.")})
        if self.school_year_id and self.start_date:
            year = self.school_year
            if not (year.start_date <= self.start_date <= year.end_date + dt.timedelta(days=62)):
                raise ValidationError(
                    {
                        "start_date": _("Deze vakantie begint niet in schooljaar %(label)s.")
                        % {"label": year.label}
                    }
                )
            # A summer holiday runs into the next school year's first weeks, no further.
            if self.end_date and self.end_date > year.end_date + dt.timedelta(days=62):
                raise ValidationError(
                    {
                        "end_date": _("Deze vakantie eindigt niet in schooljaar %(label)s.")
                        % {"label": year.label}
                    }
                )


class SchoolClosure(models.Model):
    """Days one school is closed beyond the regional holidays: study days, Biddag, Dankdag."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="closures", verbose_name=_("school")
    )
    start_date = models.DateField(_("eerste dag"))
    end_date = models.DateField(_("laatste dag"))
    reason = models.CharField(
        _("reden"), max_length=120, help_text=_("Bijvoorbeeld: studiedag, Biddag.")
    )

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("sluitingsdag van een school")
        verbose_name_plural = _("sluitingsdagen van scholen")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="school_closure_ends_after_start",
                violation_error_message=_("De laatste dag ligt niet voor de eerste dag."),
            ),
            models.UniqueConstraint(
                fields=["school", "start_date"],
                name="school_closure_unique_start",
                violation_error_message=_("Op deze dag begint al een sluiting van deze school."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name}: {self.reason} ({self.start_date:%d-%m-%Y})"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("De laatste dag ligt voor de eerste dag.")})
        errors: dict[str, ValidationError] = {}
        for name in ("start_date", "end_date"):
            try:
                if getattr(self, name):
                    validate_school_date(getattr(self, name))
            except ValidationError as error:
                errors[name] = error
        if errors:
            raise ValidationError(errors)


class Trainer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="trainer",
        verbose_name=_("gebruiker"),
    )
    phone = models.CharField(_("telefoon"), max_length=20, blank=True)
    qualifications = models.ManyToManyField(
        Programme,
        blank=True,
        through="Qualification",
        related_name="qualified_trainers",
        verbose_name=_("kwalificaties (programma's die deze trainer mag geven)"),
    )
    max_sessions_per_week = models.PositiveSmallIntegerField(
        _("maximaal aantal bijeenkomsten per week"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_sessions_per_week__gte=1, max_sessions_per_week__lte=40),
                name="trainer_weekly_maximum_valid",
                violation_error_message=_("Het weekmaximum ligt tussen 1 en 40 bijeenkomsten."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Qualification(models.Model):
    """A trainer's qualification for a programme and the certificate that proves it.

    Without a `valid_until` the qualification does not expire (a programme that issues no
    certificates). From the day after it, the trainer may not lead a session of the
    programme: `programmes.selectors.certificate_valid_on` is the rule, and the conflict
    check, the planner and the start pages ask it. The table is the one Django made for
    `Trainer.qualifications` before it had a model (migration 0008), hence its name."""

    trainer = models.ForeignKey(
        Trainer, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("trainer")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="trainer_certificates",
        verbose_name=_("programma"),
    )
    certificate_number = models.CharField(
        _("certificaatnummer"), max_length=40, blank=True, default=""
    )
    valid_until = models.DateField(
        _("geldig tot en met"),
        null=True,
        blank=True,
        help_text=_("Leeg als het certificaat niet verloopt."),
    )

    class Meta:
        db_table = "programmes_trainer_qualifications"
        unique_together = [("trainer", "programme")]
        verbose_name = _("kwalificatie")
        verbose_name_plural = _("kwalificaties")

    def __str__(self) -> str:
        return f"{self.trainer} – {self.programme}"

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or day <= self.valid_until


class TrainerUnavailability(models.Model):
    trainer = models.ForeignKey(
        Trainer,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
        verbose_name=_("trainer"),
    )
    starts_at = models.DateTimeField(_("vanaf"))
    ends_at = models.DateTimeField(_("tot"))
    reason = models.CharField(_("reden"), max_length=120, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("afwezigheid van een trainer")
        verbose_name_plural = _("afwezigheden van trainers")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="trainer_unavailability_ends_after_start",
                violation_error_message=_("Het einde ligt na het begin."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer}: {self.starts_at:%d-%m-%Y %H:%M} – {self.ends_at:%d-%m-%Y %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Het einde moet na het begin liggen.")})


# --- co-financing: what a secondary school pays towards a programme ----------------------


class CostBasis(models.TextChoices):
    PER_GROUP = "per_group", _("per groep")
    PER_CLASS = "per_class", _("per klas")
    PER_PUPIL = "per_pupil", _("per leerling")


class CoFinancingAgreement(models.Model):
    """What one school pays towards one co-financed programme in one school year.

    The school's share is either a percentage of the cost of what was delivered or a
    fixed amount per delivered unit (exactly one of the two), optionally capped. The
    arithmetic lives in `reports.ledger`.
    """

    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="cofinancing_agreements",
        verbose_name=_("school"),
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="cofinancing_agreements",
        verbose_name=_("schooljaar"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="cofinancing_agreements",
        verbose_name=_("programma"),
    )
    cost_basis = models.CharField(
        _("kostenbasis"), max_length=10, choices=CostBasis.choices, default=CostBasis.PER_GROUP
    )
    price = models.DecimalField(
        _("prijs per eenheid (€)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    school_share_percentage = models.DecimalField(
        _("aandeel school (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    school_share_fixed = models.DecimalField(
        _("vast bedrag school per eenheid (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    school_share_cap = models.DecimalField(
        _("maximumbijdrage school (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    units_agreed = models.PositiveIntegerField(_("aantal afgesproken eenheden"), default=0)
    notes = models.TextField(_("notities"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school_year", "school__name", "programme__name_nl"]
        verbose_name = _("cofinancieringsafspraak")
        verbose_name_plural = _("cofinancieringsafspraken")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "programme"],
                name="cofinancing_agreement_unique",
                violation_error_message=_(
                    "Er is al een afspraak voor deze school, dit schooljaar en dit programma."
                ),
            ),
            models.CheckConstraint(
                condition=Q(school_share_percentage__isnull=True)
                | Q(school_share_percentage__gte=0, school_share_percentage__lte=100),
                name="cofinancing_percentage_range",
                violation_error_message=_("Het aandeel van de school ligt tussen 0 en 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0)
                & (Q(school_share_fixed__isnull=True) | Q(school_share_fixed__gte=0))
                & (Q(school_share_cap__isnull=True) | Q(school_share_cap__gte=0)),
                name="cofinancing_amounts_not_negative",
                violation_error_message=_("Bedragen kunnen niet negatief zijn."),
            ),
            models.CheckConstraint(
                condition=Q(school_share_percentage__isnull=False, school_share_fixed__isnull=True)
                | Q(school_share_percentage__isnull=True, school_share_fixed__isnull=False),
                name="cofinancing_one_kind_of_share",
                violation_error_message=_(
                    "Geef het aandeel van de school als percentage óf als vast bedrag, niet "
                    "allebei en niet geen van beide."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cost_basis__in=CostBasis.values), name="cofinancing_cost_basis_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} – {self.programme.name} ({self.school_year.label})"


class InvoiceStatus(models.TextChoices):
    CONCEPT = "concept", _("concept")
    SENT = "sent", _("verstuurd")
    PAID = "paid", _("betaald")
    # Never stored: a sent invoice past the payment term (see `Invoice.display_status`).
    OVERDUE = "overdue", _("te laat")


STORED_INVOICE_STATUSES = [InvoiceStatus.CONCEPT, InvoiceStatus.SENT, InvoiceStatus.PAID]


class Invoice(models.Model):
    """An invoice to a school under one agreement; "overdue" follows from the payment term."""

    agreement = models.ForeignKey(
        CoFinancingAgreement,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("afspraak"),
    )
    reference = models.CharField(_("factuurnummer"), max_length=40, unique=True)
    amount = models.DecimalField(
        _("bedrag (€)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=[(s.value, s.label) for s in STORED_INVOICE_STATUSES],
        default=InvoiceStatus.CONCEPT,
    )
    date_sent = models.DateField(_("verstuurd op"), null=True, blank=True)
    date_paid = models.DateField(_("betaald op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agreement", "created_at", "id"]
        verbose_name = _("factuur")
        verbose_name_plural = _("facturen")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="invoice_amount_not_negative",
                violation_error_message=_("Een factuurbedrag kan niet negatief zijn."),
            ),
            models.CheckConstraint(
                condition=Q(status="concept", date_sent__isnull=True, date_paid__isnull=True)
                | Q(status="sent", date_sent__isnull=False, date_paid__isnull=True)
                | Q(status="paid", date_sent__isnull=False, date_paid__isnull=False),
                name="invoice_dates_match_status",
                violation_error_message=_(
                    "Een verstuurde factuur heeft een verzenddatum, een betaalde ook een "
                    "betaaldatum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_paid__isnull=True) | Q(date_paid__gte=F("date_sent")),
                name="invoice_paid_after_sent",
                violation_error_message=_("Een factuur kan niet betaald zijn vóór verzending."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def due_date(self) -> dt.date | None:
        if self.date_sent is None:
            return None
        return self.date_sent + dt.timedelta(days=settings.COFINANCING_PAYMENT_TERM_DAYS)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Sent, unpaid and past the payment term (`COFINANCING_PAYMENT_TERM_DAYS`)."""
        due = self.due_date
        today = today or timezone.localdate()
        return self.status == InvoiceStatus.SENT and due is not None and today > due

    def display_status(self, today: dt.date | None = None) -> str:
        """The status to show: the stored one, or "overdue" for a late sent invoice."""
        return InvoiceStatus.OVERDUE if self.is_overdue(today) else self.status


class CoFinancingAction(models.TextChoices):
    CREATED = "created", _("afspraak gemaakt")
    UPDATED = "updated", _("afspraak gewijzigd")
    INVOICE_ADDED = "invoice_added", _("factuur toegevoegd")
    INVOICE_SENT = "invoice_sent", _("factuur verstuurd")
    INVOICE_PAID = "invoice_paid", _("factuur betaald")


class CoFinancingChange(models.Model):
    """One change to an agreement or its invoices: who, when, what (the audit trail).

    Written only by the co-financing services, in the transaction of the change itself, so
    the history never misses a change nor shows one that was rolled back. `changes` maps a
    field name to `[old, new]`, both as text (amounts as "1234.50", dates as ISO), `old`
    null on creation. Rows are never changed or deleted; the agreement and invoice are
    protected while history points at them.
    """

    agreement = models.ForeignKey(
        CoFinancingAgreement,
        on_delete=models.PROTECT,
        related_name="changes",
        verbose_name=_("afspraak"),
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("factuur"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    # The name at the time of the change: it stays readable after the account is removed.
    actor_label = models.CharField(_("door (naam)"), max_length=150, blank=True)
    at = models.DateTimeField(_("op"), default=timezone.now, db_index=True)
    action = models.CharField(_("wijziging"), max_length=20, choices=CoFinancingAction.choices)
    changes = models.JSONField(_("gewijzigde velden"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("wijziging in de cofinanciering")
        verbose_name_plural = _("wijzigingen in de cofinanciering")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=CoFinancingAction.values),
                name="cofinancing_change_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.agreement_id} ({self.at:%Y-%m-%d %H:%M})"


def api_token_expiry() -> dt.datetime:
    """When a token made now stops working: API_TOKEN_TTL_DAYS from now."""
    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)


class ApiToken(models.Model):
    """A secret with which a program uses the API (`Authorization: Token <value>`).

    Only the SHA-256 of the value is stored and a request's token is found by that hash, so
    the value is shown once, when it is made (`programmes.api_tokens`), and a copy of the
    database opens nothing. `prefix`, its first characters, lets its owner recognise it.
    A token works until `expires_at`, until it is revoked (`revoked_at` set) and only while
    its user is active. `last_used_at` is kept to within a few minutes, not per request.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("gebruiker"),
    )
    # Unique, so also the index every authenticated request looks the token up by.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begin van het token"), max_length=8, editable=False)
    name = models.CharField(_("naam"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    expires_at = models.DateTimeField(_("verloopt"), default=api_token_expiry)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    def is_usable_at(self, moment: dt.datetime) -> bool:
        """Not revoked and not expired at `moment` (whether the user is active aside)."""
        return self.revoked_at is None and moment < self.expires_at


class SchoolGradePupils(models.Model):
    """A school's own figure: how many pupils a grade has in a school year (the denominator
    of a programme's reach)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="grade_pupils")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField(
        _("groep/klas"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    pupils = models.PositiveSmallIntegerField(_("aantal leerlingen"))

    class Meta:
        ordering = ["school", "school_year", "grade"]
        verbose_name = _("leerlingen per groep/klas")
        verbose_name_plural = _("leerlingen per groep/klas")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "grade"], name="school_grade_pupils_once"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=8), name="school_grade_pupils_grade_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id}/{self.school_year_id}/{self.grade}: {self.pupils}"

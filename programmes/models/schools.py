"""Schools and who coordinates them."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from programmes.models.catalogue import HolidayRegion, SchoolType

brin_validator = RegexValidator(
    r"^[0-9]{2}[A-Z]{2}$", _("Een BRIN-code is twee cijfers en twee hoofdletters, bijv. 12AB.")
)
branch_validator = RegexValidator(
    r"^[0-9]{2}$", _("Het vestigingsnummer is twee cijfers, bijv. 00.")
)
postcode_validator = RegexValidator(
    r"^[1-9][0-9]{3} ?[A-Z]{2}$", _("Een postcode is vier cijfers en twee letters, bijv. 8011 AB.")
)


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


class SchoolGradePupils(models.Model):
    """A school's own figure: how many pupils a grade has in a school year (the denominator
    of a programme's reach)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="grade_pupils")
    school_year = models.ForeignKey(
        "programmes.SchoolYear", on_delete=models.CASCADE, related_name="+"
    )
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

"""School years and school calendars: holidays per region and a school's own closed days."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.dates import validate_school_date
from programmes.models.catalogue import HolidayRegion
from programmes.models.schools import School

school_year_label_validator = RegexValidator(
    r"^[0-9]{4}-[0-9]{4}$", _("Een schooljaar heet bijvoorbeeld 2026-2027.")
)


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

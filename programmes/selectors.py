"""Reads of the catalogue that more than one door asks: one home per rule.

Holiday data of a school year: a year lacks it for a region when no holiday of that
region is stored for it. The regions that matter are the holiday regions of the active
schools (all three while there is no school). The planning page and the school-year
page warn with `school_year_regions_without_holidays`; the scheduler's services refuse
with `refuse_school_year_without_holidays` unless the manager confirms the year has none.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from programmes.models import HolidayRegion, School, SchoolHoliday, SchoolYear

NO_HOLIDAYS = "no_holidays"
CONFIRM_NO_HOLIDAYS = "confirm_no_holidays"


def holiday_regions_in_use() -> list[str]:
    """The holiday regions of the active schools, in the order noord, midden, zuid;
    all three when there are no active schools yet."""
    used = set(
        School.objects.filter(active=True).values_list("holiday_region", flat=True).distinct()
    )
    return [region for region in HolidayRegion.values if region in used] or list(
        HolidayRegion.values
    )


def school_years_regions_without_holidays(
    *, school_years: Iterable[SchoolYear], regions: Iterable[str] | None = None
) -> dict[int, list[str]]:
    """For each school year (by pk), the regions of `regions` (default: those in use)
    without any holiday. Two queries, however many years or holidays."""
    years = list(school_years)
    if not years:
        return {}
    wanted = list(regions) if regions is not None else holiday_regions_in_use()
    present: set[tuple[int, str]] = set(
        SchoolHoliday.objects.filter(school_year__in=years, region__in=wanted)
        .values_list("school_year_id", "region")
        .distinct()
    )
    return {
        year.pk: [region for region in wanted if (year.pk, region) not in present] for year in years
    }


def school_year_regions_without_holidays(
    *, school_year: SchoolYear, regions: Iterable[str] | None = None
) -> list[str]:
    """The regions of `regions` (default: those in use) for which `school_year` has no
    holiday."""
    return school_years_regions_without_holidays(school_years=[school_year], regions=regions)[
        school_year.pk
    ]


def school_year_has_holidays(school_year: SchoolYear, *, region: str | None = None) -> bool:
    """Whether `school_year` has holidays for `region`, or for every region in use."""
    regions = [region] if region else None
    return not school_year_regions_without_holidays(school_year=school_year, regions=regions)


def refuse_school_year_without_holidays(
    *, school_year: SchoolYear, regions: Iterable[str], confirm_no_holidays: bool
) -> None:
    """Refuse to plan in `school_year` for schools of `regions` when it has no holidays
    for one of them, unless the manager confirmed the year has none.

    Raises `ValidationError` on the field `confirm_no_holidays`, code "no_holidays".
    """
    if confirm_no_holidays:
        return
    wanted = sorted(set(regions), key=list(HolidayRegion.values).index)
    if not wanted:
        return
    missing = school_year_regions_without_holidays(school_year=school_year, regions=wanted)
    if not missing:
        return
    raise ValidationError(
        {
            CONFIRM_NO_HOLIDAYS: ValidationError(
                _(
                    "Schooljaar %(label)s heeft nog geen schoolvakanties voor regio %(regions)s, "
                    "dus er kunnen bijeenkomsten in een vakantie vallen. Importeer eerst de "
                    "vakanties (Schooljaren en vakanties), of bevestig dat dit schooljaar geen "
                    "schoolvakanties heeft."
                )
                % {"label": school_year.label, "regions": ", ".join(missing)},
                code=NO_HOLIDAYS,
            )
        }
    )

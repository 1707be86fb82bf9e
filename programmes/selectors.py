"""Reads of the catalogue that more than one door asks: one home per rule.

Holiday data of a school year: a year lacks it for a region when no holiday of that
region is stored for it. The regions that matter are the holiday regions of the active
schools (all three while there is no school). The planning page and the school-year
page warn with `school_year_regions_without_holidays`; the scheduler's services refuse
with `refuse_school_year_without_holidays` unless the manager confirms the year has none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import (
    Audience,
    CoFinancingAgreement,
    HolidayRegion,
    Programme,
    Qualification,
    School,
    SchoolGradePupils,
    SchoolHoliday,
    SchoolType,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)

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


# --- who a programme is for: its sector (PO/VO) and its grades --------------------------
# The scheduler asks these when a group is created or published; a class booking may ask
# `programme_class_error` for the class it books.

# Special education (SO) teaches children of primary and secondary age alike, so a school
# of that type may host a programme of either sector.
_SECTOR_OF_SCHOOL_TYPE = {SchoolType.PO: {Audience.PO}, SchoolType.VO: {Audience.VO}}
_CLASS_GRADES = re.compile(r"\d+")


def programme_school_error(programme: Programme, school: School) -> str | None:
    """Why `programme` cannot run at `school` (a school of another sector), or None."""
    sectors = _SECTOR_OF_SCHOOL_TYPE.get(school.school_type)
    if sectors is None or programme.audience in sectors:
        return None
    return _(
        "%(programme)s is een programma voor het %(sector)s en %(school)s is geen school in "
        "het %(sector)s. Kies een school in het %(sector)s, of een programma voor deze school."
    ) % {
        "programme": programme.name,
        "sector": str(Audience(programme.audience).label).lower(),
        "school": school.name,
    }


def programme_grade_range_text(programme: Programme) -> str:
    """ "groep 7 tot en met 8" (primary) or "klas 1 tot en met 2" (secondary)."""
    unit = _("klas") if programme.audience == Audience.VO else _("groep")
    return _("%(unit)s %(min)s tot en met %(max)s") % {
        "unit": unit,
        "min": programme.grade_min,
        "max": programme.grade_max,
    }


def programme_class_error(programme: Programme, class_name: str) -> str | None:
    """Why the class `class_name` ("8B", "1A", "7/8") cannot take part in `programme`, or
    None. The numbers in the name are its grades; each must lie in the programme's range."""
    grades = [int(number) for number in _CLASS_GRADES.findall(class_name or "")]
    within = programme_grade_range_text(programme)
    if not grades:
        return _(
            "Zet het leerjaar in de naam van de klas, bijvoorbeeld %(example)s; "
            "%(programme)s is voor %(grades)s."
        ) % {
            "example": f"{programme.grade_min}B",
            "programme": programme.name,
            "grades": within,
        }
    if all(programme.grade_min <= grade <= programme.grade_max for grade in grades):
        return None
    return _(
        "%(programme)s is voor %(grades)s; klas %(class)s valt daarbuiten. Kies een klas uit "
        "%(grades)s, of een programma voor deze klas."
    ) % {"programme": programme.name, "grades": within, "class": class_name}


# --- co-financing agreements ------------------------------------------------------------


def cofinancing_agreement_missing(groups: Iterable[Any]) -> set[int]:
    """The ids of those `groups` (anything with `pk`, `programme`, `host_school_id` and
    `school_year_id`) of a co-financed programme whose host school has no co-financing
    agreement for that programme in that school year. One query, however many groups.

    Such a group is allowed; the group page, the planning page and the co-financing
    overview show it as a warning until the agreement exists."""
    wanted = [g for g in groups if g.programme.co_financed]
    if not wanted:
        return set()
    agreed = set(
        CoFinancingAgreement.objects.filter(
            school_id__in={g.host_school_id for g in wanted},
            school_year_id__in={g.school_year_id for g in wanted},
            programme_id__in={g.programme_id for g in wanted},
        ).values_list("school_id", "school_year_id", "programme_id")
    )
    return {
        g.pk for g in wanted if (g.host_school_id, g.school_year_id, g.programme_id) not in agreed
    }


# --- start pages ---------------------------------------------------------------------------


def schools_without_coordinator() -> list[School]:
    """Active schools nobody coordinates: no one there sees their pupils' enrolments or asks
    for groups. One query."""
    return list(School.objects.filter(active=True, coordinators__isnull=True).order_by("name"))


def unavailability_ahead(trainer: Trainer) -> list[TrainerUnavailability]:
    """The trainer's periods of unavailability that have not ended, soonest first. One query."""
    return list(
        TrainerUnavailability.objects.filter(trainer=trainer, ends_at__gte=timezone.now()).order_by(
            "starts_at", "pk"
        )
    )


# --- certificates ---------------------------------------------------------------------------

CERTIFICATE_WARNING_DAYS = 60


def certificate_ends(trainer_ids: Iterable[int], programme_id: int) -> dict[int, Any]:
    """{trainer id: the last day their certificate for the programme is valid (None: it does
    not expire)} for the trainers qualified for it; one query. A trainer missing from the
    answer is not qualified at all."""
    return dict(
        Qualification.objects.filter(
            trainer_id__in=list(trainer_ids), programme_id=programme_id
        ).values_list("trainer_id", "valid_until")
    )


def certificate_valid_on(valid_until: Any, day: Any) -> bool:
    """The rule: a certificate counts up to and including its last valid day."""
    return valid_until is None or day <= valid_until


def certificates_of(trainer: Trainer) -> list[Any]:
    """The trainer's qualifications with their certificates, by programme, each marked
    `expired` (its last day has passed) or `ending` (within the warning days); one query."""
    today = timezone.localdate()
    soon = today + dt.timedelta(days=CERTIFICATE_WARNING_DAYS)
    found = list(
        Qualification.objects.filter(trainer=trainer)
        .select_related("programme")
        .order_by("programme__name_nl")
    )
    for qualification in found:
        ends = qualification.valid_until
        qualification.expired = ends is not None and ends < today
        qualification.ending = ends is not None and today <= ends <= soon
    return found


def certificates_expiring(*, within_days: int = CERTIFICATE_WARNING_DAYS) -> list[Qualification]:
    """Certificates of active trainers that end within `within_days` (or ended already while
    the trainer is still listed as qualified), soonest first; one query. For the manager's
    start page."""
    today = timezone.localdate()
    return list(
        Qualification.objects.filter(
            trainer__active=True,
            valid_until__isnull=False,
            valid_until__lte=today + dt.timedelta(days=within_days),
        )
        .select_related("trainer__user", "programme")
        .order_by("valid_until", "pk")
    )


def grades_of(school: School) -> list[int]:
    """The grades a school has: groep 1 to 8 (primary and special), klas 1 to 6 (secondary)."""
    return list(range(1, 7)) if school.school_type == SchoolType.VO else list(range(1, 9))


def school_pupils(school: School, school_year: SchoolYear) -> dict[int, int]:
    """The school's own figures: its pupils per grade in a school year, the denominator of a
    programme's reach (`reports.outcomes`); a grade left out is not known."""
    return dict(
        SchoolGradePupils.objects.filter(school=school, school_year=school_year).values_list(
            "grade", "pupils"
        )
    )

"""A school's own figures: how many pupils each grade has in a school year, the denominator
of a programme's reach (`reports.outcomes`).

The rows are `programmes.SchoolGradePupils`; this write lives here, beside the outcome
figures that read it, until the catalogue's services (being restructured) take it over.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import School, SchoolGradePupils, SchoolType, SchoolYear

MAX_PUPILS = 2000


def grades_of(school: School) -> list[int]:
    """The grades a school has: groep 1 to 8 (primary and special), klas 1 to 6 (secondary)."""
    return list(range(1, 7)) if school.school_type == SchoolType.VO else list(range(1, 9))


def school_pupils(school: School, school_year: SchoolYear) -> dict[int, int]:
    return dict(
        SchoolGradePupils.objects.filter(school=school, school_year=school_year).values_list(
            "grade", "pupils"
        )
    )


@transaction.atomic
def school_pupils_set(
    *, school: School, school_year: SchoolYear, counts: Mapping[int, int | None]
) -> dict[int, int]:
    """Record the school's pupils per grade for a school year: a number sets a grade, None
    (left empty) removes it (not known). Refuses a grade the school does not have and a
    number below 0 or above `MAX_PUPILS` (a ValidationError per `grade_<n>` field); then
    nothing changes. Returns the counts as stored."""
    errors: dict[str, str] = {}
    grades = grades_of(school)
    for grade, pupils in counts.items():
        if grade not in grades:
            errors[f"grade_{grade}"] = _("Deze school heeft geen groep of klas %(grade)s.") % {
                "grade": grade
            }
        elif pupils is not None and not 0 <= pupils <= MAX_PUPILS:
            errors[f"grade_{grade}"] = _("Vul een aantal van 0 tot en met %(max)s in.") % {
                "max": MAX_PUPILS
            }
    if errors:
        raise ValidationError(errors)
    for grade, pupils in counts.items():
        if pupils is None:
            SchoolGradePupils.objects.filter(
                school=school, school_year=school_year, grade=grade
            ).delete()
        else:
            SchoolGradePupils.objects.update_or_create(
                school=school, school_year=school_year, grade=grade, defaults={"pupils": pupils}
            )
    return school_pupils(school, school_year)

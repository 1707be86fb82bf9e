"""Which dates are sensible: one home for the range every door (pages, API, admin) checks.

A typing slip (9999 for 2027) should be refused with words a person understands, not
stored as a closure that never ends or shown back as "-7973 jaar".
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext_lazy as _

# A school's closed days are planned at most this many years ahead (and kept as far back).
SCHOOL_DATE_YEARS = 5
# The oldest child a prevention programme takes is far younger than this.
CHILD_AGE_YEARS_MAX = 25


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def school_date_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day a school date (a closure) may fall on."""
    today = today or timezone.localdate()
    return _years_from(today, -SCHOOL_DATE_YEARS), _years_from(today, SCHOOL_DATE_YEARS)


def validate_school_date(day: dt.date, today: dt.date | None = None) -> None:
    first, last = school_date_range(today)
    if not first <= day <= last:
        raise ValidationError(
            _("Kies een datum tussen %(first)s en %(last)s."),
            code="date_out_of_range",
            params={"first": f"{first:%d-%m-%Y}", "last": f"{last:%d-%m-%Y}"},
        )


def date_of_birth_error(born: dt.date, today: dt.date | None = None) -> str | None:
    """Why this cannot be a child's date of birth, or None."""
    today = today or timezone.localdate()
    if born > today:
        return str(_("De geboortedatum ligt in de toekomst. Kijk de datum na."))
    if born < _years_from(today, -CHILD_AGE_YEARS_MAX):
        return str(_("Kijk de geboortedatum na: het jaar klopt niet."))
    return None


def validate_date_of_birth(born: dt.date, today: dt.date | None = None) -> None:
    error = date_of_birth_error(born, today)
    if error:
        raise ValidationError(error, code="date_of_birth")


# --- dates in words: the one place weekday and month names come from --------------------
# Django's own names (django.utils.dates, translated by Django's catalogue), as the `date`
# template filter uses them, so a page's text and its buttons never name different days.


def weekday_name(day: dt.date | int) -> str:
    """The weekday of `day` (or of a weekday number, Monday 0) in the current language:
    "maandag"."""
    return str(WEEKDAYS[day if isinstance(day, int) else day.weekday()])


def day_text(day: dt.date, *, year: bool = True) -> str:
    """ "vrijdag 4 december 2026" (the date filter's "l j F Y"); without the year when
    `year` is false."""
    text = f"{weekday_name(day)} {day.day} {MONTHS[day.month]}"
    return f"{text} {day.year}" if year else text


def moment_text(moment: dt.datetime) -> str:
    """ "vrijdag 4 december 2026, 13:00", in Amsterdam time."""
    local = timezone.localtime(moment)
    return f"{day_text(local.date())}, {local:%H:%M}"

"""The demo's rounds (`seed_demo_groups`): how a round is named, whose children it enrols,
and where its series may land. Each `make run` on a later day may add a round; its labels,
children and parents' addresses are its own."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from django.db.models import Q

from programmes.management.commands.seed_demo import has_holidays
from programmes.models import SchoolYear
from scheduler.models import Group
from scheduler.series import SeriesPlan

ROUND = "demo"
SUMMER_MONTHS = (7, 8)

# A child is enrolled once per programme and school year, so rounds after the first enrol
# other children: family `slot` (0 to 6: the open group's three, the running group's four)
# of round `number` takes a first name from this list, and every two rounds the children's
# birthdays move a day, so no two rounds name the same child.
LATER_FIRST_NAMES = (
    "Emma", "Finn", "Julia", "Levi", "Tess", "Milan", "Zoë",
    "Bram", "Saar", "Jesse", "Evi", "Thijs", "Nina", "Ruben",
)  # fmt: skip
FAMILIES_PER_ROUND = 7


def demo_child(first: str, born: dt.date, *, slot: int, number: int) -> tuple[str, dt.date]:
    """The first name and birthday of family `slot`'s child in demo round `number`."""
    if number == 1:
        return first, born
    later = number - 2
    name = LATER_FIRST_NAMES[(slot + FAMILIES_PER_ROUND * later) % len(LATER_FIRST_NAMES)]
    return name, born - dt.timedelta(days=later // 2)


def demo_email(local: str, number: int) -> str:
    """A demo parent's address; each round's families have their own."""
    return f"{local}@example.org" if number == 1 else f"{local}.ronde{number}@example.org"


def labelled(label: str, number: int) -> str:
    """A round label of demo round `number`: the first round's as it was, later ones marked."""
    return label if number == 1 else f"{label}, ronde {number}"


def demo_rounds() -> int:
    """How many demo rounds the database holds: 0, or the highest round number in a label."""
    labels = Group.objects.filter(
        Q(round_label__startswith=ROUND) | Q(round_label__regex=r", ronde \d+$")
    ).values_list("round_label", flat=True)
    numbers = [int(m[1]) for label in labels if (m := re.search(r", ronde (\d+)$", label))]
    return max(numbers, default=1) if labels else 0


def round_label(day: dt.date) -> str:
    """The round a group starting on `day` belongs to: najaar (autumn) or voorjaar (spring)."""
    return f"najaar {day.year}" if day.month >= 8 else f"voorjaar {day.year}"


@cache
def year_has_holidays(label: str) -> bool:
    return has_holidays(label)


def within_school_weeks(plan: SeriesPlan, *, one_year: bool) -> bool:
    """Whether a demo series lands sensibly: within one school year when `one_year`, and
    never in July or August of a year without holiday data (the demo makes no holidays up,
    but it does not plan into the summer it cannot see either)."""
    days = [session.date for session in plan.sessions]
    labels = {SchoolYear.label_for(day) for day in days}
    if one_year and len(labels) > 1:
        return False
    return not any(
        day.month in SUMMER_MONTHS and not year_has_holidays(SchoolYear.label_for(day))
        for day in days
    )

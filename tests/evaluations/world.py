"""The evaluations tests' world: a KIES programme with the default questionnaires, a
published group at the host school starting Monday 2 November 2026 (eight Monday sessions),
and its children, each with a guardian whose address is confirmed.

Plain helpers; a test module that names a date fixes the clock itself (tests/clock.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from evaluations.defaults import questionnaires_install
from tests import factories
from tests.enrolment.world import make_published_group


def kies_programme(code: str = "kies-eval") -> Any:
    programme = factories.ProgrammeFactory(
        code=code,
        name_nl="KIES",
        name_en="KIES",
        age_min=7,
        age_max=17,
        grade_min=1,
        grade_max=8,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        consent_child="from_12",
    )
    questionnaires_install(programme=programme, template="kies")
    return programme


def add_child(
    group: Any,
    *,
    first: str,
    school: Any | None = None,
    born: dt.date | None = None,
    status: str = "confirmed",
    guardians: int = 1,
) -> Any:
    """A child taking part in `group`, with `guardians` guardians (the first enrolled them
    and confirmed their address)."""
    child = factories.ChildFactory(
        first_name=first,
        school=school or group.host_school,
        **({"date_of_birth": born} if born else {}),
    )
    for index in range(guardians):
        factories.GuardianFactory(
            submission=child.submission,
            is_enroller=index == 0,
            email=f"{first.lower()}-ouder{index}@example.org",
            email_confirmed_at=timezone.now() if index == 0 else None,
        )
    return factories.EnrolmentFactory(group=group, child=child, status=status)


def group_with_children(names: tuple[str, ...] = ("Sam", "Lot", "Noor"), **kwargs: Any) -> Any:
    programme = kies_programme()
    host = factories.SchoolFactory(name="Basisschool De Horizon", brin="33CC")
    group = make_published_group(programme, host, **kwargs)
    for name in names:
        add_child(group, first=name)
    return group

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from programmes.models import ChildConsent, EnrolmentMode, GuardianConsent
from tests import cast, factories


@pytest.fixture
def kies(db: None) -> Any:
    return factories.ProgrammeFactory(
        code="kies-test",
        name_nl="KIES",
        name_en="KIES",
        child_sessions=8,
        session_minutes=60,
        parent_meetings_before=1,
        parent_meetings_after=1,
        trainers_per_group=2,
        group_size_max=10,
    )


@pytest.fixture
def think(db: None) -> Any:
    return factories.ProgrammeFactory(
        code="think-test",
        name_nl="THINK op school",
        name_en="THINK at school",
        audience="vo",
        grade_min=1,
        grade_max=2,
        age_min=11,
        age_max=15,
        enrolment_mode=EnrolmentMode.CLASS,
        consent_guardians=GuardianConsent.NONE,
        consent_child=ChildConsent.NONE,
        child_sessions=6,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        group_size_max=32,
    )


@pytest.fixture
def year(db: None) -> Any:
    return factories.SchoolYearFactory(label="2026-2027")


@pytest.fixture
def trainer_pair(kies: Any) -> list[Any]:
    """tessa and umar of the cast (tests/cast.py), both qualified for KIES."""
    return [
        factories.TrainerFactory(
            user=factories.UserFactory(**person.names()), qualifications=[kies]
        )
        for person in (cast.TESSA, cast.UMAR)
    ]


MONDAY_5_OCT_2026 = dt.date(2026, 10, 5)

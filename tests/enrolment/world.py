"""The enrolment tests' world: a KIES programme open for enrolment at a host school, a
published group starting Monday 2 November 2026, the families that enrol (MOTHER, FATHER,
SOLE, `child`) and the clock standing on 1 October 2026.

Plain helpers and constants are imported from here; the fixtures are defined here too and
made available to tests/enrolment by its conftest (``_today`` is autouse there). A test
module elsewhere that needs this world imports the fixtures it uses from this module, never
from a conftest (tests/test_suite_shape.py checks that)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from enrolment.models import Authority
from enrolment.services import ChildInput, GuardianInput
from scheduler.models import GroupStatus
from scheduler.services import group_transition
from tests import cast, factories

# Enrolment opens in the autumn; the group's first session is Monday 2 November 2026.
TODAY = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def kies(db: None) -> Any:
    programme = factories.ProgrammeFactory(
        code="kies-enrol",
        name_nl="KIES",
        name_en="KIES",
        age_min=7,
        age_max=17,
        grade_min=1,
        grade_max=8,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )
    return programme


@pytest.fixture
def host(db: None) -> Any:
    return factories.SchoolFactory(name=cast.HOST.name, brin=cast.HOST.brin)


def make_published_group(programme: Any, host: Any, capacity: int = 8, **kwargs: Any) -> Any:
    """A group of `programme` at `host` (tests.factories.make_group), on Mondays at 13:00 from
    2 November 2026 with one qualified trainer, enrolment open from 1 September to 30
    October, published."""
    year = factories.SchoolYearFactory(label="2026-2027")
    trainer = factories.TrainerFactory(qualifications=[programme])
    group = factories.make_group(
        programme,
        school=host,
        year=year,
        trainers=[trainer],
        first_date=dt.date(2026, 11, 2),
        capacity=capacity,
        enrolment_opens_on=dt.date(2026, 9, 1),
        enrolment_closes_on=dt.date(2026, 10, 30),
        **kwargs,
    )
    group = group_transition(group=group, to=GroupStatus.PUBLISHED)
    return group


@pytest.fixture
def group(kies: Any, host: Any) -> Any:
    return make_published_group(kies, host)


def child(
    group: Any,
    school: Any,
    *,
    first: str = "Sam",
    born: dt.date = dt.date(2017, 3, 1),
    grade: int = 4,
) -> ChildInput:
    return ChildInput(
        first_name=first,
        last_name="de Boer",
        date_of_birth=born,
        school=school,
        grade=grade,
        group=group,
    )


MOTHER = GuardianInput(name="Anna de Boer", email="anna@example.org", authority=Authority.JOINT)
FATHER = GuardianInput(
    name="Bram de Boer", email="bram@example.org", authority=Authority.JOINT, language="en"
)
SOLE = GuardianInput(name="Carla Smit", email="carla@example.org", authority=Authority.SOLE)

"""What the co-financing tests share: the THINK programme, booked classes, agreements."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from programmes.models import CoFinancingAgreement, CostBasis, EnrolmentMode
from programmes.services import agreement_create
from scheduler.models import GroupStatus
from scheduler.services import group_create, group_transition
from tests import factories

MONDAY = dt.date(2026, 10, 5)

# The transitions that take a new (draft) group to each status.
PATH_TO = {
    GroupStatus.DRAFT: [],
    GroupStatus.PUBLISHED: [GroupStatus.PUBLISHED],
    GroupStatus.RUNNING: [GroupStatus.PUBLISHED, GroupStatus.RUNNING],
    GroupStatus.COMPLETED: [GroupStatus.PUBLISHED, GroupStatus.RUNNING, GroupStatus.COMPLETED],
}


def make_think(code: str, **extra: Any) -> Any:
    """A co-financed VO programme booked per class, one trainer, six lessons."""
    return factories.ProgrammeFactory(
        **{
            "code": code,
            "name_nl": "THINK op school",
            "audience": "vo",
            "grade_min": 1,
            "grade_max": 2,
            "age_min": 11,
            "age_max": 15,
            "enrolment_mode": EnrolmentMode.CLASS,
            "consent_guardians": "none",
            "consent_child": "none",
            "child_sessions": 6,
            "parent_meetings_before": 0,
            "parent_meetings_after": 0,
            "trainers_per_group": 1,
            "group_size_max": 32,
            "co_financed": True,
            **extra,
        }
    )


class Classes:
    """Books THINK classes in distinct weekly slots, each with its own trainer."""

    def __init__(self, programme: Any, year: Any, monday: dt.date = MONDAY) -> None:
        self.programme, self.year, self.monday = programme, year, monday
        self.slots = itertools.count()

    def add(self, school: Any, *, size: int = 25, status: str = GroupStatus.RUNNING) -> Any:
        slot = next(self.slots)
        weekday, hour = slot % 5, 8 + slot // 5
        group = group_create(
            programme=self.programme,
            host_school=school,
            school_year=self.year,
            round_label=f"ronde {slot}",
            weekday=weekday,
            start_time=dt.time(hour, 0),
            first_date=self.monday + dt.timedelta(days=weekday),
            trainers=[factories.TrainerFactory(qualifications=[self.programme])],
            class_name=f"1{chr(65 + slot % 26)}",
            class_size=size,
            mentor_name="Mevrouw Mentor",
            as_of=self.monday,  # history: the classes were booked before their first lesson
        ).group
        for step in PATH_TO[status]:
            group = group_transition(group=group, to=step)
        return group


def agree(school: Any, programme: Any, year: Any, **extra: Any) -> CoFinancingAgreement:
    """THINK per class at € 800, the school pays half, four classes agreed."""
    return agreement_create(
        **{
            "school": school,
            "school_year": year,
            "programme": programme,
            "cost_basis": CostBasis.PER_CLASS,
            "price": Decimal("800.00"),
            "school_share_percentage": Decimal("50"),
            "units_agreed": 4,
            **extra,
        }
    )


def vo_school(**extra: Any) -> Any:
    return factories.SchoolFactory(school_type="vo", **extra)

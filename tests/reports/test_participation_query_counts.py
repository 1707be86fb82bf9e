"""The participation report runs the same number of queries for 2 groups as for 10."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrolment.models import Attendance, AttendanceStatus
from enrolment.services import interest_register
from reports.participation import participation, participation_by_school_and_programme
from scheduler.models import SessionKind
from tests import factories
from tests.enrolment.test_api_public_enrolment_flow import confirmed_enrolment
from tests.enrolment.world import (  # noqa: F401 (fixtures)
    _today,
    kies,
    make_published_group,
)
from tests.factories import letters

pytestmark = pytest.mark.django_db


def add_groups(request: pytest.FixtureRequest, first: int, count: int) -> Any:
    """`count` groups at as many schools, each with a confirmed child, an attendance mark
    and a parent's interest."""
    programme = request.getfixturevalue("kies")
    text = request.getfixturevalue("consent_text")
    seen = request.getfixturevalue("emitted")
    for number in range(first, first + count):
        school = factories.SchoolFactory()
        group = make_published_group(programme, school)
        enrolment = confirmed_enrolment(group, school, text, seen, first=f"Kind{letters(number)}")
        session = group.sessions.filter(kind=SessionKind.CHILD).earliest("starts_at")
        Attendance.objects.create(
            session=session, enrolment=enrolment, status=AttendanceStatus.PRESENT
        )
        interest_register(school=school, programme=programme)
    return group.school_year, programme


def queries_for_report(school_year: Any, programme: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        report = participation(school_year=school_year, programme=programme)
    return len(captured), report


def queries_for_lines(school_year: Any, programme: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        lines = participation_by_school_and_programme(school_year=school_year, programme=programme)
    return len(captured), lines


def test_the_report_query_count_does_not_grow_with_groups_and_enrolments(
    request: pytest.FixtureRequest,
) -> None:
    school_year, programme = add_groups(request, 0, 2)
    few, small = queries_for_report(school_year, programme)
    add_groups(request, 2, 8)
    many, large = queries_for_report(school_year, programme)
    assert small.seats_filled == 2
    assert (large.seats_filled, large.attendance_present) == (10, 10)
    assert many == few
    assert few <= 5


def test_the_lines_per_school_and_programme_cost_three_queries_for_2_or_10_schools(
    request: pytest.FixtureRequest,
) -> None:
    school_year, programme = add_groups(request, 0, 2)
    few, small = queries_for_lines(school_year, programme)
    add_groups(request, 2, 8)
    many, large = queries_for_lines(school_year, programme)
    assert (len(small), len(large)) == (2, 10)
    assert sum(line.pupils_enrolled for line in large) == 10
    assert few == many == 3

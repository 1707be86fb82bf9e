"""The participation page, the council page and both downloads run the same number of
queries for 2 groups at 2 schools in 1 programme as for 12 groups at 12 schools in 3
programmes, each with an enrolled child, attendance and a parent's interest."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrolment.models import Attendance, AttendanceStatus
from enrolment.services import interest_register
from scheduler.models import SessionKind
from tests import factories
from tests.enrolment.test_api_public_enrolment_flow import confirmed_enrolment
from tests.enrolment.world import (  # noqa: F401 (fixtures)
    _today,
    kies,
    make_published_group,
)
from tests.factories import letters
from tests.reports.test_participation_pages import tables_of

pytestmark = pytest.mark.django_db

NAMES = [
    "participation-report",
    "participation-council",
    "participation-export-csv",
    "participation-export-xlsx",
]


def add_groups(request: pytest.FixtureRequest, programme: Any, first: int, count: int) -> Any:
    """`count` groups of `programme` at as many new schools, each with a confirmed child,
    an attendance mark and a parent's interest."""
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
    return group.school_year


def queries_for(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def measure(client: Client, school_year: Any) -> dict[str, tuple[int, Any]]:
    query = f"?school_year={school_year.pk}"
    return {name: queries_for(client, reverse(name) + query) for name in NAMES}


def test_the_query_count_does_not_grow_with_groups_schools_and_programmes(
    request: pytest.FixtureRequest, as_alice: Client
) -> None:
    first = request.getfixturevalue("kies")
    school_year = add_groups(request, first, 0, 2)
    few = measure(as_alice, school_year)
    add_groups(request, first, 2, 4)
    for code in ("jes-count", "mkp-count"):
        programme = factories.ProgrammeFactory(
            code=code, age_min=7, age_max=17, grade_min=1, trainers_per_group=1
        )
        add_groups(request, programme, 10 if code == "jes-count" else 20, 3)
    many = measure(as_alice, school_year)

    # The larger report really holds more: the counts are not of an empty page.
    small = tables_of(few["participation-report"][1])
    large = tables_of(many["participation-report"][1])
    assert len(small["Bezetting per programma"]) == 1 + 1
    assert len(large["Bezetting per programma"]) == 1 + 3
    assert dict(large["Kerncijfers"])["Plaatsen bezet"] == "12"

    counts = {name: (few[name][0], many[name][0]) for name in NAMES}
    assert all(a == b for a, b in counts.values()), counts
    assert max(a for a, _ in counts.values()) <= 25, counts

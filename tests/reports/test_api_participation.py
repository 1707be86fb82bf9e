"""The participation report through the API: the manager's figures, with per-school counts
about children of 1 to 4 shown as "< 5" (the API leaves the operational page)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enrolment.models import EnrolmentStatus
from enrolment.services import interest_register
from tests import factories
from tests.enrolment.conftest import (  # noqa: F401 (fixtures)
    _today,
    consent_text,
    emitted,
    host,
    kies,
    make_published_group,
)
from tests.enrolment.test_api_public_enrolment_flow import confirmed_enrolment
from tests.reports.test_api_support import PARTICIPATION

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(request: pytest.FixtureRequest) -> dict[str, Any]:
    """KIES at De Horizon (2 pupils placed, 6 parents interested) and De Linde (5 placed,
    3 interested); a THINK group at De Wilg, where nobody is placed or interested."""
    programme = request.getfixturevalue("kies")
    horizon = request.getfixturevalue("host")
    text = request.getfixturevalue("consent_text")
    seen = request.getfixturevalue("emitted")
    linde = factories.SchoolFactory(name="Basisschool De Linde", brin="44DD")
    wilg = factories.SchoolFactory(name="Basisschool De Wilg", brin="55EE")

    at_horizon = make_published_group(programme, horizon, capacity=8)
    for first in ("Sam", "Noor"):
        confirmed_enrolment(at_horizon, horizon, text, seen, first=first)
    at_linde = make_published_group(programme, linde, capacity=8)
    for first in ("Finn", "Mila", "Bo", "Jip", "Daan"):
        confirmed_enrolment(at_linde, linde, text, seen, first=first)
    other = factories.ProgrammeFactory(
        code="think-part", age_min=7, age_max=17, trainers_per_group=1
    )
    make_published_group(other, wilg, capacity=10)
    for _ in range(6):
        interest_register(school=horizon, programme=programme)
    for _ in range(3):
        interest_register(school=linde, programme=programme)
    return {"year": at_horizon.school_year, "kies": programme, "other": other}


def schools(answer: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (row["school_name"], row["interest"], row["groups_offered"], row["pupils_enrolled"])
        for row in answer["schools"]
    ]


def test_the_api_hides_small_counts_about_children_even_from_the_manager(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    response = as_alice.get(PARTICIPATION, {"school_year": scenario["year"].pk})
    assert response.status_code == 200, response.json()
    assert schools(response.json()) == [
        ("Basisschool De Horizon", 6, 1, "< 5"),
        ("Basisschool De Linde", "< 5", 1, 5),
        # 0 points to nobody and stays 0; groups offered are never hidden.
        ("Basisschool De Wilg", 0, 1, 0),
    ]
    assert b'"pupils_enrolled":"< 5"' in response.content  # a string, not a number


def test_the_totals_over_all_schools_are_given_in_full(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    answer = as_alice.get(PARTICIPATION, {"school_year": scenario["year"].pk}).json()
    assert answer["school_year"]["label"] == "2026-2027"
    assert answer["programme"] is None
    assert (answer["groups_planned"], answer["seats_offered"], answer["seats_filled"]) == (
        3,
        26,
        7,
    )
    assert answer["fill_rate"] == pytest.approx(7 / 26)
    assert answer["enrolments_by_status"][EnrolmentStatus.CONFIRMED] == 7
    assert answer["waitlist_length"] == 0
    assert answer["attendance_rate"] is None  # nothing recorded yet


def test_one_programme_leaves_out_the_others_schools(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    query = {"school_year": scenario["year"].pk, "programme": scenario["kies"].pk}
    answer = as_alice.get(PARTICIPATION, query).json()
    assert answer["programme"]["code"] == "kies-enrol"
    assert [row[0] for row in schools(answer)] == [
        "Basisschool De Horizon",
        "Basisschool De Linde",
    ]
    assert answer["seats_offered"] == 16

    query["programme"] = scenario["other"].pk
    answer = as_alice.get(PARTICIPATION, query).json()
    assert schools(answer) == [("Basisschool De Wilg", 0, 1, 0)]


def test_an_unknown_year_or_programme_is_a_400_on_that_field(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    # Time stands on 1 October 2026 here: without a year, the report is of 2026-2027.
    assert as_alice.get(PARTICIPATION).json()["school_year"]["label"] == "2026-2027"
    response = as_alice.get(PARTICIPATION, {"school_year": 999999})
    assert (response.status_code, list(response.json())) == (400, ["school_year"])
    response = as_alice.get(
        PARTICIPATION, {"school_year": scenario["year"].pk, "programme": 999999}
    )
    assert (response.status_code, list(response.json())) == (400, ["programme"])


@pytest.mark.parametrize("persona", ["as_bob", "as_dave", "as_eve"])
def test_only_the_manager_gets_the_participation_report(
    request: pytest.FixtureRequest, persona: str, scenario: dict[str, Any]
) -> None:
    client = request.getfixturevalue(persona)
    response = client.get(PARTICIPATION, {"school_year": scenario["year"].pk})
    assert response.status_code == 403
    assert "schools" not in response.json()


def test_an_anonymous_caller_gets_a_401(client: Client, scenario: dict[str, Any]) -> None:
    assert client.get(PARTICIPATION, {"school_year": scenario["year"].pk}).status_code == 401


def test_the_report_costs_the_same_queries_for_2_or_10_schools(
    request: pytest.FixtureRequest, as_alice: Client, alice: Any
) -> None:
    programme = request.getfixturevalue("kies")
    text = request.getfixturevalue("consent_text")
    seen = request.getfixturevalue("emitted")

    def add(first: int, count: int) -> Any:
        for number in range(first, first + count):
            school = factories.SchoolFactory()
            group = make_published_group(programme, school)
            confirmed_enrolment(group, school, text, seen, first=f"Kind{number}")
            interest_register(school=school, programme=programme)
        return group.school_year

    def measure(year: Any) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = as_alice.get(PARTICIPATION, {"school_year": year.pk})
        assert response.status_code == 200, response.json()
        return len(captured), len(response.json()["schools"])

    year = add(0, 2)
    few, two = measure(year)
    add(2, 8)
    many, ten = measure(year)
    assert (two, ten) == (2, 10)
    assert many == few, f"{few} -> {many}"

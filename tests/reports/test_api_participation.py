"""The participation report through the API: what the council page shows, per school per
programme, with the same cells hidden (the API leaves the operational page): counts of
children of 1 to 4 as "< 5", and as "*" a second count that a total would give back."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrolment.models import EnrolmentStatus
from enrolment.services import interest_register
from tests import factories
from tests.enrolment.test_api_public_enrolment_flow import confirmed_enrolment
from tests.enrolment.world import (  # noqa: F401 (fixtures)
    _today,
    host,
    kies,
    make_published_group,
)
from tests.factories import letters
from tests.reports.test_api_support import PARTICIPATION
from tests.reports.test_participation_pages import school_table, tables_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(request: pytest.FixtureRequest) -> dict[str, Any]:
    """KIES at De Horizon (2 pupils placed, 6 parents interested) and De Linde (5 placed,
    3 interested); a group of another programme at De Wilg, where nobody is placed yet."""
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
        code="think-part", name_nl="THINK", age_min=7, age_max=17, trainers_per_group=1
    )
    at_wilg = make_published_group(other, wilg, capacity=10)
    for _ in range(6):
        interest_register(school=horizon, programme=programme)
    for _ in range(3):
        interest_register(school=linde, programme=programme)
    return {
        "year": at_horizon.school_year,
        "kies": programme,
        "other": other,
        "at_wilg": at_wilg,
        "wilg": wilg,
        "text": text,
        "seen": seen,
    }


def rows(answer: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            row["school_name"],
            row["programme_name"],
            row["interest"],
            row["groups_offered"],
            row["pupils_enrolled"],
        )
        for row in answer["rows"]
    ]


def test_the_api_gives_a_row_per_school_and_programme_with_second_counts_hidden(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    response = as_alice.get(PARTICIPATION, {"school_year": scenario["year"].pk})
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert rows(answer) == [
        # De Linde's 3 interested would follow from KIES's 9 minus De Horizon's 6, and De
        # Horizon's 2 pupils from 7 minus De Linde's 5: so the 6 and the 5 go too, as "*".
        ("Basisschool De Horizon", "KIES", "*", 1, "< 5"),
        ("Basisschool De Linde", "KIES", "< 5", 1, "*"),
        # 0 points to nobody and stays 0; groups offered are never hidden.
        ("Basisschool De Wilg", "THINK", 0, 1, 0),
    ]
    assert answer["rows"][0]["school_id"] and answer["rows"][0]["programme_id"]
    assert b'"pupils_enrolled":"< 5"' in response.content  # a string, not a number
    assert [
        (t["programme_name"], t["interest"], t["groups_offered"], t["pupils_enrolled"])
        for t in answer["programme_totals"]
    ] == [("KIES", 9, 2, 7), ("THINK", 0, 1, 0)]
    assert answer["totals"] == {"interest": 9, "groups_offered": 3, "pupils_enrolled": 7}


def test_the_figures_above_school_level_are_given_where_they_point_to_nobody(
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
    assert answer["enrolments_by_status"][EnrolmentStatus.WITHDRAWN] == 0
    assert answer["waitlist_length"] == 0
    assert answer["attendance_rate"] is None  # nothing recorded yet
    first, think = answer["programmes"]
    assert (first["programme_name"], first["seats_offered"], first["seats_filled"]) == (
        "KIES",
        16,
        7,
    )
    assert first["fill_rate"] == pytest.approx(7 / 16)
    assert (think["seats_filled"], think["fill_rate"], think["class_mode"]) == (0, 0, False)


def test_a_programme_at_a_single_school_hides_its_total_and_the_total_of_all(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    for first in ("Lotte", "Sara", "Emma"):
        confirmed_enrolment(
            scenario["at_wilg"], scenario["wilg"], scenario["text"], scenario["seen"], first=first
        )
    answer = as_alice.get(PARTICIPATION, {"school_year": scenario["year"].pk}).json()
    assert rows(answer)[2] == ("Basisschool De Wilg", "THINK", 0, 1, "< 5")
    # THINK's total is De Wilg's 3, and 10 in all minus KIES's 7 would give it back.
    assert [t["pupils_enrolled"] for t in answer["programme_totals"]] == [7, "< 5"]
    assert answer["totals"]["pupils_enrolled"] == "*"
    assert (answer["seats_filled"], answer["fill_rate"]) == ("*", "*")
    assert answer["enrolments_by_status"][EnrolmentStatus.CONFIRMED] == "*"
    first, think = answer["programmes"]
    assert (first["seats_filled"], think["seats_filled"], think["fill_rate"]) == (7, "< 5", "*")


def test_the_council_page_the_downloads_and_the_api_hide_the_same_cells(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    for first in ("Lotte", "Sara", "Emma"):
        confirmed_enrolment(
            scenario["at_wilg"], scenario["wilg"], scenario["text"], scenario["seen"], first=first
        )
    query = {"school_year": scenario["year"].pk}
    answer = as_alice.get(PARTICIPATION, query).json()
    from_api = [[str(value) for value in row] for row in rows(answer)]

    council = as_alice.get(reverse("participation-council"), query)
    assert school_table(council) == from_api
    tables = tables_of(council)
    assert dict(tables["Kerncijfers"])["Plaatsen bezet"] == str(answer["seats_filled"]) == "*"
    assert [row[3] for row in tables["Bezetting per programma"][1:]] == [
        str(line["seats_filled"]) for line in answer["programmes"]
    ]
    statuses = dict(tables["Inschrijvingen per status"][1:])
    assert statuses["Bevestigd"] == answer["enrolments_by_status"][EnrolmentStatus.CONFIRMED]

    download = as_alice.get(reverse("participation-export-csv"), query)
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    values = {(programme, school, what): value for _, programme, school, what, value in lines}
    for school, programme, interest, offered, enrolled in from_api:
        assert values[(programme, school, "Belangstelling")] == interest
        assert values[(programme, school, "Groepen aangeboden")] == offered
        assert values[(programme, school, "Leerlingen geplaatst")] == enrolled
    assert values[("alle programma's", "", "Plaatsen bezet")] == "*"
    assert values[("THINK", "", "Plaatsen bezet")] == "< 5"
    assert values[("THINK", "", "Bezettingsgraad in procenten")] == "*"

    # The manager's operational page keeps every count.
    operational = as_alice.get(reverse("participation-report"), query)
    assert dict(tables_of(operational)["Kerncijfers"])["Plaatsen bezet"] == "10"
    assert ["Basisschool De Wilg", "THINK", "0", "1", "3"] in school_table(operational)


def test_one_programme_leaves_out_the_others_schools(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    query = {"school_year": scenario["year"].pk, "programme": scenario["kies"].pk}
    answer = as_alice.get(PARTICIPATION, query).json()
    assert answer["programme"]["code"] == "kies-enrol"
    assert [row[0] for row in rows(answer)] == [
        "Basisschool De Horizon",
        "Basisschool De Linde",
    ]
    assert answer["seats_offered"] == 16
    assert [line["programme_name"] for line in answer["programmes"]] == ["KIES"]

    query["programme"] = scenario["other"].pk
    answer = as_alice.get(PARTICIPATION, query).json()
    assert rows(answer) == [("Basisschool De Wilg", "THINK", 0, 1, 0)]


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
    assert "rows" not in response.json()


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
            confirmed_enrolment(group, school, text, seen, first=f"Kind{letters(number)}")
            interest_register(school=school, programme=programme)
        return group.school_year

    def measure(year: Any) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = as_alice.get(PARTICIPATION, {"school_year": year.pk})
        assert response.status_code == 200, response.json()
        return len(captured), len(response.json()["rows"])

    year = add(0, 2)
    few, two = measure(year)
    add(2, 8)
    many, ten = measure(year)
    assert (two, ten) == (2, 10)
    assert many == few, f"{few} -> {many}"

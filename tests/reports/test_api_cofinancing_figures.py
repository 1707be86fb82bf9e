"""The API's co-financing figures: exact decimal strings, the same as `reports.ledger`,
whichever endpoint shows them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from programmes.models import CostBasis, SchoolYear
from programmes.services import invoice_mark_paid, invoice_mark_sent
from reports.ledger import ledger_rows
from scheduler.models import GroupStatus
from tests import factories
from tests.clock import on_day
from tests.reports.cofinancing_support import MONDAY, Classes
from tests.reports.test_api_support import (
    AGREEMENTS,
    LEDGER,
    agree,
    bill,
    ids,
    make_think,
    make_vo,
)

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

FIGURES = (
    "units_agreed",
    "units_delivered",
    "units_difference",
    "school_share",
    "municipal_share",
    "invoiced",
    "paid",
    "outstanding",
)


@pytest.fixture
def books(school_a: Any, school_b: Any) -> dict[str, Any]:
    """School A: 3 classes delivered at 1234.56 a class, 33.33 % for the school, invoices
    of 1000.00 (sent), 234.44 (paid) and 50.00 (concept). School B: 53 pupils delivered at
    10.00 a pupil, 7.50 a pupil for the school but at most 350.00."""
    make_vo(school_a, school_b)
    think = make_think()
    year = factories.SchoolYearFactory(label="2026-2027")
    classes = Classes(think, year, MONDAY)
    for _ in range(3):
        classes.add(school_a, status=GroupStatus.RUNNING)
    classes.add(school_a, status=GroupStatus.PUBLISHED)  # not delivered yet
    classes.add(school_b, size=25, status=GroupStatus.COMPLETED)
    classes.add(school_b, size=28, status=GroupStatus.RUNNING)
    at_a = agree(
        school_a,
        think,
        year,
        price=Decimal("1234.56"),
        school_share_percentage=Decimal("33.33"),
        units_agreed=4,
    )
    at_b = agree(
        school_b,
        think,
        year,
        cost_basis=CostBasis.PER_PUPIL,
        price=Decimal("10.00"),
        school_share_percentage=None,
        school_share_fixed=Decimal("7.50"),
        school_share_cap=Decimal("350.00"),
        units_agreed=50,
    )
    sent = bill(at_a, "A-1", "1000.00")
    invoice_mark_sent(invoice=sent, date_sent=MONDAY)
    paid = bill(at_a, "A-2", "234.44")
    invoice_mark_sent(invoice=paid, date_sent=MONDAY)
    invoice_mark_paid(invoice=paid, date_paid=MONDAY)
    bill(at_a, "A-3", "50.00")
    return {"year": year, "think": think, "a": at_a, "b": at_b}


EXPECTED_A = {
    "units_agreed": 4,
    "units_delivered": 3,
    "units_difference": -1,
    "school_share": "1234.44",  # 3 x 1234.56 = 3703.68; x 33.33 % = 1234.436544
    "municipal_share": "2469.24",
    "invoiced": "1234.44",  # sent and paid, not the concept
    "paid": "234.44",
    "outstanding": "1000.00",
}
EXPECTED_B = {
    "units_agreed": 50,
    "units_delivered": 53,
    "units_difference": 3,
    "school_share": "350.00",  # 53 x 7.50 = 397.50, capped
    "municipal_share": "180.00",
    "invoiced": "0.00",
    "paid": "0.00",
    "outstanding": "0.00",
}


def figures(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in FIGURES}


def test_an_agreement_shows_its_figures_as_exact_decimal_strings(
    as_alice: Client, books: dict[str, Any]
) -> None:
    response = as_alice.get(f"{AGREEMENTS}{books['a'].pk}/")
    assert figures(response.json()) == EXPECTED_A
    # Strings in the JSON itself, never floats that a client would round.
    assert b'"school_share":"1234.44"' in response.content
    assert response.json()["price"] == "1234.56"
    assert response.json()["school_share_percentage"] == "33.33"


def test_the_list_shows_the_same_figures_as_the_detail(
    as_alice: Client, books: dict[str, Any]
) -> None:
    rows = as_alice.get(AGREEMENTS).json()["results"]
    assert [figures(row) for row in rows] == [EXPECTED_A, EXPECTED_B]
    assert rows[1]["school_share_cap"] == "350.00"


def test_the_ledger_has_every_row_and_the_totals_in_exact_decimal_strings(
    as_alice: Client, books: dict[str, Any]
) -> None:
    response = as_alice.get(LEDGER, {"school_year": books["year"].pk})
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["school_year"]["label"] == "2026-2027"
    assert [figures(row) for row in answer["rows"]] == [EXPECTED_A, EXPECTED_B]
    assert answer["totals"] == {
        "units_agreed": 54,
        "units_delivered": 56,
        "school_share": "1584.44",
        "municipal_share": "2649.24",
        "invoiced": "1234.44",
        "paid": "234.44",
        "outstanding": "1000.00",
    }


@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_the_api_figures_are_those_of_the_ledger_for_each_user(
    request: pytest.FixtureRequest, books: dict[str, Any], persona: str
) -> None:
    user = request.getfixturevalue(persona)
    client = request.getfixturevalue(f"as_{persona}")
    ledger = ledger_rows(books["year"], user)
    expected = [
        {
            "id": row.agreement.pk,
            "units_agreed": row.units_agreed,
            "units_delivered": row.units_delivered,
            "units_difference": row.units_difference,
            "school_share": str(row.school_share),
            "municipal_share": str(row.municipal_share),
            "invoiced": str(row.invoiced),
            "paid": str(row.paid),
            "outstanding": str(row.outstanding),
        }
        for row in ledger.rows
    ]
    assert expected, "every persona sees at least one agreement"

    def shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": row["id"], **figures(row)} for row in rows]

    answer = client.get(LEDGER, {"school_year": books["year"].pk}).json()
    assert shown(answer["rows"]) == expected
    assert shown(client.get(AGREEMENTS).json()["results"]) == expected
    totals = {k: v if isinstance(v, int) else str(v) for k, v in ledger.totals.items()}
    assert answer["totals"] == totals


def test_agreements_filter_by_school_year_school_and_programme(
    as_alice: Client, books: dict[str, Any], school_a: Any
) -> None:
    next_year = factories.SchoolYearFactory(label="2027-2028")
    later = agree(school_a, books["think"], next_year)
    other = factories.ProgrammeFactory(code="other-cofi", co_financed=True)
    elsewhere = agree(school_a, other, books["year"])
    a, b, year = books["a"], books["b"], books["year"]
    assert ids(as_alice.get(AGREEMENTS, {"school_year": year.pk})) == [
        elsewhere.pk,  # "Programma …" sorts before "THINK …" at the same school
        a.pk,
        b.pk,
    ]
    assert ids(as_alice.get(AGREEMENTS, {"school_year": next_year.pk})) == [later.pk]
    assert ids(as_alice.get(AGREEMENTS, {"school": b.school_id})) == [b.pk]
    assert ids(as_alice.get(AGREEMENTS, {"programme": other.pk})) == [elsewhere.pk]
    # Another year's agreement has its own figures: nothing was delivered then.
    detail = as_alice.get(f"{AGREEMENTS}{later.pk}/").json()
    assert (detail["units_delivered"], detail["school_share"]) == (0, "0.00")


def on(day: dt.date, user: Any) -> Any:
    """Signed in on `day` (a session from today would have expired by then)."""
    with time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)):
        client = Client()
        client.force_login(user)
        return client.get(LEDGER)


def test_without_a_school_year_the_ledger_is_that_of_today(
    alice: Any, books: dict[str, Any]
) -> None:
    factories.SchoolYearFactory(label="2027-2028")
    answer = on(dt.date(2027, 3, 1), alice).json()
    assert answer["school_year"]["label"] == "2026-2027"
    assert answer["totals"]["school_share"] == "1584.44"
    assert on(dt.date(2027, 9, 1), alice).json()["school_year"]["label"] == "2027-2028"


def test_when_the_year_of_today_is_not_entered_the_ledger_is_that_of_the_latest_year(
    alice: Any, books: dict[str, Any]
) -> None:
    factories.SchoolYearFactory(label="2027-2028")
    # As the pages do (SchoolYear.objects.current): no school year holds that day, so the
    # latest one that has begun, rather than a refusal every summer.
    answer = on(dt.date(2028, 8, 20), alice)
    assert answer.status_code == 200
    assert answer.json()["school_year"]["label"] == "2027-2028"


def test_without_any_school_year_the_ledger_asks_for_one(alice: Any) -> None:
    SchoolYear.objects.all().delete()  # the ones shipped with the holidays
    missing = on(dt.date(2026, 12, 6), alice)
    assert missing.status_code == 400
    assert "geen schooljaar van vandaag" in missing.json()["school_year"][0]


def test_the_ledger_needs_a_school_year_that_exists(
    as_alice: Client, books: dict[str, Any]
) -> None:
    unknown = as_alice.get(LEDGER, {"school_year": 999999})
    assert unknown.status_code == 400
    assert "school_year" in unknown.json()
    assert as_alice.get(LEDGER, {"school_year": "twee"}).status_code == 400


def test_a_year_without_agreements_has_an_empty_ledger_with_zero_totals(
    as_alice: Client, books: dict[str, Any]
) -> None:
    empty = factories.SchoolYearFactory(label="2030-2031")
    answer = as_alice.get(LEDGER, {"school_year": empty.pk}).json()
    assert answer["rows"] == []
    assert answer["totals"]["outstanding"] == "0.00"
    assert json.dumps(answer["totals"]).count("0.00") == 5

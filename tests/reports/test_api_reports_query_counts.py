"""Every co-financing list costs the same number of queries for 2 rows as for 10, for the
manager and for a coordinator (who here coordinates every school, to see every row)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from programmes.models import SchoolType
from programmes.services import invoice_mark_paid, invoice_mark_sent
from scheduler.models import GroupStatus
from tests import factories
from tests.clock import on_day
from tests.reports.cofinancing_support import MONDAY, Classes
from tests.reports.test_api_support import AGREEMENTS, INVOICES, LEDGER, agree, bill, make_think

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


class Books:
    """Adds VO schools, each with a delivered class, an agreement and a paid invoice."""

    def __init__(self, coordinator: Any) -> None:
        self.think = make_think()
        self.year = factories.SchoolYearFactory(label="2026-2027")
        self.classes = Classes(self.think, self.year, MONDAY)
        self.coordinator = coordinator
        self.made = 0

    def add(self, n: int) -> None:
        for _ in range(n):
            self.made += 1
            school = factories.SchoolFactory(
                school_type=SchoolType.VO, coordinators=[self.coordinator]
            )
            self.classes.add(school, status=GroupStatus.RUNNING)
            agreement = agree(school, self.think, self.year)
            invoice = bill(agreement, f"Q-{self.made}")
            invoice_mark_sent(invoice=invoice, date_sent=MONDAY)
            invoice_mark_paid(invoice=invoice, date_paid=MONDAY)


@pytest.fixture
def books(bob: Any) -> Books:
    return Books(coordinator=bob)


def count(client: Client, url: str, query: dict[str, Any], rows: Callable[[Any], list]) -> Any:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200, response.json()
    return len(captured.captured_queries), len(rows(response.json()))


def assert_flat(client: Client, books: Books, url: str, rows: Callable[[Any], list]) -> None:
    query = {"school_year": books.year.pk}
    books.add(2)
    few_queries, few_rows = count(client, url, query, rows)
    books.add(8)
    many_queries, many_rows = count(client, url, query, rows)
    assert (few_rows, many_rows) == (2, 10)
    assert many_queries == few_queries, f"{url}: {few_queries} -> {many_queries}"


@pytest.mark.parametrize("persona", ["as_alice", "as_bob"])
def test_the_agreement_list_costs_the_same_for_2_or_10_agreements(
    request: pytest.FixtureRequest, books: Books, persona: str
) -> None:
    client = request.getfixturevalue(persona)
    assert_flat(client, books, AGREEMENTS, lambda body: body["results"])


@pytest.mark.parametrize("persona", ["as_alice", "as_bob"])
def test_the_invoice_list_costs_the_same_for_2_or_10_invoices(
    request: pytest.FixtureRequest, books: Books, persona: str
) -> None:
    client = request.getfixturevalue(persona)
    assert_flat(client, books, INVOICES, lambda body: body["results"])


@pytest.mark.parametrize("persona", ["as_alice", "as_bob"])
def test_the_ledger_costs_the_same_for_2_or_10_rows(
    request: pytest.FixtureRequest, books: Books, persona: str
) -> None:
    client = request.getfixturevalue(persona)
    assert_flat(client, books, LEDGER, lambda body: body["rows"])


def test_the_figures_in_the_measured_lists_are_real(as_alice: Client, books: Books) -> None:
    """The lists above are measured with delivered classes and paid invoices in them."""
    books.add(2)
    rows = as_alice.get(AGREEMENTS).json()["results"]
    assert [(row["units_delivered"], row["paid"]) for row in rows] == [(1, "400.00")] * 2

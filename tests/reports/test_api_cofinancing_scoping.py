"""Who sees which co-financing and reports through the API.

alice (manager) sees and changes everything; bob and carol (coordinators of school A and
B) read only their own school's agreements, invoices and ledger, and never change them;
dave (trainer) and eve (no role) get a 403; an anonymous caller a 401.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from programmes.api_tokens import api_token_create
from programmes.models import CoFinancingAgreement, Invoice, InvoiceStatus
from tests import factories
from tests.clock import on_day
from tests.reports.test_api_support import (
    AGREEMENTS,
    INVOICES,
    LEDGER,
    PARTICIPATION,
    agree,
    bill,
    ids,
    make_think,
    make_vo,
    patch,
    post,
)

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


@pytest.fixture
def books(school_a: Any, school_b: Any) -> dict[str, Any]:
    make_vo(school_a, school_b)
    think = make_think()
    year = factories.SchoolYearFactory(label="2026-2027")
    at_a = agree(school_a, think, year)
    at_b = agree(school_b, think, year, units_agreed=7)
    return {
        "year": year,
        "think": think,
        "a": at_a,
        "b": at_b,
        "invoice_a": bill(at_a, "2026-A1"),
        "invoice_b": bill(at_b, "2026-B1"),
    }


def ledger_schools(client: Client, year: Any) -> list[str]:
    response = client.get(LEDGER, {"school_year": year.pk})
    assert response.status_code == 200, response.json()
    return [row["school_name"] for row in response.json()["rows"]]


def every_read(books: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    year = books["year"].pk
    return [
        (AGREEMENTS, {}),
        (f"{AGREEMENTS}{books['a'].pk}/", {}),
        (INVOICES, {}),
        (f"{INVOICES}{books['invoice_a'].pk}/", {}),
        (LEDGER, {"school_year": year}),
        (PARTICIPATION, {"school_year": year}),
    ]


def every_write(books: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    a, invoice = books["a"], books["invoice_a"]
    return [
        ("post", AGREEMENTS, {"school": a.school_id, "programme": a.programme_id}),
        ("patch", f"{AGREEMENTS}{a.pk}/", {"units_agreed": 99}),
        ("post", INVOICES, {"agreement": a.pk, "reference": "X-9", "amount": "1.00"}),
        ("post", f"{INVOICES}{invoice.pk}/mark-sent/", {"date_sent": "2026-11-02"}),
        ("post", f"{INVOICES}{invoice.pk}/mark-paid/", {"date_paid": "2026-11-03"}),
    ]


def send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return (patch if method == "patch" else post)(client, url, data)


def state() -> tuple[Any, ...]:
    return (
        CoFinancingAgreement.objects.count(),
        sorted(CoFinancingAgreement.objects.values_list("units_agreed", flat=True)),
        sorted(Invoice.objects.values_list("reference", "status")),
    )


# --- alice, the programme manager ----------------------------------------------------------


def test_the_manager_sees_every_agreement_invoice_and_ledger_row(
    as_alice: Client, books: dict[str, Any]
) -> None:
    assert ids(as_alice.get(AGREEMENTS)) == [books["a"].pk, books["b"].pk]
    assert ids(as_alice.get(INVOICES)) == [books["invoice_a"].pk, books["invoice_b"].pk]
    assert ledger_schools(as_alice, books["year"]) == [
        "Basisschool De Esch",
        "Basisschool Het Anker",
    ]
    for url, query in every_read(books):
        assert as_alice.get(url, query).status_code == 200, url


# --- bob and carol, coordinators -----------------------------------------------------------


def test_a_coordinator_reads_only_their_own_schools_agreements_and_invoices(
    as_bob: Client, books: dict[str, Any]
) -> None:
    assert ids(as_bob.get(AGREEMENTS)) == [books["a"].pk]
    assert ids(as_bob.get(INVOICES)) == [books["invoice_a"].pk]
    assert as_bob.get(f"{AGREEMENTS}{books['a'].pk}/").json()["school_name"] == (
        "Basisschool De Esch"
    )
    assert as_bob.get(f"{INVOICES}{books['invoice_a'].pk}/").status_code == 200


def test_another_schools_agreement_and_invoice_do_not_exist_for_a_coordinator(
    as_bob: Client, as_carol: Client, books: dict[str, Any]
) -> None:
    assert as_bob.get(f"{AGREEMENTS}{books['b'].pk}/").status_code == 404
    assert as_bob.get(f"{INVOICES}{books['invoice_b'].pk}/").status_code == 404
    assert as_carol.get(f"{AGREEMENTS}{books['a'].pk}/").status_code == 404
    assert as_carol.get(f"{INVOICES}{books['invoice_a'].pk}/").status_code == 404
    # Filtering on the other school finds nothing rather than widening the scope.
    assert ids(as_bob.get(AGREEMENTS, {"school": books["b"].school_id})) == []
    assert ids(as_bob.get(INVOICES, {"agreement": books["b"].pk})) == []


def test_a_coordinators_ledger_holds_only_their_own_school(
    as_bob: Client, as_carol: Client, books: dict[str, Any]
) -> None:
    assert ledger_schools(as_bob, books["year"]) == ["Basisschool De Esch"]
    assert ledger_schools(as_carol, books["year"]) == ["Basisschool Het Anker"]
    totals = as_carol.get(LEDGER, {"school_year": books["year"].pk}).json()["totals"]
    assert totals["units_agreed"] == 7  # school B's agreement only, not A's 4


def test_a_coordinator_changes_nothing_not_even_at_their_own_school(
    as_bob: Client, books: dict[str, Any]
) -> None:
    before = state()
    for method, url, data in every_write(books):
        response = send(as_bob, method, url, data)
        assert response.status_code == 403, (url, response.json())
    assert state() == before


def test_a_coordinator_may_not_see_the_participation_report(
    as_bob: Client, books: dict[str, Any]
) -> None:
    response = as_bob.get(PARTICIPATION, {"school_year": books["year"].pk})
    assert response.status_code == 403
    assert "programmabeheerder" in response.json()["detail"]


# --- dave (trainer), eve (no role), anonymous ----------------------------------------------


@pytest.mark.parametrize("persona", ["as_dave", "as_eve"])
def test_trainers_and_users_without_a_role_get_403_everywhere(
    request: pytest.FixtureRequest, persona: str, books: dict[str, Any]
) -> None:
    client = request.getfixturevalue(persona)
    for url, query in every_read(books):
        assert client.get(url, query).status_code == 403, url
    before = state()
    for method, url, data in every_write(books):
        assert send(client, method, url, data).status_code == 403, url
    assert state() == before


def test_an_anonymous_caller_is_asked_to_authenticate_everywhere(
    client: Client, books: dict[str, Any]
) -> None:
    for url, query in every_read(books):
        response = client.get(url, query)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"].startswith("Token")
    before = state()
    for method, url, data in every_write(books):
        assert send(client, method, url, data).status_code == 401, url
    assert state() == before
    assert Invoice.objects.get(reference="2026-A1").status == InvoiceStatus.CONCEPT


def test_an_api_token_reads_the_ledger_like_a_session_does(books: dict[str, Any], bob: Any) -> None:
    raw = api_token_create(user=bob).raw
    client = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    assert ledger_schools(client, books["year"]) == ["Basisschool De Esch"]

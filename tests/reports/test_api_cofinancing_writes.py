"""The manager records agreements and invoices through the API; a refusal is a 400 with
field messages and changes nothing; invoices move concept -> sent -> paid only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from programmes.models import (
    CoFinancingAction,
    CoFinancingAgreement,
    CoFinancingChange,
    Invoice,
    InvoiceStatus,
)
from tests import factories
from tests.clock import on_day
from tests.reports.test_api_support import (
    AGREEMENTS,
    INVOICES,
    agree,
    bill,
    ids,
    make_think,
    make_vo,
    patch,
    post,
    put,
)

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

SENT = dt.date(2026, 11, 2)


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC))


@pytest.fixture
def think(db: None) -> Any:
    return make_think()


@pytest.fixture
def year(db: None) -> Any:
    return factories.SchoolYearFactory(label="2026-2027")


@pytest.fixture
def vo_a(school_a: Any) -> Any:
    make_vo(school_a)
    return school_a


@pytest.fixture
def agreement(vo_a: Any, think: Any, year: Any) -> CoFinancingAgreement:
    return agree(vo_a, think, year)


@pytest.fixture
def invoice(agreement: CoFinancingAgreement) -> Invoice:
    return bill(agreement, "2026-0001")


def body(school: Any, think: Any, year: Any, /, **extra: Any) -> dict[str, Any]:
    return {
        "school": school.pk,
        "school_year": year.pk,
        "programme": think.pk,
        "cost_basis": "per_class",
        "price": "800.00",
        "school_share_percentage": "50.00",
        "units_agreed": 4,
        **extra,
    }


def snapshot() -> list[tuple[Any, ...]]:
    return [
        *CoFinancingAgreement.objects.order_by("pk").values_list(
            "pk", "school_id", "price", "school_share_percentage", "school_share_fixed"
        ),
        *Invoice.objects.order_by("pk").values_list("pk", "status", "date_sent", "date_paid"),
        ("history", CoFinancingChange.objects.count()),
    ]


@contextmanager
def nothing_changes() -> Iterator[None]:
    before = snapshot()
    yield
    assert snapshot() == before


def refused(response: Any, field: str) -> str:
    """The 400's messages for `field`, as one text."""
    assert response.status_code == 400, response.json()
    errors = response.json()
    assert field in errors, errors
    return " ".join(errors[field])


# --- agreements ----------------------------------------------------------------------------


def test_the_manager_records_an_agreement_and_gets_it_back_with_its_figures(
    as_alice: Client, alice: Any, vo_a: Any, think: Any, year: Any
) -> None:
    response = post(as_alice, AGREEMENTS, body(vo_a, think, year))
    assert response.status_code == 201, response.json()
    answer = response.json()
    agreement = CoFinancingAgreement.objects.get()
    assert answer["id"] == agreement.pk
    assert (answer["school_name"], answer["school_year_label"], answer["price"]) == (
        "Basisschool De Esch",
        "2026-2027",
        "800.00",
    )
    assert answer["units_delivered"] == 0
    assert answer["units_difference"] == -4
    assert [answer[k] for k in ("school_share", "municipal_share", "outstanding")] == [
        "0.00",
        "0.00",
        "0.00",
    ]
    # The change is in the agreement's history, in alice's name.
    change = CoFinancingChange.objects.get(agreement=agreement)
    assert (change.action, change.actor) == (CoFinancingAction.CREATED, alice)


@pytest.mark.parametrize(
    ("extra", "field", "says"),
    [
        ({"school_share_percentage": "101"}, "school_share_percentage", "100"),
        ({"school_share_fixed": "10.00"}, "non_field_errors", "percentage óf als vast bedrag"),
        ({"school_share_percentage": None}, "non_field_errors", "percentage óf als vast bedrag"),
        ({"price": "-1.00"}, "price", "0"),
        ({"price": "12.345"}, "price", "2"),
        ({"school_share_cap": "-5"}, "school_share_cap", "0"),
        ({"cost_basis": "per_bus"}, "cost_basis", "per_bus"),
        ({"programme": 999999}, "programme", "999999"),
        ({"school": None}, "school", ""),
    ],
)
def test_an_invalid_agreement_is_a_400_on_the_field_and_changes_nothing(
    as_alice: Client,
    vo_a: Any,
    think: Any,
    year: Any,
    extra: dict[str, Any],
    field: str,
    says: str,
) -> None:
    with nothing_changes():
        response = post(as_alice, AGREEMENTS, body(vo_a, think, year, **extra))
        assert says in refused(response, field)


def test_a_primary_school_cannot_agree_to_co_finance_a_vo_programme(
    as_alice: Client, school_b: Any, think: Any, year: Any
) -> None:
    with nothing_changes():
        response = post(as_alice, AGREEMENTS, body(school_b, think, year))
        assert "alleen VO-scholen" in refused(response, "school")


def test_a_programme_that_is_not_co_financed_is_refused_on_the_programme(
    as_alice: Client, vo_a: Any, year: Any
) -> None:
    free = factories.ProgrammeFactory(audience="vo", grade_min=1, grade_max=2, co_financed=False)
    with nothing_changes():
        response = post(as_alice, AGREEMENTS, body(vo_a, free, year))
        assert "niet door scholen medegefinancierd" in refused(response, "programme")


def test_a_second_agreement_for_the_same_school_year_and_programme_is_refused(
    as_alice: Client, agreement: CoFinancingAgreement, vo_a: Any, think: Any, year: Any
) -> None:
    with nothing_changes():
        response = post(as_alice, AGREEMENTS, body(vo_a, think, year, units_agreed=9))
        assert response.status_code == 400
        assert "Er is al een afspraak" in str(response.json())


def test_the_manager_changes_an_agreement_and_the_history_holds_old_and_new(
    as_alice: Client, alice: Any, agreement: CoFinancingAgreement
) -> None:
    response = patch(as_alice, f"{AGREEMENTS}{agreement.pk}/", {"units_agreed": 6})
    assert response.status_code == 200, response.json()
    assert (response.json()["units_agreed"], response.json()["units_difference"]) == (6, -6)
    change = CoFinancingChange.objects.get(action=CoFinancingAction.UPDATED)
    assert change.changes == {"units_agreed": [4, 6]}
    assert change.actor == alice


def test_switching_from_a_percentage_to_a_fixed_amount_needs_the_percentage_cleared(
    as_alice: Client, agreement: CoFinancingAgreement
) -> None:
    url = f"{AGREEMENTS}{agreement.pk}/"
    with nothing_changes():
        response = patch(as_alice, url, {"school_share_fixed": "300.00"})
        assert "percentage óf als vast bedrag" in refused(response, "non_field_errors")
    response = patch(as_alice, url, {"school_share_percentage": None, "school_share_fixed": "300"})
    assert response.status_code == 200, response.json()
    assert response.json()["school_share_fixed"] == "300.00"
    agreement.refresh_from_db()
    assert (agreement.school_share_percentage, agreement.school_share_fixed) == (
        None,
        Decimal("300.00"),
    )


def test_an_invalid_change_is_a_400_and_leaves_the_agreement_as_it_was(
    as_alice: Client, agreement: CoFinancingAgreement, school_b: Any
) -> None:
    url = f"{AGREEMENTS}{agreement.pk}/"
    with nothing_changes():
        assert "alleen VO-scholen" in refused(
            patch(as_alice, url, {"school": school_b.pk}), "school"
        )
        refused(patch(as_alice, url, {"school_share_percentage": "150"}), "school_share_percentage")
        refused(patch(as_alice, url, {"units_agreed": -1}), "units_agreed")


def test_a_put_replaces_the_terms(
    as_alice: Client, agreement: CoFinancingAgreement, vo_a: Any, think: Any, year: Any
) -> None:
    data = body(vo_a, think, year, price="950.50", units_agreed=2, notes="Twee klassen.")
    response = put(as_alice, f"{AGREEMENTS}{agreement.pk}/", data)
    assert response.status_code == 200, response.json()
    assert (response.json()["price"], response.json()["notes"]) == ("950.50", "Twee klassen.")


# --- invoices ------------------------------------------------------------------------------


def test_the_manager_adds_a_concept_invoice(
    as_alice: Client, alice: Any, agreement: CoFinancingAgreement
) -> None:
    response = post(
        as_alice, INVOICES, {"agreement": agreement.pk, "reference": "2026-7", "amount": "1234.5"}
    )
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["status"], answer["amount"], answer["date_sent"], answer["due_date"]) == (
        "concept",
        "1234.50",
        None,
        None,
    )
    assert answer["school_name"] == "Basisschool De Esch"
    added = CoFinancingChange.objects.get(action=CoFinancingAction.INVOICE_ADDED)
    assert added.actor == alice


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reference": "2026-0001", "amount": "10.00"}, "reference"),  # used already
        ({"reference": "2026-0002", "amount": "-0.01"}, "amount"),
        ({"reference": "2026-0002", "amount": "ten"}, "amount"),
        ({"reference": "", "amount": "10.00"}, "reference"),
        ({"reference": "2026-0002", "amount": "10.00", "agreement": 999999}, "agreement"),
    ],
)
def test_an_invalid_invoice_is_a_400_on_the_field_and_changes_nothing(
    as_alice: Client,
    agreement: CoFinancingAgreement,
    invoice: Invoice,
    data: dict[str, Any],
    field: str,
) -> None:
    with nothing_changes():
        refused(post(as_alice, INVOICES, {"agreement": agreement.pk, **data}), field)


def test_an_invoice_is_sent_then_paid_and_its_due_date_follows_the_term(
    as_alice: Client, invoice: Invoice
) -> None:
    url = f"{INVOICES}{invoice.pk}/"
    # Before the due date: a sent invoice, not (yet) an overdue one.
    with at(dt.date(2026, 11, 10)):
        sent = post(as_alice, f"{url}mark-sent/", {"date_sent": "2026-11-02"})
    assert sent.status_code == 200, sent.json()
    assert (sent.json()["status"], sent.json()["date_sent"], sent.json()["due_date"]) == (
        "sent",
        "2026-11-02",
        "2026-12-02",
    )
    with at(dt.date(2026, 11, 20)):
        paid = post(as_alice, f"{url}mark-paid/", {"date_paid": "2026-11-20"})
    assert paid.status_code == 200, paid.json()
    assert (paid.json()["status"], paid.json()["date_paid"]) == ("paid", "2026-11-20")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.date_paid) == (InvoiceStatus.PAID, dt.date(2026, 11, 20))


def test_without_a_date_an_invoice_is_sent_and_paid_today(
    as_alice: Client, invoice: Invoice
) -> None:
    url = f"{INVOICES}{invoice.pk}/"
    with at(dt.date(2026, 12, 1)):
        assert post(as_alice, f"{url}mark-sent/").json()["date_sent"] == "2026-12-01"
    with at(dt.date(2026, 12, 9)):
        assert post(as_alice, f"{url}mark-paid/").json()["date_paid"] == "2026-12-09"


def test_an_invoice_cannot_be_sent_twice(as_alice: Client, invoice: Invoice) -> None:
    url = f"{INVOICES}{invoice.pk}/mark-sent/"
    assert post(as_alice, url, {"date_sent": "2026-11-02"}).status_code == 200
    with nothing_changes():
        response = post(as_alice, url, {"date_sent": "2026-11-09"})
        assert "Alleen een conceptfactuur" in refused(response, "non_field_errors")


def test_a_concept_invoice_cannot_be_paid(as_alice: Client, invoice: Invoice) -> None:
    with nothing_changes():
        response = post(as_alice, f"{INVOICES}{invoice.pk}/mark-paid/", {"date_paid": "2026-11-2"})
        assert "Alleen een verstuurde factuur" in refused(response, "non_field_errors")


def test_a_paid_invoice_cannot_be_paid_or_sent_again(as_alice: Client, invoice: Invoice) -> None:
    url = f"{INVOICES}{invoice.pk}/"
    post(as_alice, f"{url}mark-sent/", {"date_sent": "2026-11-02"})
    post(as_alice, f"{url}mark-paid/", {"date_paid": "2026-11-03"})
    with nothing_changes():
        refused(post(as_alice, f"{url}mark-paid/", {"date_paid": "2026-11-04"}), "non_field_errors")
        refused(post(as_alice, f"{url}mark-sent/", {"date_sent": "2026-11-04"}), "non_field_errors")


def test_an_invoice_cannot_be_paid_before_it_was_sent(as_alice: Client, invoice: Invoice) -> None:
    url = f"{INVOICES}{invoice.pk}/"
    post(as_alice, f"{url}mark-sent/", {"date_sent": "2026-11-02"})
    with nothing_changes():
        response = post(as_alice, f"{url}mark-paid/", {"date_paid": "2026-11-01"})
        assert "vóór de verzenddatum" in refused(response, "date_paid")


def test_a_date_that_is_no_date_is_a_400_on_that_field(as_alice: Client, invoice: Invoice) -> None:
    with nothing_changes():
        refused(
            post(as_alice, f"{INVOICES}{invoice.pk}/mark-sent/", {"date_sent": "2-11"}), "date_sent"
        )


def test_a_sent_invoice_past_its_term_shows_and_filters_as_overdue(
    as_alice: Client, agreement: CoFinancingAgreement, invoice: Invoice
) -> None:
    late = bill(agreement, "2026-0002")
    recent = bill(agreement, "2026-0003")
    paid = bill(agreement, "2026-0004")
    post(as_alice, f"{INVOICES}{late.pk}/mark-sent/", {"date_sent": SENT.isoformat()})
    post(as_alice, f"{INVOICES}{recent.pk}/mark-sent/", {"date_sent": "2026-11-20"})
    post(as_alice, f"{INVOICES}{paid.pk}/mark-sent/", {"date_sent": SENT.isoformat()})
    post(as_alice, f"{INVOICES}{paid.pk}/mark-paid/", {"date_paid": "2026-12-10"})

    def shown(status: str) -> list[int]:
        return ids(as_alice.get(INVOICES, {"status": status}))

    with at(SENT + dt.timedelta(days=30)):  # the last day of the term
        assert as_alice.get(f"{INVOICES}{late.pk}/").json()["status"] == "sent"
        assert shown("sent") == [late.pk, recent.pk]
        assert shown("overdue") == []
    with at(SENT + dt.timedelta(days=31)):
        assert as_alice.get(f"{INVOICES}{late.pk}/").json()["status"] == "overdue"
        assert shown("overdue") == [late.pk]
        assert shown("sent") == [recent.pk]
        assert shown("paid") == [paid.pk]
        assert shown("concept") == [invoice.pk]
    # "Overdue" is shown, never stored.
    assert Invoice.objects.get(pk=late.pk).status == InvoiceStatus.SENT
    assert "status" in as_alice.get(INVOICES, {"status": "lost"}).json()

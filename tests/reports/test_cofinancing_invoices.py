"""Invoices: concept, sent, paid, and overdue once the payment term has passed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import CostBasis, EnrolmentMode, Invoice, InvoiceStatus
from programmes.services import (
    agreement_create,
    invoice_create,
    invoice_mark_paid,
    invoice_mark_sent,
)
from tests import factories
from tests.clock import on_day

pytestmark = on_day("2026-12-06")

SENT = dt.date(2026, 11, 2)


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC))


@pytest.fixture
def agreement(db: None) -> Any:
    think = factories.ProgrammeFactory(
        audience="vo",
        grade_min=1,
        grade_max=2,
        enrolment_mode=EnrolmentMode.CLASS,
        consent_guardians="none",
        consent_child="none",
        co_financed=True,
    )
    return agreement_create(
        school=factories.SchoolFactory(school_type="vo"),
        school_year=factories.SchoolYearFactory(label="2026-2027"),
        programme=think,
        cost_basis=CostBasis.PER_CLASS,
        price=Decimal("800.00"),
        school_share_percentage=Decimal("50"),
    )


@pytest.fixture
def invoice(agreement: Any) -> Invoice:
    return invoice_create(agreement=agreement, reference="2026-0001", amount=Decimal("400.00"))


def test_a_new_invoice_is_a_concept_and_never_overdue(invoice: Invoice) -> None:
    assert invoice.status == InvoiceStatus.CONCEPT
    with at(dt.date(2027, 6, 1)):
        assert invoice.display_status() == InvoiceStatus.CONCEPT


def test_a_reference_is_used_only_once(agreement: Any, invoice: Invoice) -> None:
    with pytest.raises(ValidationError) as exc:
        invoice_create(agreement=agreement, reference="2026-0001", amount=Decimal("1"))
    assert "reference" in exc.value.message_dict


def test_a_negative_amount_is_refused(agreement: Any) -> None:
    with pytest.raises(ValidationError):
        invoice_create(agreement=agreement, reference="X-1", amount=Decimal("-0.01"))


@pytest.mark.parametrize("term_days", [30, 14])
def test_a_sent_invoice_becomes_overdue_the_day_after_the_payment_term(
    invoice: Invoice, settings: Any, term_days: int
) -> None:
    settings.COFINANCING_PAYMENT_TERM_DAYS = term_days
    invoice = invoice_mark_sent(invoice=invoice, date_sent=SENT)
    last_day = SENT + dt.timedelta(days=term_days)
    with at(last_day):
        assert invoice.display_status() == InvoiceStatus.SENT
    with at(last_day + dt.timedelta(days=1)):
        assert invoice.display_status() == InvoiceStatus.OVERDUE
    # Overdue is derived, never stored.
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SENT


def test_a_paid_invoice_is_never_overdue(invoice: Invoice) -> None:
    invoice = invoice_mark_sent(invoice=invoice, date_sent=SENT)
    with at(dt.date(2027, 1, 15)):
        assert invoice.display_status() == InvoiceStatus.OVERDUE
        invoice = invoice_mark_paid(invoice=invoice, date_paid=dt.date(2027, 1, 14))
        assert invoice.display_status() == InvoiceStatus.PAID


def test_a_concept_cannot_be_paid_and_a_sent_invoice_not_sent_again(invoice: Invoice) -> None:
    with pytest.raises(ValidationError) as exc:
        invoice_mark_paid(invoice=invoice, date_paid=SENT)
    assert "Alleen een verstuurde factuur" in exc.value.messages[0]
    invoice_mark_sent(invoice=invoice, date_sent=SENT)
    with pytest.raises(ValidationError) as exc:
        invoice_mark_sent(invoice=invoice, date_sent=SENT)
    assert "Alleen een conceptfactuur" in exc.value.messages[0]


def test_an_invoice_cannot_be_paid_before_it_was_sent(invoice: Invoice) -> None:
    invoice_mark_sent(invoice=invoice, date_sent=SENT)
    with pytest.raises(ValidationError) as exc:
        invoice_mark_paid(invoice=invoice, date_paid=SENT - dt.timedelta(days=1))
    assert "vóór de verzenddatum" in " ".join(exc.value.messages)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SENT


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "sent"},  # no date sent
        {"status": "concept", "date_sent": SENT},
        {"status": "paid", "date_sent": SENT},  # no date paid
        {"status": "paid", "date_sent": SENT, "date_paid": SENT - dt.timedelta(days=1)},
        {"status": "overdue", "date_sent": SENT},  # derived, never stored
        {"amount": Decimal("-1")},
    ],
)
def test_the_database_refuses_inconsistent_invoices(agreement: Any, bad: dict[str, Any]) -> None:
    values = {"reference": "DB-1", "amount": Decimal("10"), **bad}
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(agreement=agreement, **values)

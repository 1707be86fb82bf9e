"""The history of an agreement: every service writes who changed what, in the same
transaction; the agreement page shows it newest first, in Dutch; the admin only reads it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from programmes.models import CoFinancingAction, CoFinancingChange, CostBasis, InvoiceStatus
from programmes.services import (
    agreement_create,
    agreement_update,
    invoice_create,
    invoice_mark_paid,
    invoice_mark_sent,
)
from tests import factories
from tests.reports.test_cofinancing_pages import _today, agree, text_of, think, vo_school, year

__all__ = ["_today", "think", "year"]  # fixtures used by the tests below


def history(agreement: Any) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (change.action, change.actor_label, change.changes)
        for change in CoFinancingChange.objects.filter(agreement=agreement).order_by("at", "pk")
    ]


def test_creating_an_agreement_records_every_term_and_who_agreed_it(
    alice: Any, think: Any, year: Any
) -> None:
    school = vo_school(name="Greijdanus")
    agreement = agreement_create(
        actor=alice,
        school=school,
        school_year=year,
        programme=think,
        cost_basis=CostBasis.PER_CLASS,
        price=Decimal("800"),
        school_share_percentage=Decimal("50"),
        units_agreed=4,
    )
    [change] = CoFinancingChange.objects.filter(agreement=agreement)
    assert (change.action, change.actor, change.actor_label) == (
        CoFinancingAction.CREATED,
        alice,
        "Alice de Vries",
    )
    assert change.changes == {
        "school": [None, "Greijdanus (Zwolle)"],
        "school_year": [None, "2026-2027"],
        "programme": [None, "THINK op school"],
        "cost_basis": [None, "per_class"],
        "price": [None, "800.00"],  # Decimal as exact text, as the database stores it
        "school_share_percentage": [None, "50.00"],
        "units_agreed": [None, 4],
    }


def test_an_update_records_only_what_really_changed_with_old_and_new(
    alice: Any, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    agreement_update(
        agreement=agreement,
        actor=alice,
        price=Decimal("950.5"),
        school_share_percentage=Decimal("50"),  # the same 50.00: not a change
        notes="Na overleg met de school.",
    )
    assert history(agreement)[-1] == (
        CoFinancingAction.UPDATED,
        "Alice de Vries",
        {"price": ["800.00", "950.50"], "notes": ["", "Na overleg met de school."]},
    )


def test_old_values_come_from_the_database_even_when_a_form_already_set_the_new_ones(
    alice: Any, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    agreement.units_agreed = 9  # as a ModelForm or the admin does before the service runs
    agreement_update(agreement=agreement, actor=alice)
    assert history(agreement)[-1][2] == {"units_agreed": [4, 9]}


def test_an_update_that_changes_nothing_writes_no_history(think: Any, year: Any) -> None:
    agreement = agree(vo_school(), think, year)
    agreement_update(agreement=agreement, units_agreed=4, price=Decimal("800"))
    assert [action for action, _, _ in history(agreement)] == [CoFinancingAction.CREATED]


def test_a_refused_change_leaves_no_history(alice: Any, think: Any, year: Any) -> None:
    agreement = agree(vo_school(), think, year)
    with pytest.raises(ValidationError):
        agreement_update(agreement=agreement, actor=alice, school_share_percentage=Decimal("101"))
    item = invoice_create(agreement=agreement, reference="F-1", amount=Decimal("10"), actor=alice)
    invoice_mark_sent(invoice=item, date_sent=dt.date(2026, 11, 2), actor=alice)
    with pytest.raises(ValidationError):
        invoice_mark_sent(invoice=item, date_sent=dt.date(2026, 11, 3), actor=alice)
    with pytest.raises(ValidationError):
        invoice_mark_paid(invoice=item, date_paid=dt.date(2026, 11, 1), actor=alice)
    assert [action for action, _, _ in history(agreement)] == [
        CoFinancingAction.CREATED,
        CoFinancingAction.INVOICE_ADDED,
        CoFinancingAction.INVOICE_SENT,
    ]


def test_each_invoice_step_is_recorded_with_its_invoice(alice: Any, think: Any, year: Any) -> None:
    agreement = agree(vo_school(), think, year)
    item = invoice_create(agreement=agreement, reference="F-1", amount=Decimal("400"), actor=alice)
    invoice_mark_sent(invoice=item, date_sent=dt.date(2026, 11, 2), actor=alice)
    invoice_mark_paid(invoice=item, date_paid=dt.date(2026, 11, 19), actor=alice)

    steps = CoFinancingChange.objects.filter(invoice=item).order_by("at", "pk")
    assert [(c.action, c.changes) for c in steps] == [
        (
            CoFinancingAction.INVOICE_ADDED,
            {"reference": [None, "F-1"], "amount": [None, "400.00"], "status": [None, "concept"]},
        ),
        (
            CoFinancingAction.INVOICE_SENT,
            {"status": ["concept", "sent"], "date_sent": [None, "2026-11-02"]},
        ),
        (
            CoFinancingAction.INVOICE_PAID,
            {"status": ["sent", "paid"], "date_paid": [None, "2026-11-19"]},
        ),
    ]


def test_the_name_stays_when_the_account_is_removed(alice: Any, think: Any, year: Any) -> None:
    agreement = agree(vo_school(), think, year)
    agreement_update(agreement=agreement, actor=alice, units_agreed=6)
    alice.delete()
    change = CoFinancingChange.objects.get(action=CoFinancingAction.UPDATED)
    assert (change.actor, change.actor_label) == (None, "Alice de Vries")


def test_an_agreement_with_history_cannot_be_deleted(think: Any, year: Any) -> None:
    agreement = agree(vo_school(), think, year)
    with pytest.raises(ProtectedError):
        agreement.delete()


# --- on the page -----------------------------------------------------------------------


def test_the_page_shows_the_history_newest_first_in_dutch(
    as_alice: Client, alice: Any, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)  # by the system: no actor
    agreement_update(agreement=agreement, actor=alice, price=Decimal("900"))
    item = invoice_create(agreement=agreement, reference="F-7", amount=Decimal("450"), actor=alice)
    invoice_mark_sent(invoice=item, date_sent=dt.date(2026, 11, 2), actor=alice)

    page = text_of(as_alice.get(reverse("cofinancing-agreement-detail", args=[agreement.pk])))
    section = page[page.index("Geschiedenis") :]

    # 20 November 2026, 10:00 UTC is 11:00 in Amsterdam.
    expected = [
        "Factuur F-7 verstuurd – door Alice de Vries op 20 november 2026, 11:00 "
        "Status: van concept naar verstuurd Verstuurd op: 2 november 2026",
        "Factuur F-7 toegevoegd – door Alice de Vries op 20 november 2026, 11:00 Bedrag: € 450,00",
        "Afspraak gewijzigd – door Alice de Vries op 20 november 2026, 11:00 "
        "Prijs per eenheid: van € 800,00 naar € 900,00",
        "Afspraak gemaakt – door het systeem op 20 november 2026, 11:00",
    ]
    positions = [section.index(text) for text in expected]
    assert positions == sorted(positions)


def test_a_change_made_on_the_form_is_in_the_history_by_the_manager(
    as_alice: Client, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    as_alice.post(
        reverse("cofinancing-agreement-update", args=[agreement.pk]),
        {
            "cost_basis": CostBasis.PER_CLASS,
            "price": "800,00",
            "school_share_percentage": "40",
            "units_agreed": "4",
        },
    )
    as_alice.post(
        reverse("cofinancing-invoice-create", args=[agreement.pk]),
        {"reference": "F-1", "amount": "320,00"},
    )
    assert history(agreement)[1:] == [
        (
            CoFinancingAction.UPDATED,
            "Alice de Vries",
            {"school_share_percentage": ["50.00", "40.00"]},
        ),
        (
            CoFinancingAction.INVOICE_ADDED,
            "Alice de Vries",
            {"reference": [None, "F-1"], "amount": [None, "320.00"], "status": [None, "concept"]},
        ),
    ]


# --- in the admin ----------------------------------------------------------------------


def test_the_admin_shows_the_history_read_only(as_alice: Client, think: Any, year: Any) -> None:
    agreement = agree(vo_school(), think, year)
    change = CoFinancingChange.objects.get(agreement=agreement)
    base = "/admin/programmes/cofinancingchange/"
    assert as_alice.get(base).status_code == 200
    assert as_alice.get(f"{base}{change.pk}/change/").status_code == 200
    assert as_alice.get(f"{base}add/").status_code == 403
    assert as_alice.post(f"{base}{change.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CoFinancingChange.objects.filter(pk=change.pk).exists()


def test_a_coordinator_cannot_open_the_admin(as_bob: Client, think: Any, year: Any) -> None:
    response = as_bob.get("/admin/programmes/cofinancingagreement/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_agreement_saved_in_the_admin_is_recorded_by_the_manager(
    as_alice: Client, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    data = {
        "school": agreement.school_id,
        "school_year": year.pk,
        "programme": think.pk,
        "cost_basis": CostBasis.PER_CLASS,
        "price": "800.00",
        "school_share_percentage": "50.00",
        "units_agreed": "7",
        "notes": "",
        **{
            f"{prefix}-{key}": value
            for prefix in ("invoices", "changes")
            for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()
        },
    }
    response = as_alice.post(f"/admin/programmes/cofinancingagreement/{agreement.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert history(agreement)[-1] == (
        CoFinancingAction.UPDATED,
        "Alice de Vries",
        {"units_agreed": [4, 7]},
    )


def test_the_admin_refuses_an_agreement_the_service_refuses(
    as_alice: Client, think: Any, year: Any
) -> None:
    po = factories.SchoolFactory(school_type="po")
    response = as_alice.post(
        "/admin/programmes/cofinancingagreement/add/",
        {
            "school": po.pk,
            "school_year": year.pk,
            "programme": think.pk,
            "cost_basis": CostBasis.PER_CLASS,
            "price": "800.00",
            "school_share_percentage": "50.00",
            "units_agreed": "1",
            "notes": "",
            "invoices-TOTAL_FORMS": "0",
            "invoices-INITIAL_FORMS": "0",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "alleen VO-scholen" in response.content.decode()
    assert not CoFinancingChange.objects.exists()


def test_the_admin_marks_invoices_sent_through_the_service(
    as_alice: Client, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    item = invoice_create(agreement=agreement, reference="F-1", amount=Decimal("10"))
    response = as_alice.post(
        "/admin/programmes/invoice/",
        {"action": "mark_sent_today", "_selected_action": [item.pk]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.date_sent) == (InvoiceStatus.SENT, dt.date(2026, 11, 20))
    assert history(agreement)[-1][:2] == (CoFinancingAction.INVOICE_SENT, "Alice de Vries")

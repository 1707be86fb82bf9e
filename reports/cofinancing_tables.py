"""The co-financing ledger as tables: the overview page and its downloads (CSV, Excel) are
built from the same rows, so their figures cannot differ."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import CoFinancingAgreement, Invoice, InvoiceStatus, SchoolYear
from reports.ledger import Ledger, LedgerRow, agreements_visible_to
from reports.money import format_euro


def overdue_invoices(ledger: Ledger) -> list[Invoice]:
    """Sent, unpaid invoices of the ledger's agreements past the payment term, oldest first
    (the same rule as `Invoice.is_overdue`, in one query)."""
    if not ledger.rows:
        return []
    today = timezone.localdate()
    last_on_time = today - dt.timedelta(days=settings.COFINANCING_PAYMENT_TERM_DAYS)
    return list(
        Invoice.objects.filter(
            agreement__in=[row.agreement.pk for row in ledger.rows],
            status=InvoiceStatus.SENT,
            date_sent__lt=last_on_time,
        )
        .select_related("agreement__school", "agreement__programme")
        .order_by("date_sent", "reference")
    )


def overdue_counts(invoices: list[Invoice]) -> dict[int, int]:
    """Agreement id -> how many of its invoices are overdue."""
    counts: dict[int, int] = {}
    for invoice in invoices:
        counts[invoice.agreement_id] = counts.get(invoice.agreement_id, 0) + 1
    return counts


def cost_basis_text(agreement: CoFinancingAgreement) -> str:
    return _("%(basis)s à %(price)s") % {
        "basis": agreement.get_cost_basis_display(),
        "price": format_euro(agreement.price),
    }


def signed(number: int) -> str:
    """A difference with its sign: "+2", "-1", "0"."""
    return f"{number:+d}" if number else "0"


MONEY_COLUMNS = ("school_share", "municipal_share", "invoiced", "paid", "outstanding")


@dataclass(frozen=True)
class OverviewLine:
    """One ledger row as the page shows it: amounts as `€ 1.234,56`."""

    row: LedgerRow
    overdue: int

    @property
    def agreement(self) -> CoFinancingAgreement:
        return self.row.agreement

    @property
    def difference(self) -> str:
        return signed(self.row.units_difference)

    @property
    def cost_basis(self) -> str:
        return cost_basis_text(self.row.agreement)

    @property
    def money(self) -> dict[str, str]:
        return {name: format_euro(getattr(self.row, name)) for name in MONEY_COLUMNS}


@dataclass(frozen=True)
class InvoiceLine:
    invoice: Invoice
    status: str
    status_label: str

    @property
    def amount(self) -> str:
        return format_euro(self.invoice.amount)


def totals_display(ledger: Ledger) -> dict[str, Any]:
    totals = ledger.totals
    shown: dict[str, Any] = {
        name: format_euro(totals[name]) for name in MONEY_COLUMNS if name in totals
    }
    shown["units_agreed"] = totals["units_agreed"]
    shown["units_delivered"] = totals["units_delivered"]
    shown["difference"] = signed(totals["units_delivered"] - totals["units_agreed"])
    return shown


def overview_headers() -> list[str]:
    return [
        _("School"),
        _("BRIN"),
        _("Programma"),
        _("Kostenbasis"),
        _("Prijs per eenheid"),
        _("Eenheden afgesproken"),
        _("Eenheden geleverd"),
        _("Verschil geleverd en afgesproken"),
        _("Aandeel school"),
        _("Aandeel gemeente"),
        _("Gefactureerd"),
        _("Betaald"),
        _("Openstaand"),
        _("Facturen te laat"),
    ]


def overview_table(ledger: Ledger, overdue: dict[int, int]) -> list[list[Any]]:
    """The ledger's rows and a totals row, as raw values (Decimal amounts, int units)."""
    rows: list[list[Any]] = []
    for row in ledger.rows:
        agreement = row.agreement
        rows.append(
            [
                agreement.school.name,
                f"{agreement.school.brin}{agreement.school.branch}",
                agreement.programme.name,
                agreement.get_cost_basis_display(),
                agreement.price,
                row.units_agreed,
                row.units_delivered,
                row.units_difference,
                row.school_share,
                row.municipal_share,
                row.invoiced,
                row.paid,
                row.outstanding,
                overdue.get(agreement.pk, 0),
            ]
        )
    totals = ledger.totals
    rows.append(
        [
            _("Totaal"),
            "",
            "",
            "",
            None,
            totals["units_agreed"],
            totals["units_delivered"],
            totals["units_delivered"] - totals["units_agreed"],
            totals["school_share"],
            totals["municipal_share"],
            totals["invoiced"],
            totals["paid"],
            totals["outstanding"],
            sum(overdue.values()),
        ]
    )
    return rows


def invoice_headers() -> list[str]:
    return [
        _("School"),
        _("Programma"),
        _("Factuurnummer"),
        _("Bedrag"),
        _("Status"),
        _("Aangemaakt op"),
        _("Verstuurd op"),
        _("Te betalen uiterlijk"),
        _("Betaald op"),
    ]


def invoices_of_year(user: Any, school_year: SchoolYear) -> list[Invoice]:
    """Every invoice of `school_year` that `user` may see, by school, programme and date."""
    return list(
        Invoice.objects.filter(
            agreement__in=agreements_visible_to(user).filter(school_year=school_year)
        )
        .select_related("agreement__school", "agreement__programme")
        .order_by("agreement__school__name", "agreement__programme__name_nl", "created_at", "pk")
    )


def invoice_status_label(invoice: Invoice, today: dt.date) -> str:
    return str(InvoiceStatus(invoice.display_status(today)).label)


def invoice_table(invoices: list[Invoice]) -> list[list[Any]]:
    today = timezone.localdate()
    return [
        [
            invoice.agreement.school.name,
            invoice.agreement.programme.name,
            invoice.reference,
            invoice.amount,
            invoice_status_label(invoice, today),
            timezone.localtime(invoice.created_at).date(),
            invoice.date_sent,
            invoice.due_date,
            invoice.date_paid,
        ]
        for invoice in invoices
    ]


def csv_values(rows: list[list[Any]]) -> list[list[Any]]:
    """Amounts with a decimal comma and no euro sign, so Dutch Excel reads them as numbers."""
    return [
        [f"{value:.2f}".replace(".", ",") if isinstance(value, Decimal) else value for value in row]
        for row in rows
    ]

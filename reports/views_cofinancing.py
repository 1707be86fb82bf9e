"""Co-financing pages: the ledger of a school year, one agreement with its history, the
manager's forms, and the downloads.

Who sees what follows `reports.ledger.agreements_visible_to`: the programme manager every
agreement, a school coordinator those of their own school (another school's agreement is a
404, never a 403 that confirms it exists). Only the manager changes anything; every change
goes through `programmes.services`, which also writes the agreement's history. The page and
the downloads are built from the same ledger rows, so their figures cannot differ.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Model, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.views import NavSectionMixin, ServiceFormView
from programmes import access, services
from programmes.mixins import RoleRequiredMixin
from programmes.models import (
    CoFinancingAction,
    CoFinancingAgreement,
    CoFinancingChange,
    CostBasis,
    EnrolmentMode,
    Invoice,
    InvoiceStatus,
    SchoolYear,
)
from reports.exports import csv_response, xlsx_response
from reports.forms import (
    AgreementCreateForm,
    AgreementTermsForm,
    InvoiceForm,
    InvoicePaidForm,
    InvoiceSentForm,
    SchoolYearChoiceForm,
)
from reports.ledger import (
    COUNTED_ENROLMENTS,
    DELIVERED_STATUSES,
    Ledger,
    LedgerRow,
    agreements_visible_to,
    delivered_units,
    ledger_rows,
    municipal_share,
    school_share,
)
from reports.money import format_euro
from scheduler.models import Group
from scheduler.selectors import groups_without_cofinancing

# --- who may enter ---------------------------------------------------------------------


class CoFinancingReaderMixin(RoleRequiredMixin):
    """The manager and school coordinators read; trainers and others get 403."""

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user) or access.is_coordinator(user)


class CoFinancingManagerMixin(RoleRequiredMixin):
    """Only the programme manager makes agreements and keeps the invoices."""

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user)


# --- which school year -----------------------------------------------------------------


def chosen_school_year(request: HttpRequest) -> tuple[SchoolYearChoiceForm, SchoolYear | None]:
    """The year in `?schooljaar=`, else the current one (`SchoolYear.objects.current`); an
    unknown year leaves its error on the form and falls back to the current one."""
    default = SchoolYear.objects.current()
    if request.GET.get("schooljaar"):
        form = SchoolYearChoiceForm(request.GET)
        if form.is_valid():
            return form, form.cleaned_data["schooljaar"]
        return form, default
    return SchoolYearChoiceForm(initial={"schooljaar": default}), default


# --- the ledger as a table (page and downloads) ------------------------------------------


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


# --- the overview ------------------------------------------------------------------------


class OverviewView(CoFinancingReaderMixin, NavSectionMixin, TemplateView):
    template_name = "reports/cofinancing_overview.html"
    nav_section = "cofinancing"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form, year = chosen_school_year(self.request)
        context["year_form"] = form
        context["school_year"] = year
        context["can_change"] = access.is_manager(user)
        context["payment_term_days"] = settings.COFINANCING_PAYMENT_TERM_DAYS
        if year is None:
            context["lines"] = []
            return context
        context["groups_without_cofinancing"] = groups_without_cofinancing(user, school_year=year)
        ledger = ledger_rows(year, user)
        late = overdue_invoices(ledger)
        per_agreement = overdue_counts(late)
        context["lines"] = [
            OverviewLine(row=row, overdue=per_agreement.get(row.agreement.pk, 0))
            for row in ledger.rows
        ]
        context["totals"] = totals_display(ledger)
        context["overdue_invoices"] = [
            InvoiceLine(invoice=i, status=InvoiceStatus.OVERDUE, status_label="") for i in late
        ]
        context["query"] = f"?schooljaar={year.label}"
        return context


# --- downloads ---------------------------------------------------------------------------


class ExportView(CoFinancingReaderMixin, View):
    """A download of the chosen school year; a coordinator's holds only their own school."""

    table = "overview"  # or "invoices"
    file_format = "csv"  # or "xlsx"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, year = chosen_school_year(request)
        if year is None or form.errors:
            raise Http404(_("Dit schooljaar bestaat niet."))
        if self.table == "overview":
            ledger = ledger_rows(year, request.user)
            late = overdue_counts(overdue_invoices(ledger))
            headers, rows = overview_headers(), overview_table(ledger, late)
            name, title = f"cofinanciering-{year.label}", _("Cofinanciering %(year)s")
        else:
            headers, rows = invoice_headers(), invoice_table(invoices_of_year(request.user, year))
            name, title = f"facturen-{year.label}", _("Facturen %(year)s")
        if self.file_format == "xlsx":
            return xlsx_response(rows, headers, f"{name}.xlsx", title % {"year": year.label})
        return csv_response(csv_values(rows), headers, f"{name}.csv")


# --- one agreement -----------------------------------------------------------------------


def _agreement_url(agreement: Model) -> str:
    return reverse("cofinancing-agreement-detail", args=[agreement.pk])


def _overview_url(year: SchoolYear | None = None) -> str:
    url = reverse("cofinancing-overview")
    return f"{url}?schooljaar={year.label}" if year else url


@dataclass(frozen=True)
class DeliveringGroup:
    group: Group
    counts: bool
    units: int


def groups_of(agreement: CoFinancingAgreement) -> list[DeliveringGroup]:
    """The agreement's school's groups of that year and programme, and what each delivered.

    The same rule as `reports.ledger`: only running and completed groups count; per pupil
    a class counts its size and an individual group its confirmed and completed pupils.
    """
    groups = (
        Group.objects.filter(
            host_school_id=agreement.school_id,
            school_year_id=agreement.school_year_id,
            programme_id=agreement.programme_id,
        )
        .annotate(
            n_counted=Count("enrolments", filter=Q(enrolments__status__in=COUNTED_ENROLMENTS))
        )
        .order_by("first_date", "pk")
    )
    per_pupil = agreement.cost_basis == CostBasis.PER_PUPIL
    by_class = agreement.programme.enrolment_mode == EnrolmentMode.CLASS
    result = []
    for group in groups:
        counts = group.status in DELIVERED_STATUSES
        if not counts:
            units = 0
        elif per_pupil:
            units = (group.class_size or 0) if by_class else group.n_counted
        else:
            units = 1
        result.append(DeliveringGroup(group=group, counts=counts, units=units))
    return result


MONEY_FIELDS = {"price", "school_share_fixed", "school_share_cap", "amount"}
DATE_FIELDS = {"date_sent", "date_paid"}


def _field_label(name: str) -> str:
    for model in (CoFinancingAgreement, Invoice):
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
        # "prijs per eenheid (€)" -> "prijs per eenheid": the value shows the unit already.
        return re.sub(r"\s*\([€%]\)$", "", label)
    return name


def history_value(name: str, value: Any) -> str:
    """A stored history value as the page shows it, in Dutch notation."""
    if value is None or value == "":
        return _("(leeg)")
    try:
        if name in MONEY_FIELDS:
            return format_euro(Decimal(value))
        if name == "school_share_percentage":
            return f"{formats.number_format(Decimal(value), 2)} %"
        if name in DATE_FIELDS:
            return formats.date_format(dt.date.fromisoformat(value), "j F Y")
        if name == "cost_basis":
            return str(CostBasis(value).label)
        if name == "status":
            return str(InvoiceStatus(value).label)
    except (ValueError, ArithmeticError):
        pass  # an unexpected value is shown as it was stored
    return str(value)


@dataclass(frozen=True)
class HistoryEntry:
    change: CoFinancingChange
    summary: str
    who: str
    lines: list[tuple[str, str | None, str]]  # (field label, old or None, new)


def history_of(agreement: CoFinancingAgreement) -> list[HistoryEntry]:
    """The agreement's changes, newest first, as "who, when, what" in Dutch."""
    entries = []
    for change in agreement.changes.select_related("invoice").order_by("-at", "-pk"):
        reference = change.invoice.reference if change.invoice else ""
        summary = {
            CoFinancingAction.CREATED: _("Afspraak gemaakt"),
            CoFinancingAction.UPDATED: _("Afspraak gewijzigd"),
            CoFinancingAction.INVOICE_ADDED: _("Factuur %(reference)s toegevoegd"),
            CoFinancingAction.INVOICE_SENT: _("Factuur %(reference)s verstuurd"),
            CoFinancingAction.INVOICE_PAID: _("Factuur %(reference)s betaald"),
        }.get(change.action, change.action)
        if "%(reference)s" in summary:
            summary = summary % {"reference": reference}
        lines = []
        for name, (old, new) in (change.changes or {}).items():
            if name == "reference":
                continue  # already in the summary
            shown_old = None if change.action == CoFinancingAction.CREATED or old is None else old
            lines.append(
                (
                    _field_label(name).capitalize(),
                    history_value(name, shown_old) if shown_old is not None else None,
                    history_value(name, new),
                )
            )
        entries.append(
            HistoryEntry(
                change=change,
                summary=summary,
                who=change.actor_label or _("het systeem"),
                lines=lines,
            )
        )
    return entries


def share_text(agreement: CoFinancingAgreement) -> str:
    if agreement.school_share_percentage is not None:
        text = _("%(percentage)s %% van de kosten") % {
            "percentage": formats.number_format(agreement.school_share_percentage, 2)
        }
    else:
        text = _("%(amount)s per eenheid") % {"amount": format_euro(agreement.school_share_fixed)}
    if agreement.school_share_cap is not None:
        text += ", " + _("maximaal %(cap)s") % {"cap": format_euro(agreement.school_share_cap)}
    return text


class AgreementDetailView(CoFinancingReaderMixin, NavSectionMixin, TemplateView):
    template_name = "reports/cofinancing_agreement_detail.html"
    nav_section = "cofinancing"

    def load(self) -> None:
        self.agreement = get_object_or_404(
            agreements_visible_to(self.request.user).select_related(
                "school", "school_year", "programme"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        agreement = self.agreement
        today = timezone.localdate()
        invoices = list(agreement.invoices.order_by("created_at", "pk"))
        units = delivered_units(agreement)
        invoiced = sum(
            (i.amount for i in invoices if i.status in (InvoiceStatus.SENT, InvoiceStatus.PAID)),
            start=Decimal("0.00"),
        )
        paid = sum(
            (i.amount for i in invoices if i.status == InvoiceStatus.PAID), start=Decimal("0.00")
        )
        row = LedgerRow(
            agreement=agreement,
            units_agreed=agreement.units_agreed,
            units_delivered=units,
            school_share=school_share(agreement, units),
            municipal_share=municipal_share(agreement, units),
            invoiced=invoiced,
            paid=paid,
        )
        context.update(
            agreement=agreement,
            line=OverviewLine(row=row, overdue=sum(i.is_overdue(today) for i in invoices)),
            share=share_text(agreement),
            cost_basis=cost_basis_text(agreement),
            groups=groups_of(agreement),
            invoices=[
                InvoiceLine(
                    invoice=i,
                    status=i.display_status(today),
                    status_label=invoice_status_label(i, today),
                )
                for i in invoices
            ],
            history=history_of(agreement),
            can_change=access.is_manager(self.request.user),
            today=today,
            overview_url=_overview_url(agreement.school_year),
        )
        return context


# --- the manager's forms -----------------------------------------------------------------


class AgreementCreateView(CoFinancingManagerMixin, ServiceFormView):
    form_class = AgreementCreateForm
    title = gettext_lazy("Nieuwe cofinancieringsafspraak")
    nav_section = "cofinancing"

    def get_initial(self) -> dict[str, Any]:
        _form, year = chosen_school_year(self.request)
        return {"school_year": year}

    def perform(self, data: dict[str, Any]) -> Model:
        return services.agreement_create(actor=self.request.user, **data)

    def success_message(self, obj: Any) -> str:
        return _("De afspraak met %(school)s over %(programme)s is vastgelegd.") % {
            "school": obj.school.name,
            "programme": obj.programme.name,
        }

    def success_url_for(self, obj: Model) -> str:
        return _agreement_url(obj)

    def cancel_url(self) -> str:
        return _overview_url()


class AgreementScopeMixin(CoFinancingManagerMixin):
    def load(self) -> None:
        self.agreement = get_object_or_404(
            agreements_visible_to(self.request.user).select_related(
                "school", "school_year", "programme"
            ),
            pk=self.kwargs["pk"],
        )

    def success_url_for(self, obj: Model) -> str:
        return _agreement_url(self.agreement)

    def cancel_url(self) -> str:
        return _agreement_url(self.agreement)


class AgreementUpdateView(AgreementScopeMixin, ServiceFormView):
    form_class = AgreementTermsForm
    nav_section = "cofinancing"

    def load(self) -> None:
        super().load()
        self.title = _("Afspraak met %(school)s over %(programme)s wijzigen") % {
            "school": self.agreement.school.name,
            "programme": self.agreement.programme.name,
        }

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.agreement}

    def perform(self, data: dict[str, Any]) -> Model:
        return services.agreement_update(agreement=self.agreement, actor=self.request.user, **data)

    def success_message(self, obj: Model) -> str:
        return _("De afspraak is bijgewerkt.")


class InvoiceCreateView(AgreementScopeMixin, ServiceFormView):
    form_class = InvoiceForm
    nav_section = "cofinancing"
    submit_label = gettext_lazy("Factuur toevoegen")

    def load(self) -> None:
        super().load()
        self.title = _("Factuur toevoegen voor %(school)s, %(programme)s") % {
            "school": self.agreement.school.name,
            "programme": self.agreement.programme.name,
        }

    def perform(self, data: dict[str, Any]) -> Model:
        return services.invoice_create(agreement=self.agreement, actor=self.request.user, **data)

    def success_message(self, obj: Any) -> str:
        return _("Conceptfactuur %(reference)s is toegevoegd.") % {"reference": obj.reference}


class InvoiceStepView(CoFinancingManagerMixin, ServiceFormView):
    """A step of an invoice (sent, paid): a button on the agreement page posts here."""

    nav_section = "cofinancing"

    def load(self) -> None:
        self.invoice = get_object_or_404(
            Invoice.objects.filter(
                agreement__in=agreements_visible_to(self.request.user)
            ).select_related("agreement__school", "agreement__programme"),
            pk=self.kwargs["pk"],
        )

    def success_url_for(self, obj: Model) -> str:
        return _agreement_url(self.invoice.agreement)

    def cancel_url(self) -> str:
        return _agreement_url(self.invoice.agreement)


class InvoiceMarkSentView(InvoiceStepView):
    form_class = InvoiceSentForm
    submit_label = gettext_lazy("Markeren als verstuurd")

    def load(self) -> None:
        super().load()
        self.title = _("Factuur %(reference)s als verstuurd markeren") % {
            "reference": self.invoice.reference
        }

    def perform(self, data: dict[str, Any]) -> Model:
        return services.invoice_mark_sent(invoice=self.invoice, actor=self.request.user, **data)

    def success_message(self, obj: Any) -> str:
        return _("Factuur %(reference)s is gemarkeerd als verstuurd op %(date)s.") % {
            "reference": obj.reference,
            "date": formats.date_format(obj.date_sent, "j F Y"),
        }


class InvoiceMarkPaidView(InvoiceStepView):
    form_class = InvoicePaidForm
    submit_label = gettext_lazy("Markeren als betaald")

    def load(self) -> None:
        super().load()
        self.title = _("Factuur %(reference)s als betaald markeren") % {
            "reference": self.invoice.reference
        }

    def perform(self, data: dict[str, Any]) -> Model:
        return services.invoice_mark_paid(invoice=self.invoice, actor=self.request.user, **data)

    def success_message(self, obj: Any) -> str:
        return _("Factuur %(reference)s is gemarkeerd als betaald op %(date)s.") % {
            "reference": obj.reference,
            "date": formats.date_format(obj.date_paid, "j F Y"),
        }

"""Co-financing pages: the ledger of a school year, one agreement with its history, the
manager's forms, and the downloads.

Who sees what follows `reports.ledger.agreements_visible_to`: the programme manager every
agreement, a school coordinator those of their own school (another school's agreement is a
404, never a 403 that confirms it exists). Only the manager changes anything; every change
goes through `programmes.services`, which also writes the agreement's history. The page and
the downloads are built from the same ledger rows, so their figures cannot differ.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Model
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
from programmes.models import Invoice, InvoiceStatus, SchoolYear
from reports.cofinancing_agreement import groups_of, history_of, share_text
from reports.cofinancing_tables import (
    InvoiceLine,
    OverviewLine,
    cost_basis_text,
    csv_values,
    invoice_headers,
    invoice_status_label,
    invoice_table,
    invoices_of_year,
    overdue_counts,
    overdue_invoices,
    overview_headers,
    overview_table,
    totals_display,
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
    LedgerRow,
    agreements_visible_to,
    delivered_units,
    ledger_rows,
    municipal_share,
    school_share,
)
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

"""The admin for co-financing: agreements, invoices and their history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programmes import services
from programmes.admin.base import (
    CatalogueAccessMixin,
    CatalogueAdmin,
    CatalogueInline,
    NothingChangesMixin,
)
from programmes.models import (
    CoFinancingAgreement,
    CoFinancingChange,
    Invoice,
    InvoiceStatus,
)

# --- co-financing: agreements, invoices and their history -------------------------------
#
# Every save goes through the co-financing services with the manager as actor, so the
# admin writes the same history as the pages. Nothing here is deleted: the history keeps
# pointing at agreements and invoices, and the history itself is read-only.


def _adopt(obj: Any, created: Any) -> None:
    """Make the admin's unsaved `obj` the row a create service just saved."""
    obj.pk = created.pk
    obj._state.adding = False
    obj._state.db = created._state.db
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))


class CoFinancingAgreementAdminForm(forms.ModelForm):
    class Meta:
        model = CoFinancingAgreement
        fields = [
            "school",
            "school_year",
            "programme",
            "cost_basis",
            "price",
            "school_share_percentage",
            "school_share_fixed",
            "school_share_cap",
            "units_agreed",
            "notes",
        ]

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            services.agreement_check(agreement=self.instance)
        except ValidationError as error:
            self._update_errors(error)


class ReadOnlyInline(CatalogueInline):
    """Shows rows that only a service writes."""

    can_delete = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InvoiceInline(ReadOnlyInline):
    model = Invoice
    fields = ["reference", "amount", "status", "date_sent", "date_paid"]
    readonly_fields = fields


class CoFinancingChangeInline(ReadOnlyInline):
    model = CoFinancingChange
    fk_name = "agreement"
    fields = ["at", "actor_label", "action", "invoice", "changes"]
    readonly_fields = fields
    show_change_link = False


@admin.register(CoFinancingAgreement)
class CoFinancingAgreementAdmin(CatalogueAdmin):
    form = CoFinancingAgreementAdminForm
    list_display = [
        "school",
        "programme",
        "school_year",
        "cost_basis",
        "price",
        "school_share_percentage",
        "school_share_fixed",
        "units_agreed",
    ]
    list_filter = ["school_year", "programme", "cost_basis"]
    list_select_related = ["school", "programme", "school_year"]
    search_fields = ["school__name", "school__brin", "programme__name_nl", "notes"]
    autocomplete_fields = ["school", "programme", "school_year"]
    inlines = [InvoiceInline, CoFinancingChangeInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            services.agreement_update(agreement=obj, actor=request.user)
            return
        fields = {
            f.name: getattr(obj, f.name)
            for f in obj._meta.concrete_fields
            if f.editable and not f.primary_key
        }
        _adopt(obj, services.agreement_create(actor=request.user, **fields))


@admin.register(Invoice)
class InvoiceAdmin(CatalogueAdmin):
    """New invoices through `invoice_create`; sent and paid through the actions below."""

    list_display = ["reference", "agreement", "amount", "shown_status", "date_sent", "date_paid"]
    list_filter = ["status", "agreement__school_year"]
    list_select_related = ["agreement__school", "agreement__programme", "agreement__school_year"]
    search_fields = ["reference", "agreement__school__name"]
    autocomplete_fields = ["agreement"]
    actions = ["mark_sent_today", "mark_paid_today"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["agreement", "reference", "amount"]
        return ["agreement", "reference", "amount", "status", "date_sent", "date_paid"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A stored invoice changes only by its steps, so the history sees every change.
        return [] if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("status"))
    def shown_status(self, invoice: Invoice) -> str:
        return str(InvoiceStatus(invoice.display_status()).label)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # every field is read-only once saved
        created = services.invoice_create(
            agreement=obj.agreement, reference=obj.reference, amount=obj.amount, actor=request.user
        )
        _adopt(obj, created)

    def _step(self, request: HttpRequest, queryset: QuerySet, step: Callable[..., Any]) -> None:
        done, refused = 0, []
        for invoice in queryset:
            try:
                step(invoice)
            except ValidationError as error:
                refused.append(f"{invoice.reference}: {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext("%(count)s factuur bijgewerkt.", "%(count)s facturen bijgewerkt.", done)
                % {"count": done},
            )
        for text in refused:
            messages.error(request, text)

    @admin.action(description=_("Markeren als verstuurd (vandaag)"))
    def mark_sent_today(self, request: HttpRequest, queryset: QuerySet) -> None:
        today = timezone.localdate()
        self._step(
            request,
            queryset,
            lambda invoice: services.invoice_mark_sent(
                invoice=invoice, date_sent=today, actor=request.user
            ),
        )

    @admin.action(description=_("Markeren als betaald (vandaag)"))
    def mark_paid_today(self, request: HttpRequest, queryset: QuerySet) -> None:
        today = timezone.localdate()
        self._step(
            request,
            queryset,
            lambda invoice: services.invoice_mark_paid(
                invoice=invoice, date_paid=today, actor=request.user
            ),
        )


@admin.register(CoFinancingChange)
class CoFinancingChangeAdmin(NothingChangesMixin, CatalogueAccessMixin, admin.ModelAdmin):
    """The history is evidence: the manager reads it, nobody writes or deletes it here."""

    list_display = ["at", "agreement", "action", "invoice", "actor_label"]
    list_filter = ["action", "agreement__school_year"]
    list_select_related = [
        "agreement__school",
        "agreement__programme",
        "agreement__school_year",
        "invoice",
    ]
    search_fields = ["agreement__school__name", "invoice__reference", "actor_label"]
    date_hierarchy = "at"
    fields = ["at", "agreement", "invoice", "action", "actor", "actor_label", "changes"]
    readonly_fields = fields

"""The Django admin for the catalogue, behind the same permissions as the pages and API.

Who may use the admin is decided by `programmes.access`, not by Django's
`is_staff` flag and model permissions: the site admits programme managers
(`access.is_manager`), and every catalogue admin asks
`access.can_manage_catalogue`. Saves and deletes go through `programmes.services`,
so the admin validates exactly as the pages and the API do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from programmes import access, api_tokens, services
from programmes.forms import HolidayImportForm
from programmes.holiday_import import school_holidays_import_ics
from programmes.models import (
    ApiToken,
    CoFinancingAgreement,
    CoFinancingChange,
    Invoice,
    InvoiceStatus,
    Programme,
    Qualification,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)

# --- the site: the access module decides who gets in ----------------------------------


def _site_has_permission(request: HttpRequest) -> bool:
    """Programme managers use the admin, whether or not Django calls them staff."""
    return request.user.is_active and access.is_manager(request.user)


class ManagerAuthenticationForm(AdminAuthenticationForm):
    """The admin log-in admits programme managers instead of `is_staff` users."""

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active or not access.is_manager(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


admin.site.has_permission = _site_has_permission
admin.site.login_form = ManagerAuthenticationForm
admin.site.site_header = _("Groepsplanner – beheer")
admin.site.site_title = _("Groepsplanner")
admin.site.index_title = _("Catalogus en schoolkalenders")


# --- saving and deleting through the services -----------------------------------------

Save = Callable[[Any], Any]
Delete = Callable[[Any], None]


def _delete_directly(instance: Any) -> None:
    instance.delete()


def _delete_service(name: str, keyword: str) -> Delete:
    """`services.<name>(<keyword>=instance)`, or a plain delete where no service exists."""
    function = getattr(services, name, None)
    if function is None:
        return _delete_directly
    return lambda instance: function(**{keyword: instance})


# The update services validate (`full_clean`) and save the instance they are given,
# new or existing, in one transaction; the admin form has already set the values.
SAVE_SERVICES: dict[type, Save] = {
    Programme: lambda obj: services.programme_update(programme=obj),
    School: lambda obj: services.school_update(school=obj),
    Trainer: lambda obj: services.trainer_update(trainer=obj),
    TrainerUnavailability: lambda obj: services.trainer_unavailability_update(unavailability=obj),
    SchoolHoliday: lambda obj: services.school_holiday_update(holiday=obj),
    SchoolClosure: lambda obj: services.school_closure_update(closure=obj),
}
DELETE_SERVICES: dict[type, Delete] = {
    Programme: _delete_service("programme_delete", "programme"),
    School: _delete_service("school_delete", "school"),
    Trainer: _delete_service("trainer_delete", "trainer"),
    SchoolYear: _delete_service("school_year_delete", "school_year"),
    TrainerUnavailability: _delete_service("trainer_unavailability_delete", "unavailability"),
    SchoolHoliday: _delete_service("school_holiday_delete", "holiday"),
    SchoolClosure: _delete_service("school_closure_delete", "closure"),
}


def _save_through_service(instance: Any) -> None:
    SAVE_SERVICES[type(instance)](instance)


def _delete_through_service(instance: Any) -> None:
    DELETE_SERVICES.get(type(instance), _delete_directly)(instance)


class CatalogueAccessMixin:
    """Admin and inline permissions come from `access.can_manage_catalogue`."""

    def _allowed(self, request: HttpRequest) -> bool:
        return access.can_manage_catalogue(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class CatalogueAdmin(CatalogueAccessMixin, admin.ModelAdmin):
    """Saves, inline saves and deletes call the catalogue services."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _save_through_service(obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _delete_through_service(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            _delete_through_service(obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            _delete_through_service(obj)
        for instance in instances:
            _save_through_service(instance)
        formset.save_m2m()


class CatalogueInline(CatalogueAccessMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


# --- programmes ------------------------------------------------------------------------


@admin.register(Programme)
class ProgrammeAdmin(CatalogueAdmin):
    list_display = [
        "code",
        "name_nl",
        "audience",
        "enrolment_mode",
        "age_min",
        "age_max",
        "group_size_min",
        "group_size_max",
        "child_sessions",
        "co_financed",
        "active",
    ]
    list_display_links = ["code", "name_nl"]
    list_filter = ["active", "audience", "enrolment_mode", "co_financed", "consent_guardians"]
    search_fields = ["code", "name_nl", "name_en", "description_nl", "trainer_qualification"]
    fieldsets = [
        (None, {"fields": ["code", "name_nl", "name_en", "description_nl", "description_en"]}),
        (
            _("Doelgroep"),
            {"fields": ["audience", "grade_min", "grade_max", "age_min", "age_max"]},
        ),
        (
            _("Opzet van een groep"),
            {
                "fields": [
                    "enrolment_mode",
                    "group_size_min",
                    "group_size_max",
                    "child_sessions",
                    "session_minutes",
                    "parent_meetings_before",
                    "parent_meetings_after",
                    "parent_meeting_minutes",
                    "trainers_per_group",
                    "trainer_qualification",
                ]
            },
        ),
        (_("Toestemming"), {"fields": ["consent_guardians", "consent_child"]}),
        (
            _("Financiering en weergave"),
            {"fields": ["co_financed", "default_cost_per_group", "calendar_colour", "active"]},
        ),
    ]


# --- schools ---------------------------------------------------------------------------


class SchoolClosureInline(CatalogueInline):
    model = SchoolClosure
    fields = ["start_date", "end_date", "reason"]


@admin.register(School)
class SchoolAdmin(CatalogueAdmin):
    list_display = [
        "name",
        "brin",
        "branch",
        "school_type",
        "holiday_region",
        "city",
        "municipality",
        "coordinator_count",
        "active",
    ]
    list_filter = ["active", "school_type", "holiday_region", "municipality"]
    search_fields = ["name", "brin", "city", "municipality", "postcode"]
    # The coordinators are users; a horizontal filter needs no user-admin permissions,
    # which an autocomplete would.
    filter_horizontal = ["coordinators"]
    inlines = [SchoolClosureInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[School]:
        return super().get_queryset(request).annotate(_coordinator_count=Count("coordinators"))

    @admin.display(description=_("coördinatoren"), ordering="_coordinator_count")
    def coordinator_count(self, school: School) -> int:
        return school._coordinator_count


@admin.register(SchoolClosure)
class SchoolClosureAdmin(CatalogueAdmin):
    list_display = ["school", "start_date", "end_date", "reason"]
    list_filter = ["school__holiday_region", "start_date"]
    list_select_related = ["school"]
    search_fields = ["reason", "school__name", "school__brin"]
    autocomplete_fields = ["school"]
    date_hierarchy = "start_date"


# --- trainers --------------------------------------------------------------------------


class TrainerUnavailabilityInline(CatalogueInline):
    model = TrainerUnavailability
    fields = ["starts_at", "ends_at", "reason"]


class QualificationInline(CatalogueInline):
    model = Qualification
    fields = ["programme", "certificate_number", "valid_until"]
    autocomplete_fields = ["programme"]


@admin.register(Trainer)
class TrainerAdmin(CatalogueAdmin):
    list_display = ["display_name", "email", "phone", "max_sessions_per_week", "active"]
    list_filter = ["active", "qualifications"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "user__email"]
    exclude = ["qualifications"]  # with their certificates, in the inline below
    inlines = [QualificationInline, TrainerUnavailabilityInline]

    @admin.display(description=_("naam"), ordering="user__last_name")
    def display_name(self, trainer: Trainer) -> str:
        return trainer.display_name

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, trainer: Trainer) -> str:
        return trainer.user.email


@admin.register(TrainerUnavailability)
class TrainerUnavailabilityAdmin(CatalogueAdmin):
    list_display = ["trainer", "starts_at", "ends_at", "reason"]
    list_select_related = ["trainer__user"]
    list_filter = ["starts_at"]
    search_fields = ["reason", "trainer__user__first_name", "trainer__user__last_name"]
    autocomplete_fields = ["trainer"]
    date_hierarchy = "starts_at"


# --- school years and holidays ---------------------------------------------------------


class SchoolHolidayInline(CatalogueInline):
    model = SchoolHoliday
    fields = ["region", "kind", "name", "start_date", "end_date", "advisory", "source"]
    ordering = ["start_date", "region"]


@admin.register(SchoolYear)
class SchoolYearAdmin(CatalogueAdmin):
    """A school year follows from its label; the dates are computed, never typed."""

    list_display = ["label", "start_date", "end_date", "holiday_count", "advisory_count"]
    search_fields = ["label"]
    inlines = [SchoolHolidayInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["start_date", "end_date"]
        return ["label", "start_date", "end_date"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SchoolYear]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _holiday_count=Count("holidays"),
                _advisory_count=Count("holidays", filter=Q(holidays__advisory=True)),
            )
        )

    @admin.display(description=_("vakanties"), ordering="_holiday_count")
    def holiday_count(self, year: SchoolYear) -> int:
        return year._holiday_count

    @admin.display(description=_("nog te controleren"), ordering="_advisory_count")
    def advisory_count(self, year: SchoolYear) -> int:
        return year._advisory_count

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # label and dates are read-only; the inlines save themselves
        created = services.school_year_create(label=obj.label)
        obj.pk, obj.start_date, obj.end_date = created.pk, created.start_date, created.end_date
        obj._state.adding = False
        obj._state.db = created._state.db


@admin.register(SchoolHoliday)
class SchoolHolidayAdmin(CatalogueAdmin):
    list_display = [
        "school_year",
        "region",
        "kind",
        "name",
        "start_date",
        "end_date",
        "advisory",
        "source",
    ]
    list_filter = ["school_year", "region", "kind", "advisory"]
    list_select_related = ["school_year"]
    search_fields = ["name", "source", "ical_uid", "school_year__label"]
    ordering = ["start_date", "region"]
    autocomplete_fields = ["school_year"]
    change_list_template = "admin/programmes/schoolholiday/change_list.html"

    def get_urls(self) -> list[Any]:
        return [
            path(
                "import-ics/",
                self.admin_site.admin_view(self.import_ics_view),
                name="programmes_schoolholiday_import_ics",
            ),
            *super().get_urls(),
        ]

    def import_ics_view(self, request: HttpRequest) -> HttpResponse:
        """Upload an .ics file of holidays; errors stay on the form, nothing is half-done."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = HolidayImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = school_holidays_import_ics(
                    data=form.cleaned_data["file"],
                    region=form.cleaned_data["region"] or None,
                    advisory=form.cleaned_data["advisory"],
                    source=form.cleaned_data["source"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                messages.success(
                    request,
                    gettext("Schoolvakanties geïmporteerd: %(result)s.") % {"result": result},
                )
                return HttpResponseRedirect(reverse("admin:programmes_schoolholiday_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Schoolvakanties importeren (.ics)"),
            "form": form,
            "max_kb": settings.ICS_UPLOAD_MAX_BYTES // 1024,
        }
        return TemplateResponse(request, "admin/programmes/schoolholiday/import_ics.html", context)


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
class CoFinancingChangeAdmin(CatalogueAccessMixin, admin.ModelAdmin):
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

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- API tokens ------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The manager sees every API token (never its value, nor its hash) and can revoke one.

    Tokens are made only at POST /api/v1/auth/token/, where their value is shown once; they
    are not changed or deleted here, so the list also shows who had access when.
    """

    list_display = ["prefix", "name", "user", "status", "created_at", "expires_at", "last_used_at"]
    list_select_related = ["user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username", "user__last_name"]
    date_hierarchy = "created_at"
    fields = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_manager(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_manager(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("status"))
    def status(self, obj: ApiToken) -> str:
        if obj.revoked_at is not None:
            return gettext("ingetrokken")
        if not obj.is_usable_at(timezone.now()):
            return gettext("verlopen")
        return gettext("werkt")

    @admin.action(description=_("Geselecteerde API-tokens intrekken"))
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not access.is_manager(request.user):
            raise PermissionDenied
        now = timezone.now()
        done = sum(api_tokens.api_token_revoke(token=token, now=now) for token in queryset)
        self.message_user(
            request,
            ngettext("%(count)s API-token ingetrokken.", "%(count)s API-tokens ingetrokken.", done)
            % {"count": done},
            messages.SUCCESS,
        )

"""The admin for programmes, schools, trainers and school years with their holidays."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programmes import services
from programmes.admin.base import CatalogueAdmin, CatalogueInline
from programmes.forms import HolidayImportForm
from programmes.holiday_import import school_holidays_import_ics
from programmes.models import (
    Programme,
    Qualification,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)

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
                    "decision_days",
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

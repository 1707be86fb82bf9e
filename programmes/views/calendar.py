"""School years and their holidays: the pages, the holiday import and the day lookup."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.views import ConfirmDeleteView, FilteredListView, NavSectionMixin, ServiceFormView
from programmes import access, selectors, services
from programmes.forms import (
    HolidayIcsUploadForm,
    HolidayOpendataUploadForm,
    SchoolHolidayForm,
    SchoolYearForm,
)
from programmes.holiday_import import ImportResult, school_holidays_import_ics
from programmes.holiday_opendata import school_holidays_import_opendata
from programmes.mixins import CatalogueManagerRequiredMixin, RoleRequiredMixin
from programmes.models import (
    HolidayRegion,
    SchoolHoliday,
    SchoolYear,
)

# --- school years and holidays ---------------------------------------------------------


class SchoolYearListView(RoleRequiredMixin, FilteredListView):
    template_name = "programmes/manage/school_year_list.html"
    context_object_name = "school_years"
    search_fields = ("label",)
    nav_section = "school-years"

    def base_queryset(self) -> QuerySet[SchoolYear]:
        return (
            access.school_years_visible_to(self.request.user)
            .annotate(
                holiday_count=Count("holidays"),
                advisory_count=Count("holidays", filter=Q(holidays__advisory=True)),
            )
            .order_by("-start_date")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage_catalogue"] = access.can_manage_catalogue(self.request.user)
        return context


def _school_year_url(year: Model) -> str:
    return reverse("manage-school-year-detail", args=[year.pk])


class SchoolYearDetailView(RoleRequiredMixin, NavSectionMixin, DetailView):
    """A school year with its holidays, one table per region."""

    template_name = "programmes/manage/school_year_detail.html"
    context_object_name = "school_year"
    nav_section = "school-years"

    def get_queryset(self) -> QuerySet[SchoolYear]:
        return access.school_years_visible_to(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        holidays = access.holidays_visible_to(self.request.user).filter(school_year=self.object)
        by_region: dict[str, list[SchoolHoliday]] = {value: [] for value in HolidayRegion.values}
        for holiday in holidays.order_by("start_date", "pk"):
            by_region.setdefault(holiday.region, []).append(holiday)
        context["regions"] = [
            {"value": value, "label": label, "holidays": by_region[value]}
            for value, label in HolidayRegion.choices
        ]
        context["has_advisory"] = any(h.advisory for hs in by_region.values() for h in hs)
        context["can_manage_catalogue"] = access.can_manage_catalogue(self.request.user)
        if context["can_manage_catalogue"]:
            context.update(self.import_context(kwargs))
        return context

    def import_context(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The manager's part: the warning of missing holidays and the two imports."""
        label = self.object.label
        return {
            "missing_regions": selectors.school_year_regions_without_holidays(
                school_year=self.object
            ),
            "import_command": f"python manage.py import_school_holidays --school-year {label}",
            "opendata_form": kwargs.get("opendata_form") or HolidayOpendataUploadForm(),
            "ics_form": kwargs.get("ics_form") or HolidayIcsUploadForm(),
        }


class SchoolYearHolidayImportView(CatalogueManagerRequiredMixin, SchoolYearDetailView):
    """POST an import on the school-year page: the Rijksoverheid's file or an .ics file.

    A refused file shows its reasons on its form on the page again; nothing is written.
    """

    http_method_names = ["post"]
    forms = {"rijksoverheid": HolidayOpendataUploadForm, "ics": HolidayIcsUploadForm}
    kind = "rijksoverheid"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        kind = self.kind
        form = self.forms[kind](request.POST, request.FILES)
        if form.is_valid():
            try:
                result = self.perform(kind, form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                messages.success(request, self.success_message(result))
                return HttpResponseRedirect(_school_year_url(self.object))
        name = "opendata_form" if kind == "rijksoverheid" else "ics_form"
        context = self.get_context_data(object=self.object, **{name: form})
        return self.render_to_response(context, status=400)

    def perform(self, kind: str, data: dict[str, Any]) -> ImportResult:
        if kind == "rijksoverheid":
            return school_holidays_import_opendata(data=data["file"])
        return school_holidays_import_ics(
            data=data["file"],
            region=data["region"] or None,
            advisory=data["advisory"],
            source=data["source"],
        )

    def success_message(self, result: ImportResult) -> str:
        per_year = "; ".join(result.lines())
        return _("Schoolvakanties geïmporteerd: %(result)s.") % {"result": per_year or str(result)}


class SchoolYearCreateView(CatalogueManagerRequiredMixin, ServiceFormView):
    form_class = SchoolYearForm
    title = gettext_lazy("Nieuw schooljaar")
    nav_section = "school-years"

    def perform(self, data: dict[str, Any]) -> Model:
        return services.school_year_create(label=data["label"])

    def success_message(self, obj: Model) -> str:
        return _("Schooljaar %(label)s is toegevoegd.") % {"label": obj}

    def success_url_for(self, obj: Model) -> str:
        return _school_year_url(obj)

    def cancel_url(self) -> str:
        return reverse("manage-school-year-list")


class SchoolHolidayCreateView(CatalogueManagerRequiredMixin, ServiceFormView):
    form_class = SchoolHolidayForm
    nav_section = "school-years"

    def load(self) -> None:
        self.school_year = get_object_or_404(
            access.school_years_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        self.title = _("Vakantie toevoegen aan %(label)s") % {"label": self.school_year}

    def get_form_kwargs(self) -> dict[str, Any]:
        # The instance carries the school year, so the form checks the dates against it.
        holiday = SchoolHoliday(school_year=self.school_year)
        return {**super().get_form_kwargs(), "instance": holiday}

    def perform(self, data: dict[str, Any]) -> Model:
        return services.school_holiday_create(school_year=self.school_year, **data)

    def success_message(self, obj: Model) -> str:
        return _("Vakantie toegevoegd: %(holiday)s.") % {"holiday": obj}

    def success_url_for(self, obj: Model) -> str:
        return _school_year_url(self.school_year)

    def cancel_url(self) -> str:
        return _school_year_url(self.school_year)


class SchoolHolidayUpdateView(CatalogueManagerRequiredMixin, ServiceFormView):
    form_class = SchoolHolidayForm
    nav_section = "school-years"

    def load(self) -> None:
        self.holiday = get_object_or_404(
            access.holidays_visible_to(self.request.user).select_related("school_year"),
            pk=self.kwargs["pk"],
        )
        self.title = _("%(holiday)s bewerken") % {"holiday": self.holiday}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.holiday}

    def perform(self, data: dict[str, Any]) -> Model:
        return services.school_holiday_update(holiday=self.holiday, **data)

    def success_message(self, obj: Model) -> str:
        return _("Vakantie bijgewerkt: %(holiday)s.") % {"holiday": obj}

    def success_url_for(self, obj: Model) -> str:
        return _school_year_url(self.holiday.school_year)

    def cancel_url(self) -> str:
        return _school_year_url(self.holiday.school_year)


class SchoolHolidayDeleteView(CatalogueManagerRequiredMixin, ConfirmDeleteView):
    nav_section = "school-years"

    def load(self) -> None:
        self.holiday = get_object_or_404(
            access.holidays_visible_to(self.request.user).select_related("school_year"),
            pk=self.kwargs["pk"],
        )

    def get_object(self) -> Model:
        return self.holiday

    def perform_delete(self, obj: Any) -> None:
        services.school_holiday_delete(holiday=obj)

    def success_url_for(self, obj: Any) -> str:
        return _school_year_url(obj.school_year)

"""Schools' pages, and a school's own closed days (its coordinators and the manager)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.views import ConfirmDeleteView, FilteredListView, NavSectionMixin, ServiceFormView
from programmes import access, services
from programmes.calendar import school_day_status
from programmes.forms import (
    SchoolClosureForm,
    SchoolDayLookupForm,
    SchoolFilterForm,
    SchoolForm,
)
from programmes.mixins import CatalogueManagerRequiredMixin, RoleRequiredMixin
from programmes.models import (
    School,
)

# --- schools -----------------------------------------------------------------------------


class SchoolListView(RoleRequiredMixin, FilteredListView):
    template_name = "programmes/manage/school_list.html"
    context_object_name = "schools"
    filter_form_class = SchoolFilterForm
    search_fields = ("name", "brin", "city", "postcode")
    nav_section = "schools"

    def has_access(self, user: Any) -> bool:
        # A trainer-only user has no schools; the list is for managers and coordinators.
        return access.is_manager(user) or access.is_coordinator(user)

    def base_queryset(self) -> QuerySet[School]:
        return access.schools_visible_to(self.request.user).order_by("name", "pk")

    def apply_filters(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("school_type"):
            queryset = queryset.filter(school_type=data["school_type"])
        if data.get("region"):
            queryset = queryset.filter(holiday_region=data["region"])
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage_catalogue"] = access.can_manage_catalogue(self.request.user)
        return context


def _school_url(school: Model) -> str:
    return reverse("manage-school-detail", args=[school.pk])


class SchoolDetailView(RoleRequiredMixin, NavSectionMixin, DetailView):
    """A school, its closed days, and "is the school open on this date?"."""

    template_name = "programmes/manage/school_detail.html"
    context_object_name = "school"
    nav_section = "schools"

    def get_queryset(self) -> QuerySet[School]:
        return access.schools_visible_to(self.request.user).prefetch_related("coordinators")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        school: School = self.object
        user = self.request.user
        context["closures"] = access.closures_visible_to(user).filter(school=school)
        context["can_change_closures"] = access.can_change_closures_of(user, school)
        context["can_manage_catalogue"] = access.can_manage_catalogue(user)
        context["closure_form"] = SchoolClosureForm()
        lookup = SchoolDayLookupForm(self.request.GET or None)
        context["lookup_form"] = lookup
        # A DayStatus is falsy when the school is closed, so the template tests for None.
        context["day_status"] = None
        if lookup.is_bound and lookup.is_valid():
            context["day_status"] = school_day_status(school, lookup.cleaned_data["datum"])
        return context


class SchoolCreateView(CatalogueManagerRequiredMixin, ServiceFormView):
    form_class = SchoolForm
    title = gettext_lazy("Nieuwe school")
    nav_section = "schools"

    def perform(self, data: dict[str, Any]) -> Model:
        coordinators = data.pop("coordinators", [])
        return services.school_create(coordinators=coordinators, **data)

    def success_message(self, obj: Model) -> str:
        return _("School %(name)s is toegevoegd.") % {"name": obj.name}

    def success_url_for(self, obj: Model) -> str:
        return _school_url(obj)

    def cancel_url(self) -> str:
        return reverse("manage-school-list")


class SchoolUpdateView(CatalogueManagerRequiredMixin, ServiceFormView):
    form_class = SchoolForm
    nav_section = "schools"

    def load(self) -> None:
        self.object = get_object_or_404(
            access.schools_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        self.title = _("%(name)s bewerken") % {"name": self.object.name}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, data: dict[str, Any]) -> Model:
        coordinators = data.pop("coordinators", None)
        return services.school_update(school=self.object, coordinators=coordinators, **data)

    def success_message(self, obj: Model) -> str:
        return _("School %(name)s is bijgewerkt.") % {"name": obj.name}

    def success_url_for(self, obj: Model) -> str:
        return _school_url(obj)

    def cancel_url(self) -> str:
        return _school_url(self.object)


# --- school closures (coordinators of the school, and the manager) ---------------------


class SchoolClosureScopeMixin(RoleRequiredMixin):
    """Finds the school (or closure) within the user's scope, then: may the user change it?"""

    school: School

    def load_school(self) -> None:
        raise NotImplementedError

    def load(self) -> None:
        self.load_school()
        if not access.can_change_closures_of(self.request.user, self.school):
            self.deny()


class SchoolClosureCreateView(SchoolClosureScopeMixin, ServiceFormView):
    form_class = SchoolClosureForm
    nav_section = "schools"
    submit_label = gettext_lazy("Sluitingsdag toevoegen")

    def load_school(self) -> None:
        self.school = get_object_or_404(
            access.schools_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        self.title = _("Sluitingsdag toevoegen voor %(school)s") % {"school": self.school.name}

    def perform(self, data: dict[str, Any]) -> Model:
        return services.school_closure_create(school=self.school, **data)

    def success_message(self, obj: Model) -> str:
        return _("Sluitingsdag toegevoegd: %(reason)s.") % {"reason": obj.reason}

    def success_url_for(self, obj: Model) -> str:
        return _school_url(self.school)

    def cancel_url(self) -> str:
        return _school_url(self.school)


class SchoolClosureUpdateView(SchoolClosureScopeMixin, ServiceFormView):
    form_class = SchoolClosureForm
    nav_section = "schools"

    def load_school(self) -> None:
        self.closure = get_object_or_404(
            access.closures_visible_to(self.request.user).select_related("school"),
            pk=self.kwargs["pk"],
        )
        self.school = self.closure.school
        self.title = _("Sluitingsdag van %(school)s bewerken") % {"school": self.school.name}

    def get_initial(self) -> dict[str, Any]:
        return {
            "start_date": self.closure.start_date,
            "end_date": self.closure.end_date,
            "reason": self.closure.reason,
        }

    def perform(self, data: dict[str, Any]) -> Model:
        return services.school_closure_update(closure=self.closure, **data)

    def success_message(self, obj: Model) -> str:
        return _("Sluitingsdag bijgewerkt: %(reason)s.") % {"reason": obj.reason}

    def success_url_for(self, obj: Model) -> str:
        return _school_url(self.school)

    def cancel_url(self) -> str:
        return _school_url(self.school)


class SchoolClosureDeleteView(SchoolClosureScopeMixin, ConfirmDeleteView):
    nav_section = "schools"

    def load_school(self) -> None:
        self.closure = get_object_or_404(
            access.closures_visible_to(self.request.user).select_related("school"),
            pk=self.kwargs["pk"],
        )
        self.school = self.closure.school

    def get_object(self) -> Model:
        return self.closure

    def description(self, obj: Any) -> str:
        if obj.start_date == obj.end_date:
            period = f"{obj.start_date:%d-%m-%Y}"
        else:
            period = f"{obj.start_date:%d-%m-%Y} – {obj.end_date:%d-%m-%Y}"
        return f"{obj.reason} ({period})"

    def perform_delete(self, obj: Any) -> None:
        services.school_closure_delete(closure=obj)

    def success_url_for(self, obj: Model) -> str:
        return _school_url(self.school)

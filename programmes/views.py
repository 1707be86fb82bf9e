"""Pages of the catalogue: the public programme overview and the management pages.

Views stay thin. What a user may see comes from `programmes.access`: every
object is looked up in the queryset access allows, so an object outside a
user's scope is a 404, never a check afterwards. Every change goes through
`programmes.services`; a `ValidationError` from a service is shown on the form
and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from core.views import ConfirmDeleteView, FilteredListView, NavSectionMixin, ServiceFormView
from programmes import access, selectors, services
from programmes.calendar import school_day_status
from programmes.forms import (
    CertificateForm,
    HolidayIcsUploadForm,
    HolidayOpendataUploadForm,
    LoginForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    SchoolClosureForm,
    SchoolDayLookupForm,
    SchoolFilterForm,
    SchoolForm,
    SchoolHolidayForm,
    SchoolYearForm,
    TrainerFilterForm,
    TrainerUnavailabilityForm,
)
from programmes.holiday_import import ImportResult, school_holidays_import_ics
from programmes.holiday_opendata import school_holidays_import_opendata
from programmes.mixins import CatalogueManagerRequiredMixin, RoleRequiredMixin
from programmes.models import (
    HolidayRegion,
    Programme,
    School,
    SchoolHoliday,
    SchoolYear,
    Trainer,
)

# --- public pages ------------------------------------------------------------------------


def _public_programmes(user: Any) -> QuerySet[Programme]:
    # The manager also sees inactive programmes through access; the public pages never do.
    return access.programmes_visible_to(user).filter(active=True)


class ProgrammeOverviewView(NavSectionMixin, ListView):
    template_name = "programmes/overview.html"
    context_object_name = "programmes"
    nav_section = "home"

    def get_queryset(self) -> QuerySet[Programme]:
        return _public_programmes(self.request.user)


class ProgrammePublicDetailView(NavSectionMixin, DetailView):
    template_name = "programmes/programme_public_detail.html"
    context_object_name = "programme"
    slug_field = "code"
    slug_url_kwarg = "code"
    nav_section = "home"

    def get_queryset(self) -> QuerySet[Programme]:
        return _public_programmes(self.request.user)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log-out by POST only (Django 5), with a message on the page it lands on."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("U bent uitgelogd."))
        return response


# --- programmes --------------------------------------------------------------------------


class ProgrammeListView(CatalogueManagerRequiredMixin, FilteredListView):
    template_name = "programmes/manage/programme_list.html"
    context_object_name = "programmes"
    filter_form_class = ProgrammeFilterForm
    search_fields = ("code", "name_nl", "name_en")
    nav_section = "programmes"

    def base_queryset(self) -> QuerySet[Programme]:
        return access.programmes_visible_to(self.request.user).order_by("name_nl")

    def apply_filters(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("audience"):
            queryset = queryset.filter(audience=data["audience"])
        if data.get("enrolment_mode"):
            queryset = queryset.filter(enrolment_mode=data["enrolment_mode"])
        return queryset


class ProgrammeDetailView(CatalogueManagerRequiredMixin, NavSectionMixin, DetailView):
    template_name = "programmes/manage/programme_detail.html"
    context_object_name = "programme"
    nav_section = "programmes"

    def get_queryset(self) -> QuerySet[Programme]:
        trainers = Trainer.objects.select_related("user")
        return access.programmes_visible_to(self.request.user).prefetch_related(
            Prefetch("qualified_trainers", queryset=trainers)
        )


def _programme_url(programme: Model) -> str:
    return reverse("manage-programme-detail", args=[programme.pk])


class ProgrammeCreateView(CatalogueManagerRequiredMixin, ServiceFormView):
    form_class = ProgrammeForm
    title = gettext_lazy("Nieuw programma")
    nav_section = "programmes"

    def perform(self, data: dict[str, Any]) -> Model:
        return services.programme_create(**data)

    def success_message(self, obj: Model) -> str:
        return _("Programma %(name)s is toegevoegd.") % {"name": obj}

    def success_url_for(self, obj: Model) -> str:
        return _programme_url(obj)

    def cancel_url(self) -> str:
        return reverse("manage-programme-list")


class ProgrammeUpdateView(CatalogueManagerRequiredMixin, ServiceFormView):
    form_class = ProgrammeForm
    nav_section = "programmes"

    def load(self) -> None:
        self.object = get_object_or_404(
            access.programmes_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        self.title = _("%(name)s bewerken") % {"name": self.object}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, data: dict[str, Any]) -> Model:
        return services.programme_update(programme=self.object, **data)

    def success_message(self, obj: Model) -> str:
        return _("Programma %(name)s is bijgewerkt.") % {"name": obj}

    def success_url_for(self, obj: Model) -> str:
        return _programme_url(obj)

    def cancel_url(self) -> str:
        return _programme_url(self.object)


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


# --- trainers ----------------------------------------------------------------------------


class TrainerListView(CatalogueManagerRequiredMixin, FilteredListView):
    template_name = "programmes/manage/trainer_list.html"
    context_object_name = "trainers"
    filter_form_class = TrainerFilterForm
    search_fields = ("user__first_name", "user__last_name", "user__username", "user__email")
    nav_section = "trainers"

    def base_queryset(self) -> QuerySet[Trainer]:
        return (
            access.trainers_visible_to(self.request.user)
            .select_related("user")
            .prefetch_related("qualifications")
            .order_by("user__last_name", "user__first_name", "pk")
        )

    def apply_filters(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("programme"):
            queryset = queryset.filter(qualifications=data["programme"])
        return queryset


def _trainer_url(trainer: Model) -> str:
    return reverse("manage-trainer-detail", args=[trainer.pk])


class OwnTrainerPageView(RoleRequiredMixin, TemplateView):
    """`/beheer/trainers/mij/`: a trainer's shortcut to their own page."""

    def has_access(self, user: Any) -> bool:
        return access.is_trainer(user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        trainer = get_object_or_404(access.trainers_visible_to(request.user), user=request.user)
        return redirect(_trainer_url(trainer))


class TrainerDetailView(RoleRequiredMixin, NavSectionMixin, DetailView):
    template_name = "programmes/manage/trainer_detail.html"
    context_object_name = "trainer"
    nav_section = "trainers"

    def get_queryset(self) -> QuerySet[Trainer]:
        return (
            access.trainers_visible_to(self.request.user)
            .select_related("user")
            .prefetch_related("qualifications")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["unavailabilities"] = access.unavailabilities_visible_to(user).filter(
            trainer=self.object
        )
        context["can_change_unavailability"] = access.can_change_unavailability_of(
            user, self.object
        )
        context["unavailability_form"] = TrainerUnavailabilityForm()
        context["certificates"] = selectors.certificates_of(self.object)
        context["can_certify"] = access.can_manage_catalogue(user)
        if self.object.user_id == user.pk:
            context["nav_section"] = "own-trainer"
        return context


class TrainerUnavailabilityScopeMixin(RoleRequiredMixin):
    """Finds the trainer (or period) within the user's scope, then: may the user change it?"""

    trainer: Trainer

    def load_trainer(self) -> None:
        raise NotImplementedError

    def load(self) -> None:
        self.load_trainer()
        if not access.can_change_unavailability_of(self.request.user, self.trainer):
            self.deny()


class TrainerCertificateView(CatalogueManagerRequiredMixin, ServiceFormView):
    """The manager records the certificate behind a qualification
    (`services.qualification_certify`)."""

    form_class = CertificateForm
    nav_section = "trainers"
    submit_label = gettext_lazy("Certificaat opslaan")

    def load(self) -> None:
        self.trainer = get_object_or_404(
            access.trainers_visible_to(self.request.user).select_related("user"),
            pk=self.kwargs["pk"],
        )
        self.title = _("Certificaat vastleggen voor %(trainer)s") % {"trainer": self.trainer}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "trainer": self.trainer}

    def get_initial(self) -> dict[str, Any]:
        programme = self.request.GET.get("programme")
        found = (
            self.trainer.certificates.filter(programme_id=programme).first()
            if (programme and programme.isdigit())
            else None
        )
        if found is None:
            return {}
        return {
            "programme": found.programme_id,
            "certificate_number": found.certificate_number,
            "valid_until": found.valid_until,
        }

    def perform(self, data: dict[str, Any]) -> Model:
        return services.qualification_certify(trainer=self.trainer, **data)

    def success_message(self, obj: Model) -> str:
        return _("Het certificaat is opgeslagen.")

    def success_url_for(self, obj: Model) -> str:
        return _trainer_url(self.trainer)

    def cancel_url(self) -> str:
        return _trainer_url(self.trainer)


class TrainerUnavailabilityCreateView(TrainerUnavailabilityScopeMixin, ServiceFormView):
    form_class = TrainerUnavailabilityForm
    nav_section = "trainers"
    submit_label = gettext_lazy("Afwezigheid toevoegen")

    def load_trainer(self) -> None:
        self.trainer = get_object_or_404(
            access.trainers_visible_to(self.request.user).select_related("user"),
            pk=self.kwargs["pk"],
        )
        self.title = _("Afwezigheid toevoegen voor %(trainer)s") % {"trainer": self.trainer}

    def perform(self, data: dict[str, Any]) -> Model:
        return services.trainer_unavailability_create(trainer=self.trainer, **data)

    def success_message(self, obj: Model) -> str:
        return _("De afwezigheid is toegevoegd.")

    def success_url_for(self, obj: Model) -> str:
        return _trainer_url(self.trainer)

    def cancel_url(self) -> str:
        return _trainer_url(self.trainer)


class TrainerUnavailabilityDeleteView(TrainerUnavailabilityScopeMixin, ConfirmDeleteView):
    nav_section = "trainers"

    def load_trainer(self) -> None:
        self.unavailability = get_object_or_404(
            access.unavailabilities_visible_to(self.request.user).select_related("trainer__user"),
            pk=self.kwargs["pk"],
        )
        self.trainer = self.unavailability.trainer

    def get_object(self) -> Model:
        return self.unavailability

    def description(self, obj: Any) -> str:
        return _("afwezigheid %(period)s") % {"period": _period(obj.starts_at, obj.ends_at)}

    def perform_delete(self, obj: Any) -> None:
        services.trainer_unavailability_delete(unavailability=obj)

    def success_url_for(self, obj: Model) -> str:
        return _trainer_url(self.trainer)


def _period(start: dt.datetime, end: dt.datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{start:%d-%m-%Y %H:%M} – {end:%d-%m-%Y %H:%M}"


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

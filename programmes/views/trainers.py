"""Trainers' pages: the list, a trainer's page, certificates and unavailability."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView

from core.views import ConfirmDeleteView, FilteredListView, NavSectionMixin, ServiceFormView
from programmes import access, selectors, services
from programmes.forms import (
    CertificateForm,
    TrainerFilterForm,
    TrainerUnavailabilityForm,
)
from programmes.mixins import CatalogueManagerRequiredMixin, RoleRequiredMixin
from programmes.models import (
    Trainer,
)

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

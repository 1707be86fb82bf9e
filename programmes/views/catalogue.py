"""The programme manager's pages for the programmes on offer."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.views import FilteredListView, NavSectionMixin, ServiceFormView
from programmes import access, services
from programmes.forms import (
    ProgrammeFilterForm,
    ProgrammeForm,
)
from programmes.mixins import CatalogueManagerRequiredMixin
from programmes.models import (
    Programme,
    Trainer,
)

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

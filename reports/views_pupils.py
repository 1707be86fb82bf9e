"""The schools' pupils per grade, the denominator of the reach figure: the programme
manager enters them for every school, a school coordinator for their own schools (another
school is a 404). A thin door onto `programmes.services.school_pupils_set`; linked from
the outcome page."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.forms import add_service_error
from core.views import NavSectionMixin
from evaluations.forms import PupilCountForm
from programmes import access
from programmes.mixins import RoleRequiredMixin
from programmes.models import SchoolGradePupils, SchoolType, SchoolYear
from programmes.selectors import grades_of, school_pupils
from programmes.services import school_pupils_set


class PupilsMixin(RoleRequiredMixin, NavSectionMixin):
    request: HttpRequest
    kwargs: dict[str, Any]

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user) or access.is_coordinator(user)

    @cached_property
    def school_year(self) -> SchoolYear | None:
        chosen = self.request.GET.get("school_year", "")
        years = SchoolYear.objects.all()
        if chosen.isdigit():
            return get_object_or_404(years, pk=int(chosen))
        return SchoolYear.objects.current() or years.order_by("-start_date").first()


class SchoolPupilsListView(PupilsMixin, TemplateView):
    """The schools the user may enter figures for, with how many grades are known."""

    template_name = "reports/pupils_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        known: dict[int, int] = {}
        if self.school_year is not None:
            for school_id in SchoolGradePupils.objects.filter(
                school_year=self.school_year
            ).values_list("school_id", flat=True):
                known[school_id] = known.get(school_id, 0) + 1
        schools = access.schools_visible_to(self.request.user).order_by("name")
        context.update(
            school_year=self.school_year,
            years=SchoolYear.objects.order_by("-start_date"),
            schools=[{"school": s, "known": known.get(s.pk, 0)} for s in schools],
        )
        return context


class SchoolPupilsView(PupilsMixin, TemplateView):
    template_name = "reports/pupils_form.html"

    def load(self) -> None:
        self.school = get_object_or_404(
            access.schools_visible_to(self.request.user), pk=self.kwargs["school_id"]
        )

    def form(self, data: Any = None) -> PupilCountForm:
        initial = (
            {f"grade_{g}": n for g, n in school_pupils(self.school, self.school_year).items()}
            if self.school_year
            else {}
        )
        return PupilCountForm(
            data,
            initial=initial,
            grades=grades_of(self.school),
            vo=self.school.school_type == SchoolType.VO,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            school=self.school,
            school_year=self.school_year,
            form=kwargs.get("form") or self.form(),
        )
        return context

    def post(self, request: HttpRequest, school_id: int) -> HttpResponse:
        form = self.form(request.POST)
        if self.school_year is not None and form.is_valid():
            try:
                school_pupils_set(
                    school=self.school, school_year=self.school_year, counts=form.counts()
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("De leerlingaantallen zijn bewaard."))
                return HttpResponseRedirect(
                    f"{reverse('outcomes-pupils')}?school_year={self.school_year.pk}"
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)

"""Pages of planning requests and the year planner."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.views import FilteredListView, NavSectionMixin, ServiceFormView
from programmes import access as catalogue_access
from programmes import selectors as catalogue_selectors
from programmes.mixins import RoleRequiredMixin
from programmes.models import SchoolYear
from scheduler import access, selectors, services
from scheduler.forms import PlannerStartForm, PlanningRequestFilterForm, PlanningRequestForm
from scheduler.models import (
    PlannerRun,
    PlannerRunStatus,
    PlanningRequest,
    PlanningRequestStatus,
    Weekday,
)
from scheduler.views.base import PlannerRoleMixin


class PlanningView(PlannerRoleMixin, FilteredListView):
    """Requests in the user's scope; for the manager also the year planner and its proposal."""

    template_name = "scheduler/planning.html"
    context_object_name = "planning_requests"
    filter_form_class = PlanningRequestFilterForm
    search_fields = ("school__name", "round_label", "programme__name_nl", "class_name")
    nav_section = "planning"

    def base_queryset(self) -> QuerySet[PlanningRequest]:
        return (
            access.requests_visible_to(self.request.user)
            .select_related("school", "programme", "school_year", "group")
            .order_by("-school_year__start_date", "window_start", "pk")
        )

    def apply_filters(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("school_year"):
            queryset = queryset.filter(school_year=data["school_year"])
        if data.get("programme"):
            queryset = queryset.filter(programme=data["programme"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset

    def requestable_school_ids(self) -> set[int] | None:
        """None: every school (the manager); otherwise the schools the user may ask for."""
        user = self.request.user
        if catalogue_access.is_manager(user):
            return None
        return set(catalogue_access.schools_visible_to(user).values_list("pk", flat=True))

    def latest_run(self) -> PlannerRun | None:
        runs = access.planner_runs_visible_to(self.request.user).select_related("school_year")
        run_id = self.request.GET.get("run", "")
        if run_id.isdigit():
            return runs.filter(pk=int(run_id)).first()
        form = self.get_filter_form()
        if form.is_bound and form.is_valid() and form.cleaned_data.get("school_year"):
            runs = runs.filter(school_year=form.cleaned_data["school_year"])
        return runs.first()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        requestable = self.requestable_school_ids()
        weekday_names = dict(Weekday.choices)
        for item in context["planning_requests"]:
            item.weekday_names = [str(weekday_names.get(d, d)) for d in item.preferred_weekdays]
            item.may_withdraw = item.status == PlanningRequestStatus.OPEN and (
                requestable is None or item.school_id in requestable
            )
        context["may_request"] = requestable is None or bool(requestable)
        if context["may_request"]:
            context["request_form"] = PlanningRequestForm(user=user, auto_id="verzoek_%s")
        context["groups_without_cofinancing"] = selectors.groups_without_cofinancing(user)
        context.update(self.not_started_context())
        context["can_run_planner"] = access.can_run_planner(user)
        if context["can_run_planner"]:
            context.update(self.planner_context())
        return context

    def not_started_context(self) -> dict[str, Any]:
        """The groups in the user's scope that did not start this school year, and why
        (`selectors.groups_not_started`; none in the summer gap between two years)."""
        year = SchoolYear.objects.for_day(timezone.localdate())
        if year is None:
            return {"not_started": None}
        groups = access.groups_visible_to(self.request.user).filter(school_year=year)
        return {"not_started": selectors.groups_not_started(groups), "not_started_year": year}

    def planner_context(self) -> dict[str, Any]:
        run = self.latest_run()
        # The year that holds today (none in the summer gap: then the manager picks one).
        current = SchoolYear.objects.for_day(timezone.localdate())
        context: dict[str, Any] = {
            "run": run,
            "planner_form": PlannerStartForm(
                initial={"school_year": current}, auto_id="planner_%s"
            ),
            **self.holiday_gaps(current, run),
        }
        if run is None or run.status != PlannerRunStatus.DONE:
            return context
        result = run.result or {}
        proposals = [dict(p) for p in result.get("proposals", [])]
        ids = [p["request_id"] for p in proposals]
        statuses = dict(PlanningRequest.objects.filter(pk__in=ids).values_list("pk", "status"))
        for proposal in proposals:
            proposal["first_day"] = dt.date.fromisoformat(proposal["first_date"])
            proposal["is_open"] = statuses.get(proposal["request_id"]) == (
                PlanningRequestStatus.OPEN
            )
            proposal["session_count"] = len(proposal.get("sessions", []))
        context["proposals"] = proposals
        context["open_proposals"] = [p for p in proposals if p["is_open"]]
        context["unsatisfied"] = result.get("unsatisfied", [])
        context["stats"] = result.get("stats", {})
        return context

    def holiday_gaps(self, current: SchoolYear | None, run: PlannerRun | None) -> dict[str, Any]:
        """The school years one plans in now (the current one, those with open requests,
        the shown run's) that lack holidays for a region in use; three queries."""
        wanted = Q(planning_requests__status=PlanningRequestStatus.OPEN)
        if current is not None:
            wanted |= Q(pk=current.pk)
        if run is not None:
            wanted |= Q(pk=run.school_year_id)
        years = list(SchoolYear.objects.filter(wanted).distinct().order_by("start_date"))
        gaps = catalogue_selectors.school_years_regions_without_holidays(school_years=years)
        return {
            "holiday_gaps": [
                {"year": year, "regions": gaps[year.pk]} for year in years if gaps[year.pk]
            ],
            "run_year_lacks_holidays": bool(run and gaps.get(run.school_year_id)),
        }


class PlanningRequestCreateView(PlannerRoleMixin, ServiceFormView):
    form_class = PlanningRequestForm
    title = gettext_lazy("Nieuw verzoek")
    submit_label = gettext_lazy("Verzoek indienen")
    nav_section = "planning"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, data: dict[str, Any]) -> Model:
        if not access.can_request_at(self.request.user, data["school"].pk):
            raise PermissionDenied
        return services.planning_request_create(**data, requested_by=self.request.user)

    def success_message(self, obj: Model) -> str:
        return _("Uw verzoek voor %(programme)s is ingediend.") % {"programme": obj.programme}

    def success_url_for(self, obj: Model) -> str:
        return reverse("planning-home")

    def cancel_url(self) -> str:
        return reverse("planning-home")


class PlanningRequestWithdrawView(PlannerRoleMixin, NavSectionMixin, TemplateView):
    template_name = "scheduler/request_withdraw.html"
    nav_section = "planning"

    def load(self) -> None:
        self.planning_request = get_object_or_404(
            access.requests_visible_to(self.request.user).select_related(
                "school", "programme", "school_year"
            ),
            pk=self.kwargs["pk"],
        )
        if not access.can_request_at(self.request.user, self.planning_request.school_id):
            self.deny()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["planning_request"] = self.planning_request
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.planning_request_withdraw(request=self.planning_request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Het verzoek voor %(programme)s is ingetrokken.")
                % {"programme": self.planning_request.programme},
            )
        return HttpResponseRedirect(reverse("planning-home"))


class PlannerStartView(RoleRequiredMixin, View):
    """Start the year planner for a school year (the programme manager only)."""

    http_method_names = ["post"]

    def has_access(self, user: Any) -> bool:
        return access.can_run_planner(user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PlannerStartForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Kies het schooljaar waarvoor de planner moet rekenen."))
            return HttpResponseRedirect(reverse("planning-home") + "#planner")
        try:
            run = services.planner_run_start(
                school_year=form.cleaned_data["school_year"],
                started_by=request.user,
                confirm_no_holidays=form.cleaned_data["confirm_no_holidays"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("planning-home") + "#planner")
        run.refresh_from_db()  # with eager Celery the run finished after the commit
        if run.status == PlannerRunStatus.DONE:
            messages.success(request, _("De planner is klaar. Bekijk het voorstel hieronder."))
        elif run.status == PlannerRunStatus.FAILED:
            messages.error(request, _("De planner is mislukt."))
        else:
            messages.info(request, _("De planner is gestart. Laad de pagina zo opnieuw."))
        return HttpResponseRedirect(
            reverse("planning-home") + "?" + urlencode({"run": run.pk}) + "#planner"
        )


class PlannerAcceptView(RoleRequiredMixin, View):
    """Accept all or some proposals of a finished run: each becomes a draft group."""

    http_method_names = ["post"]

    def has_access(self, user: Any) -> bool:
        return access.can_run_planner(user)

    def load(self) -> None:
        self.run = get_object_or_404(
            access.planner_runs_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        back = reverse("planning-home") + "?" + urlencode({"run": self.run.pk}) + "#planner"
        proposed = {p["request_id"] for p in (self.run.result or {}).get("proposals", [])}
        if request.POST.get("accept") == "all":
            request_ids = sorted(proposed)
        else:
            chosen = {int(v) for v in request.POST.getlist("voorstel") if v.isdigit()}
            request_ids = sorted(chosen & proposed)
        if not request_ids:
            messages.error(request, _("Kies minstens één voorstel om te accepteren."))
            return HttpResponseRedirect(back)
        try:
            groups = services.planner_run_accept(
                run=self.run,
                request_ids=request_ids,
                accepted_by=request.user,
                confirm_no_holidays=bool(request.POST.get("confirm_no_holidays")),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back)
        messages.success(
            request,
            _("%(count)s voorstel(len) geaccepteerd; de groepen staan als concept klaar.")
            % {"count": len(groups)},
        )
        return HttpResponseRedirect(back)

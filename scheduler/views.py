"""Pages of the scheduler: planning requests and the year planner, groups and their
sessions, the calendar, and a trainer's own schedule.

Views stay thin, as in the catalogue: what a user may see comes from
`scheduler.access` (objects outside the scope are a 404), what they may change is
asked there too (a 403 otherwise), and every change goes through
`scheduler.services`. A service's `ValidationError` shows on the form; conflicts
show inline, hard ones as errors and soft ones as warnings that the programme
manager may accept ("toch opslaan"), which the service records.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core.forms import add_service_error
from core.views import FilteredListView, NavSectionMixin, ServiceFormView
from programmes import access as catalogue_access
from programmes import selectors as catalogue_selectors
from programmes.dates import day_text
from programmes.mixins import RoleRequiredMixin
from programmes.models import Programme, SchoolYear
from scheduler import access, selectors, services
from scheduler.conflicts import Conflict
from scheduler.forms import (
    GroupCancelForm,
    GroupFilterForm,
    GroupForm,
    PlannerStartForm,
    PlanningRequestFilterForm,
    PlanningRequestForm,
    SessionCancelForm,
    SessionMoveForm,
    TrainerReplaceForm,
)
from scheduler.models import (
    Group,
    GroupStatus,
    PlannerRun,
    PlannerRunStatus,
    PlanningRequest,
    PlanningRequestStatus,
    Session,
    SessionKind,
    Weekday,
)
from scheduler.series import at_amsterdam

OVERRIDE_FIELD = "toch_opslaan"
HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _may_plan(user: Any) -> bool:
    """Managers and coordinators plan; trainers and users without a role do not."""
    return catalogue_access.is_manager(user) or catalogue_access.is_coordinator(user)


def _override_by(request: HttpRequest) -> Any | None:
    """The user who accepts soft conflicts, if they ticked the box and may do so."""
    if request.POST.get(OVERRIDE_FIELD) and access.can_override_soft_conflicts(request.user):
        return request.user
    return None


def _conflict_context(conflicts: list[Conflict], user: Any) -> dict[str, Any]:
    hard = [c for c in conflicts if c.is_hard]
    soft = [c for c in conflicts if not c.is_hard]
    return {
        "hard_conflicts": hard,
        "soft_conflicts": soft,
        "may_override": bool(soft) and not hard and access.can_override_soft_conflicts(user),
        "override_field": OVERRIDE_FIELD,
    }


def _group_url(group: Model) -> str:
    return reverse("planning-group-detail", args=[group.pk])


def _link_sessions(sessions: Iterable[Session]) -> None:
    """Give each session of a calendar `group_url`: one `reverse` per group, not per row."""
    urls: dict[int, str] = {}
    for session in sessions:
        url = urls.get(session.group_id)
        if url is None:
            url = urls[session.group_id] = reverse("planning-group-detail", args=[session.group_id])
        session.group_url = url


class PlannerRoleMixin(RoleRequiredMixin):
    """Pages for the programme manager and school coordinators."""

    def has_access(self, user: Any) -> bool:
        return _may_plan(user)


class ConflictFormMixin:
    """A form whose service may refuse with conflicts; they show above the form."""

    request: HttpRequest
    conflicts: list[Conflict]

    def handle(self, form: forms.Form, action: Any) -> HttpResponse | Any:
        """Run `action()`; on a refusal return the form again with the reason shown."""
        self.conflicts = []
        try:
            return action()
        except (services.ConflictError, services.SoftConflictError) as error:
            self.conflicts = error.conflicts
            return self.form_invalid(form)  # type: ignore[attr-defined]
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(_conflict_context(getattr(self, "conflicts", []), self.request.user))
        return context


# --- planning requests and the year planner ------------------------------------------


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
        context["can_run_planner"] = access.can_run_planner(user)
        if context["can_run_planner"]:
            context.update(self.planner_context())
        return context

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


# --- groups ------------------------------------------------------------------------------


class GroupListView(RoleRequiredMixin, FilteredListView):
    template_name = "scheduler/group_list.html"
    context_object_name = "groups"
    search_fields = ("round_label", "host_school__name", "class_name", "programme__name_nl")
    nav_section = "groups"

    def get_filter_form(self) -> GroupFilterForm:  # type: ignore[override]
        if not hasattr(self, "_filter_form"):
            form = GroupFilterForm(self.request.GET or None, user=self.request.user)
            form.is_valid()
            self._filter_form = form
        return self._filter_form

    def base_queryset(self) -> QuerySet[Group]:
        return Group.objects.none()

    def get_queryset(self) -> QuerySet[Group]:
        form = self.get_filter_form()
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        filters = {
            "school_year": data["school_year"].label if data.get("school_year") else None,
            "programme": data["programme"].pk if data.get("programme") else None,
            "school": data["school"].pk if data.get("school") else None,
            "status": data.get("status") or None,
        }
        queryset = selectors.group_list(self.request.user, filters=filters)
        query = (data.get("q") or "").strip()
        if query:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            queryset = queryset.filter(condition)
        return queryset.order_by("-school_year__start_date", "first_date", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_create"] = _may_plan(self.request.user)
        return context


class GroupDetailView(RoleRequiredMixin, NavSectionMixin, TemplateView):
    template_name = "scheduler/group_detail.html"
    nav_section = "groups"

    def load(self) -> None:
        try:
            self.group = selectors.group_detail(self.request.user, self.kwargs["pk"])
        except Group.DoesNotExist as missing:
            raise Http404 from missing

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        group = self.group
        can_change = access.can_change_group(self.request.user, group)
        context["group"] = group
        context["sessions"] = list(group.sessions.all())
        context["trainers"] = list(group.trainers.all())
        context["admitted_schools"] = [
            s for s in group.admitted_schools.all() if s.pk != group.host_school_id
        ]
        context["can_change"] = can_change and not group.is_cancelled
        context["transitions"] = _transition_buttons(group) if can_change else []
        context["can_cancel_group"] = can_change and group.can_become(GroupStatus.CANCELLED)
        context["cofinancing_missing"] = self.may_settle_cofinancing(
            group
        ) and group.pk in catalogue_selectors.cofinancing_agreement_missing([group])
        return context

    def may_settle_cofinancing(self, group: Group) -> bool:
        """The manager and the host school's coordinators see a missing agreement."""
        user = self.request.user
        return catalogue_access.is_manager(user) or (
            catalogue_access.is_coordinator(user)
            and catalogue_access.schools_visible_to(user).filter(pk=group.host_school_id).exists()
        )


_TRANSITION_LABELS = {
    (GroupStatus.DRAFT, GroupStatus.PUBLISHED): gettext_lazy("Publiceren"),
    (GroupStatus.PUBLISHED, GroupStatus.DRAFT): gettext_lazy("Terug naar concept"),
    (GroupStatus.PUBLISHED, GroupStatus.ENROLMENT_CLOSED): gettext_lazy("Aanmelding sluiten"),
    (GroupStatus.ENROLMENT_CLOSED, GroupStatus.PUBLISHED): gettext_lazy("Aanmelding heropenen"),
    (GroupStatus.PUBLISHED, GroupStatus.RUNNING): gettext_lazy("Groep is gestart"),
    (GroupStatus.ENROLMENT_CLOSED, GroupStatus.RUNNING): gettext_lazy("Groep is gestart"),
    (GroupStatus.RUNNING, GroupStatus.COMPLETED): gettext_lazy("Afronden"),
}
_TRANSITION_ORDER = [
    GroupStatus.PUBLISHED,
    GroupStatus.ENROLMENT_CLOSED,
    GroupStatus.RUNNING,
    GroupStatus.COMPLETED,
    GroupStatus.DRAFT,
]


def _transition_buttons(group: Group) -> list[tuple[str, str]]:
    """(target status, button label) for each allowed step; cancelling has its own page."""
    return [
        (to.value, str(_TRANSITION_LABELS[(GroupStatus(group.status), to)]))
        for to in _TRANSITION_ORDER
        if group.can_become(to) and (GroupStatus(group.status), to) in _TRANSITION_LABELS
    ]


class GroupCreateView(PlannerRoleMixin, ConflictFormMixin, NavSectionMixin, FormView):
    """A new group in two steps: "Voorbeeld" shows the dates, skipped days and conflicts;
    "Groep aanmaken" creates it as a draft."""

    template_name = "scheduler/group_form.html"
    form_class = GroupForm
    nav_section = "groups"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def preview(self, data: dict[str, Any]) -> dict[str, Any]:
        plan = services.group_preview(
            programme=data["programme"],
            host_school=data["host_school"],
            first_date=data["first_date"],
            weekday=data["weekday"],
            start_time=data["start_time"],
            parent_meeting_time=data["parent_meeting_time"],
            class_name=data.get("class_name") or "",
        )
        group_like = Group(
            programme=data["programme"], host_school=data["host_school"], room=data["room"]
        )
        conflicts = services.series_conflicts(
            group_like=group_like, trainers=list(data["trainers"]), plan=plan
        )
        return {"plan": plan, "conflicts": conflicts}

    def form_valid(self, form: forms.Form) -> HttpResponse:
        data = dict(form.cleaned_data)
        if not access.can_plan_groups_at(self.request.user, data["host_school"].pk):
            raise PermissionDenied
        self.conflicts = []
        try:
            self.previewed = self.preview(data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if self.request.POST.get("action") != "create":
            self.conflicts = self.previewed["conflicts"]
            return self.render_to_response(self.get_context_data(form=form))
        return self.handle(form, lambda: self.create(data))

    def create(self, data: dict[str, Any]) -> HttpResponse:
        created = services.group_create(
            **{**data, "trainers": list(data["trainers"])},
            created_by=self.request.user,
            override_by=_override_by(self.request),
        )
        messages.success(
            self.request,
            _("De groep is aangemaakt als concept, met %(count)s bijeenkomsten.")
            % {"count": len(created.plan.sessions)},
        )
        return HttpResponseRedirect(_group_url(created.group))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["previewed"] = getattr(self, "previewed", None)
        return context


class GroupActionMixin(RoleRequiredMixin):
    """Loads the group within the user's scope (404), then: may the user change it (403)?"""

    group: Group

    def load(self) -> None:
        self.group = get_object_or_404(
            access.groups_visible_to(self.request.user).select_related(
                "programme", "host_school", "school_year"
            ),
            pk=self.kwargs["pk"],
        )
        if not access.can_change_group(self.request.user, self.group):
            self.deny()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["group"] = self.group
        context["back_url"] = _group_url(self.group)
        return context


class SessionActionMixin(GroupActionMixin):
    session: Session

    def load(self) -> None:
        self.session = get_object_or_404(
            access.sessions_visible_to(self.request.user).select_related(
                "group__programme", "group__host_school", "group__school_year"
            ),
            pk=self.kwargs["pk"],
        )
        self.group = self.session.group
        if not access.can_change_group(self.request.user, self.group):
            self.deny()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session"] = self.session
        return context


class GroupStatusView(GroupActionMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allowed = dict(_transition_buttons(self.group))
        to = request.POST.get("to", "")
        if to not in allowed:
            messages.error(request, _("Deze statuswijziging is nu niet mogelijk."))
            return HttpResponseRedirect(_group_url(self.group))
        try:
            group = services.group_transition(group=self.group, to=to)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("De status van de groep is nu: %(status)s.")
                % {"status": group.get_status_display()},
            )
        return HttpResponseRedirect(_group_url(self.group))


class GroupCancelView(GroupActionMixin, NavSectionMixin, FormView):
    template_name = "scheduler/group_cancel.html"
    form_class = GroupCancelForm
    nav_section = "groups"

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            services.group_cancel(group=self.group, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("De groep en haar bijeenkomsten zijn geannuleerd."))
        return HttpResponseRedirect(_group_url(self.group))


class TrainerReplaceView(GroupActionMixin, ConflictFormMixin, NavSectionMixin, FormView):
    template_name = "scheduler/trainer_replace.html"
    form_class = TrainerReplaceForm
    nav_section = "groups"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "current": list(self.group.trainers.select_related("user")),
            "programme": self.group.programme,
        }

    def form_valid(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data

        def replace() -> HttpResponse:
            services.group_replace_trainer(
                group=self.group,
                old=data.get("old"),
                new=data["new"],
                override_by=_override_by(self.request),
            )
            messages.success(
                self.request,
                _("%(trainer)s is nu trainer van deze groep.")
                % {"trainer": data["new"].display_name},
            )
            return HttpResponseRedirect(_group_url(self.group))

        return self.handle(form, replace)


class SessionMoveView(SessionActionMixin, ConflictFormMixin, NavSectionMixin, FormView):
    template_name = "scheduler/session_move.html"
    form_class = SessionMoveForm
    nav_section = "groups"

    def get_initial(self) -> dict[str, Any]:
        starts = timezone.localtime(self.session.starts_at)
        return {"date": starts.date(), "time": starts.time().replace(second=0, microsecond=0)}

    def form_valid(self, form: forms.Form) -> HttpResponse:
        starts_at = at_amsterdam(form.cleaned_data["date"], form.cleaned_data["time"])

        def move() -> HttpResponse:
            session = services.session_move(
                session=self.session, starts_at=starts_at, override_by=_override_by(self.request)
            )
            messages.success(
                self.request,
                _("De bijeenkomst is verplaatst naar %(when)s.")
                % {"when": _when(session.starts_at)},
            )
            return HttpResponseRedirect(_group_url(self.group))

        return self.handle(form, move)


class SessionCancelView(SessionActionMixin, ConflictFormMixin, NavSectionMixin, FormView):
    template_name = "scheduler/session_cancel.html"
    form_class = SessionCancelForm
    nav_section = "groups"

    def form_valid(self, form: forms.Form) -> HttpResponse:
        def cancel() -> HttpResponse:
            replacement = services.session_cancel(
                session=self.session,
                add_replacement=form.cleaned_data["add_replacement"],
                override_by=_override_by(self.request),
            )
            if replacement is not None:
                text = _("De bijeenkomst vervalt. De vervangende bijeenkomst is op %(when)s.") % {
                    "when": _when(replacement.starts_at)
                }
            else:
                text = _("De bijeenkomst vervalt.")
            messages.success(self.request, text)
            return HttpResponseRedirect(_group_url(self.group))

        return self.handle(form, cancel)


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


# --- calendar ----------------------------------------------------------------------------


def _parse_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


class CalendarView(RoleRequiredMixin, NavSectionMixin, TemplateView):
    """Month (`?jaar=2026&maand=11`) or week (`?week=2026-11-02`), per school or trainer."""

    template_name = "scheduler/calendar.html"
    nav_section = "calendar"

    def load(self) -> None:
        params = self.request.GET
        user = self.request.user
        self.school = None
        self.trainer = None
        # The school picker lists them all anyway: the chosen one comes from that list.
        self.schools = list(catalogue_access.schools_visible_to(user).order_by("name"))
        if params.get("school"):
            school_id = _parse_int(params["school"])
            if school_id is None:
                raise Http404
            self.school = next((s for s in self.schools if s.pk == school_id), None)
            if self.school is None:
                raise Http404
        if params.get("trainer"):
            trainer_id = _parse_int(params["trainer"])
            if trainer_id is None:
                raise Http404
            self.trainer = get_object_or_404(
                catalogue_access.trainers_visible_to(user).select_related("user"), pk=trainer_id
            )
        self.week_of: dt.date | None = None
        today = timezone.localdate()
        self.year, self.month = today.year, today.month
        if params.get("week"):
            try:
                self.week_of = dt.date.fromisoformat(params["week"])
            except ValueError:
                self.week_of = today
            self.week_of -= dt.timedelta(days=self.week_of.weekday())
            self.year = self.week_of.year
        else:
            year, month = _parse_int(params.get("jaar")), _parse_int(params.get("maand"))
            if year and month and 2000 <= year <= 2100 and 1 <= month <= 12:
                self.year, self.month = year, month

    def url(self, **period: Any) -> str:
        query = {**period}
        if self.school is not None:
            query["school"] = self.school.pk
        if self.trainer is not None:
            query["trainer"] = self.trainer.pk
        return reverse("planning-calendar") + "?" + urlencode(query)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        view = selectors.calendar_view(
            user,
            year=self.year,
            month=None if self.week_of else self.month,
            week_of=self.week_of,
            school=self.school,
            trainer=self.trainer,
        )
        _link_sessions(session for week in view.weeks for day in week for session in day.sessions)
        context["calendar"] = view
        context["school"] = self.school
        context["trainer"] = self.trainer
        context["weekday_names"] = [
            dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(7)
        ]  # a Monday to a Sunday, for the column headings
        if self.week_of is not None:
            monday = self.week_of
            context["is_week"] = True
            context["week_number"] = monday.isocalendar().week
            context["period_start"], context["period_end"] = monday, monday + dt.timedelta(6)
            context["previous_url"] = self.url(week=(monday - dt.timedelta(7)).isoformat())
            context["next_url"] = self.url(week=(monday + dt.timedelta(7)).isoformat())
            context["month_url"] = self.url(jaar=monday.year, maand=monday.month)
        else:
            first = dt.date(self.year, self.month, 1)
            previous = first - dt.timedelta(days=1)
            following = first + dt.timedelta(days=pycalendar.monthrange(self.year, self.month)[1])
            context["is_week"] = False
            context["month_start"] = first
            context["previous_url"] = self.url(jaar=previous.year, maand=previous.month)
            context["next_url"] = self.url(jaar=following.year, maand=following.month)
            today = timezone.localdate()
            in_month = today if (today.year, today.month) == (self.year, self.month) else first
            monday = in_month - dt.timedelta(days=in_month.weekday())
            context["week_url"] = self.url(week=monday.isoformat())
        context["schools"] = self.schools
        context["trainers"] = list(
            catalogue_access.trainers_visible_to(user)
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        context["period"] = (
            {"week": self.week_of.isoformat()}
            if self.week_of
            else {"jaar": self.year, "maand": self.month}
        )
        return context


def programme_colours(request: HttpRequest) -> HttpResponse:
    """`/planning/programmakleuren.css`: one rule per programme, from its calendar colour.

    Colours are validated again here, so a bad value in the database never reaches CSS.
    """
    lines = ["/* Programme colours in the calendar, from the catalogue. */"]
    for pk, colour in Programme.objects.order_by("pk").values_list("pk", "calendar_colour"):
        if HEX_COLOUR.match(colour or ""):
            lines.append(f".programme-{pk} {{ border-left-color: {colour.lower()}; }}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- a trainer's own schedule ------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleCard:
    """One session on a trainer's schedule, as plain text for its card (the template escapes
    it). A schedule lists dozens of sessions of a few groups: the group's texts are made
    once per group, and no date filter or lookup chain runs per card in the template."""

    programme_id: int
    url: str
    starts_iso: str
    when: str
    what: str
    where: str


def schedule_cards(sessions: list[Session]) -> dict[int, ScheduleCard]:
    """The cards of `sessions` by session pk. Each text reads as `_schedule_list.html`
    once wrote it with date filters: "maandag 2 november, 13:00–14:00" in the current language."""
    kinds = {value: str(label) for value, label in SessionKind.choices}
    room_word = _("lokaal")
    per_group: dict[int, tuple[str, str, str]] = {}
    cards: dict[int, ScheduleCard] = {}
    for session in sessions:
        group = session.group
        texts = per_group.get(group.pk)
        if texts is None:
            what = group.programme.name
            if group.class_name:
                what = f"{what} {group.class_name}"
            where = group.host_school.name
            if group.location:
                where = f"{where} · {group.location}"
            if group.room:
                where = f"{where} · {room_word} {group.room}"
            texts = per_group[group.pk] = (
                reverse("planning-group-detail", args=[group.pk]),
                f"{what} ({group.round_label})",
                where,
            )
        url, what, where = texts
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        cards[session.pk] = ScheduleCard(
            programme_id=group.programme_id,
            url=url,
            starts_iso=starts.isoformat(),  # the date filter's "c"
            when=f"{day_text(starts.date(), year=False)}, {starts:%H:%M}–{ends:%H:%M}",
            what=f"{what}: {kinds.get(session.kind, session.kind)} {session.sequence}",
            where=where,
        )
    return cards


class MyScheduleView(RoleRequiredMixin, NavSectionMixin, TemplateView):
    template_name = "scheduler/my_schedule.html"
    nav_section = "my-schedule"

    def has_access(self, user: Any) -> bool:
        return catalogue_access.is_trainer(user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        trainer = get_object_or_404(
            catalogue_access.trainers_visible_to(self.request.user).select_related("user"),
            user=self.request.user,
        )
        context["trainer"] = trainer
        schedule = selectors.trainer_schedule(trainer)
        cards = schedule_cards([*schedule.this_week, *schedule.upcoming, *schedule.past])
        context["schedule"] = schedule
        context["cards"] = {
            "this_week": [cards[s.pk] for s in schedule.this_week],
            "upcoming": [cards[s.pk] for s in schedule.upcoming],
            "past": [cards[s.pk] for s in schedule.past],
        }
        return context

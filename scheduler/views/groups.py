"""Pages of groups and their sessions: the list, a group, a new group, its status, a
trainer replaced, a session moved or cancelled."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core.forms import add_service_error
from core.views import FilteredListView, NavSectionMixin
from programmes import access as catalogue_access
from programmes import selectors as catalogue_selectors
from programmes.mixins import RoleRequiredMixin
from scheduler import access, selectors, services
from scheduler.forms import (
    GroupCancelForm,
    GroupFilterForm,
    GroupForm,
    SessionCancelForm,
    SessionMoveForm,
    TrainerReplaceForm,
)
from scheduler.models import Group, GroupStatus, Session
from scheduler.series import at_amsterdam
from scheduler.views.base import (
    ConflictFormMixin,
    PlannerRoleMixin,
    group_url,
    may_plan,
    override_user,
)


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
        context["may_create"] = may_plan(self.request.user)
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
            override_by=override_user(self.request),
        )
        messages.success(
            self.request,
            _("De groep is aangemaakt als concept, met %(count)s bijeenkomsten.")
            % {"count": len(created.plan.sessions)},
        )
        return HttpResponseRedirect(group_url(created.group))

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
        context["back_url"] = group_url(self.group)
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
            return HttpResponseRedirect(group_url(self.group))
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
        return HttpResponseRedirect(group_url(self.group))


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
        return HttpResponseRedirect(group_url(self.group))


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
                override_by=override_user(self.request),
            )
            messages.success(
                self.request,
                _("%(trainer)s is nu trainer van deze groep.")
                % {"trainer": data["new"].display_name},
            )
            return HttpResponseRedirect(group_url(self.group))

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
                session=self.session, starts_at=starts_at, override_by=override_user(self.request)
            )
            messages.success(
                self.request,
                _("De bijeenkomst is verplaatst naar %(when)s.")
                % {"when": _when(session.starts_at)},
            )
            return HttpResponseRedirect(group_url(self.group))

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
                override_by=override_user(self.request),
            )
            if replacement is not None:
                text = _("De bijeenkomst vervalt. De vervangende bijeenkomst is op %(when)s.") % {
                    "when": _when(replacement.starts_at)
                }
            else:
                text = _("De bijeenkomst vervalt.")
            messages.success(self.request, text)
            return HttpResponseRedirect(group_url(self.group))

        return self.handle(form, cancel)


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")

"""The decision about a group below its programme's minimum on its decision day: pool it,
postpone it or let it not start (`services.viability`); the start pages link here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.forms import add_service_error
from core.views import NavSectionMixin
from scheduler import selectors, services
from scheduler.forms import GroupNotStartedForm, GroupPoolForm, GroupPostponeForm
from scheduler.views.base import conflict_context, group_url, override_user
from scheduler.views.groups import GroupActionMixin

FORMS: dict[str, type[forms.Form]] = {
    "pool": GroupPoolForm,
    "postpone": GroupPostponeForm,
    "cancel": GroupNotStartedForm,
}


class GroupDecideView(GroupActionMixin, NavSectionMixin, TemplateView):
    template_name = "scheduler/group_decide.html"
    nav_section = "groups"

    def forms(self, bound: str = "") -> dict[str, forms.Form]:
        candidates = selectors.pool_candidates(self.group)
        made = {}
        for name, form_class in FORMS.items():
            extra = {"candidates": candidates} if name == "pool" else {}
            data = self.request.POST if name == bound else None
            made[name] = form_class(data, prefix=name, **extra)
        return made

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("forms", self.forms())
        children = selectors.children_in([self.group.pk]).get(self.group.pk, 0)
        context.update(
            children=children,
            minimum=self.group.programme.group_size_min,
            decision_day=self.group.decision_day,
            **conflict_context(kwargs.get("conflicts", []), self.request.user),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = request.POST.get("decision", "")
        if chosen not in FORMS:
            messages.error(request, _("Kies samenvoegen, uitstellen of niet starten."))
            return HttpResponseRedirect(request.path)
        made = self.forms(bound=chosen)
        form = made[chosen]
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(forms=made))
        data = form.cleaned_data
        try:
            if chosen == "pool":
                into = services.group_pool(
                    group=self.group,
                    into=data["into"],
                    decided_by=request.user,
                    reason=data["reason"],
                )
                done = _("De groep is samengevoegd met %(group)s; de ouders krijgen bericht.") % {
                    "group": into
                }
            elif chosen == "postpone":
                group = services.group_postpone(
                    group=self.group,
                    first_date=data["first_date"],
                    decided_by=request.user,
                    reason=data["reason"],
                    override_by=override_user(request),
                )
                done = _("De groep is uitgesteld; de eerste bijeenkomst is nu op %(date)s.") % {
                    "date": group.first_date.strftime("%d-%m-%Y")
                }
            else:
                services.group_not_started(
                    group=self.group, decided_by=request.user, reason=data["reason"]
                )
                done = _("De groep start niet; de ouders krijgen bericht met de andere groepen.")
        except (services.ConflictError, services.SoftConflictError) as error:
            return self.render_to_response(
                self.get_context_data(forms=made, conflicts=error.conflicts)
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.render_to_response(self.get_context_data(forms=made))
        messages.success(request, done)
        return HttpResponseRedirect(group_url(self.group))

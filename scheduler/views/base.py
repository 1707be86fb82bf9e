"""What the scheduler's pages share: who may plan, and forms whose service may refuse
with conflicts (hard ones as errors, soft ones as warnings the programme manager may
accept, "toch opslaan")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from core.forms import add_service_error
from programmes import access as catalogue_access
from programmes.mixins import RoleRequiredMixin
from scheduler import access, services
from scheduler.conflicts import Conflict

OVERRIDE_FIELD = "toch_opslaan"


def may_plan(user: Any) -> bool:
    """Managers and coordinators plan; trainers and users without a role do not."""
    return catalogue_access.is_manager(user) or catalogue_access.is_coordinator(user)


def override_user(request: HttpRequest) -> Any | None:
    """The user who accepts soft conflicts, if they ticked the box and may do so."""
    if request.POST.get(OVERRIDE_FIELD) and access.can_override_soft_conflicts(request.user):
        return request.user
    return None


def conflict_context(conflicts: list[Conflict], user: Any) -> dict[str, Any]:
    hard = [c for c in conflicts if c.is_hard]
    soft = [c for c in conflicts if not c.is_hard]
    return {
        "hard_conflicts": hard,
        "soft_conflicts": soft,
        "may_override": bool(soft) and not hard and access.can_override_soft_conflicts(user),
        "override_field": OVERRIDE_FIELD,
    }


def group_url(group: Model) -> str:
    return reverse("planning-group-detail", args=[group.pk])


class PlannerRoleMixin(RoleRequiredMixin):
    """Pages for the programme manager and school coordinators."""

    def has_access(self, user: Any) -> bool:
        return may_plan(user)


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
        context.update(conflict_context(getattr(self, "conflicts", []), self.request.user))
        return context

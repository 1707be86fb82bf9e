"""Who may open a staff page of enrolment: any staff role, or a coordinator or the manager."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.views import NavSectionMixin
from enrolment.audit import audit_record
from programmes import access as catalogue_access
from programmes.mixins import RoleRequiredMixin


class StaffMixin(RoleRequiredMixin, NavSectionMixin):
    """Logged-in users with a role; anonymous users go to the log-in page, others get 403."""

    nav_section = "enrolments"
    request: HttpRequest
    kwargs: dict[str, Any]

    def audit(self, action: str, target: str) -> None:
        audit_record(actor=self.request.user, action=action, target=target)


class CoordinatorOrManagerMixin(StaffMixin):
    def has_access(self, user: Any) -> bool:
        return catalogue_access.is_manager(user) or catalogue_access.is_coordinator(user)

"""The audit log: who viewed or exported children's data, for the manager."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.views import FilteredListView
from enrolment import access
from enrolment.audit_words import audit_lines
from enrolment.forms_staff import AuditFilterForm, audit_action_label
from enrolment.views_staff.mixins import StaffMixin
from programmes import access as catalogue_access

AUDIT_PAGE_SIZE = 50


class AuditLogView(StaffMixin, FilteredListView):
    """Who viewed or exported children's data: the programme manager reads it."""

    template_name = "enrolment/staff/audit_log.html"
    filter_form_class = AuditFilterForm  # type: ignore[assignment]
    paginate_by = AUDIT_PAGE_SIZE
    context_object_name = "entries"

    def has_access(self, user: Any) -> bool:
        return catalogue_access.is_manager(user)

    def base_queryset(self) -> QuerySet[Any]:
        return access.audit_log_visible_to(self.request.user).order_by("-created_at", "-pk")

    def apply_filters(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("user"):
            queryset = queryset.filter(actor_label__icontains=data["user"].strip())
        if data.get("date_from"):
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            (line.entry, audit_action_label(line.entry.action), line.sentence)
            for line in audit_lines(context["entries"])
        ]
        return context

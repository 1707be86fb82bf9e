from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from programmes import access
from scheduler.models import ConflictOverride, Group, PlannerRun, PlanningRequest, Session


class ManagerOnlyAdmin(admin.ModelAdmin):
    """The admin is the programme manager's tool; `programmes.access` decides who that is.

    Groups and sessions are read here; changes go through the planning pages and the API,
    which run the conflict checks and announce the change.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_manager(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_manager(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SessionInline(admin.TabularInline):
    model = Session
    fields = ("kind", "sequence", "starts_at", "ends_at", "status", "revision")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Group)
class GroupAdmin(ManagerOnlyAdmin):
    list_display = ("__str__", "school_year", "round_label", "status", "capacity", "first_date")
    list_filter = ("status", "programme", "school_year", "host_school__holiday_region")
    search_fields = ("host_school__name", "round_label", "class_name", "programme__name_nl")
    list_select_related = ("programme", "host_school", "school_year")
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(ManagerOnlyAdmin):
    list_display = ("__str__", "starts_at", "status", "revision")
    list_filter = ("status", "kind", "group__programme")
    search_fields = ("group__host_school__name", "group__round_label")
    list_select_related = ("group__programme", "group__host_school")
    date_hierarchy = "starts_at"


@admin.register(PlanningRequest)
class PlanningRequestAdmin(ManagerOnlyAdmin):
    list_display = ("__str__", "school_year", "window_start", "window_end", "status")
    list_filter = ("status", "programme", "school_year")
    search_fields = ("school__name", "round_label")
    list_select_related = ("programme", "school", "school_year")


@admin.register(ConflictOverride)
class ConflictOverrideAdmin(ManagerOnlyAdmin):
    list_display = ("kind", "message", "overridden_by", "created_at")
    list_filter = ("kind",)


@admin.register(PlannerRun)
class PlannerRunAdmin(ManagerOnlyAdmin):
    list_display = ("__str__", "status", "progress", "created_at", "finished_at")
    list_filter = ("status",)

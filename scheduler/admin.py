from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes import access
from scheduler import services
from scheduler.models import ConflictOverride, Group, PlannerRun, PlanningRequest, Session


class ManagerOnlyAdmin(admin.ModelAdmin):
    """The admin is the programme manager's tool; `programmes.access` decides who that is.

    Groups are read here; changes go through the planning pages and the API, which run the
    conflict checks and announce the change. Sessions may be moved or added here, through
    the same services (`SessionAdmin`).
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
    actions = ["decide_pool_or_postpone", "decide_not_started"]

    # The decisions about a group below its minimum (`services.viability`): the same
    # services, refusals and messages as the decision page and the API.

    @admin.action(description=gettext_lazy("Samenvoegen of uitstellen (beslispagina)"))
    def decide_pool_or_postpone(
        self, request: HttpRequest, queryset: QuerySet[Group]
    ) -> HttpResponse | None:
        """Pooling and postponing need a choice per group (which group, which day): the
        decision page asks it and calls `group_pool` / `group_postpone`."""
        groups = list(queryset[:2])
        if len(groups) != 1:
            self.message_user(
                request,
                _("Kies precies één groep om samen te voegen of uit te stellen."),
                messages.ERROR,
            )
            return None
        return HttpResponseRedirect(reverse("planning-group-decide", args=[groups[0].pk]))

    @admin.action(description=gettext_lazy("Niet starten: te weinig kinderen"))
    def decide_not_started(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        for group in queryset.select_related("programme", "host_school"):
            try:
                services.group_not_started(group=group, decided_by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{group}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request, _("%(group)s start niet.") % {"group": group}, messages.SUCCESS
                )


class SessionAdminForm(forms.ModelForm):
    """A session's time, checked by the service that will save it (`session_move_check`,
    `session_add_check`), so the admin refuses with the planning page's and the API's words.
    Soft conflicts are accepted by the manager who saves (and recorded)."""

    override_by: Any = None

    class Meta:
        model = Session
        fields = ["group", "kind", "starts_at", "ends_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if self.errors or starts_at is None:
            return data
        try:
            if self.instance.pk:
                services.session_move_check(
                    session=Session.objects.select_related(
                        "group__host_school", "group__programme", "group__school_year"
                    ).get(pk=self.instance.pk),
                    starts_at=starts_at,
                    ends_at=ends_at,
                    override_by=self.override_by,
                )
            else:
                services.session_add_check(
                    group=data["group"],
                    kind=data["kind"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    override_by=self.override_by,
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                self._update_errors(error)
            else:
                raise
        return data


@admin.register(Session)
class SessionAdmin(ManagerOnlyAdmin):
    """The manager may move a session or add one; the scheduler's services save either, with
    the same checks, events and numbering as the planning pages and the API."""

    form = SessionAdminForm
    list_display = ("__str__", "starts_at", "status", "revision")
    list_filter = ("status", "kind", "group__programme")
    search_fields = ("group__host_school__name", "group__round_label")
    list_select_related = ("group__programme", "group__host_school")
    date_hierarchy = "starts_at"
    raw_id_fields = ("group",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.is_manager(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_manager(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("group", "kind") if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.override_by = request.user
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = services.session_move(
                session=obj,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                override_by=request.user,
            )
        else:
            saved = services.session_add(
                group=data["group"],
                kind=data["kind"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                override_by=request.user,
            )
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))


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

"""The admin site behind `programmes.access`, and the base classes whose saves and deletes
go through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from programmes import access, services
from programmes.models import (
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)

# --- the site: the access module decides who gets in ----------------------------------


def _site_has_permission(request: HttpRequest) -> bool:
    """Programme managers use the admin, whether or not Django calls them staff."""
    return request.user.is_active and access.is_manager(request.user)


class ManagerAuthenticationForm(AdminAuthenticationForm):
    """The admin log-in admits programme managers instead of `is_staff` users."""

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active or not access.is_manager(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


admin.site.has_permission = _site_has_permission
admin.site.login_form = ManagerAuthenticationForm
admin.site.site_header = _("Groepsplanner – beheer")
admin.site.site_title = _("Groepsplanner")
admin.site.index_title = _("Catalogus en schoolkalenders")


# --- read-only pages for the manager ---------------------------------------------------


class NothingChangesMixin:
    """Nothing is added, changed or deleted on these pages (actions call the services)."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ManagerOnlyMixin(NothingChangesMixin):
    """Only the programme manager sees these pages; nothing is added, changed or deleted
    unless a subclass says so."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_manager(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_manager(request.user)


# --- titles that name no person ---------------------------------------------------------


class _AdminLabel:
    """Stands in for an object in the admin's titles and breadcrumbs."""

    def __init__(self, obj: Any, label: str) -> None:
        self.pk = obj.pk
        self._meta = obj._meta
        self.label = label

    def __str__(self) -> str:
        return self.label


class NamelessTitleMixin:
    """The change page's and history's titles and breadcrumbs name the object by
    `admin_label` (its public id, say), never by `__str__`, which may name a child."""

    def admin_label(self, obj: Any) -> str:
        raise NotImplementedError

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> Any:
        if obj is not None:
            context["original"] = _AdminLabel(obj, self.admin_label(obj))
            context["subtitle"] = str(context["original"])
        return super().render_change_form(  # type: ignore[misc]
            request, context, add, change, form_url, obj
        )

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if obj is not None:
            label = _AdminLabel(obj, self.admin_label(obj))
            extra_context = {
                **(extra_context or {}),
                "object": label,
                "title": _("Wijzigingsgeschiedenis: %(label)s") % {"label": label},
            }
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]


# --- saving and deleting through the services -----------------------------------------

Save = Callable[[Any], Any]
Delete = Callable[[Any], None]


def _delete_directly(instance: Any) -> None:
    instance.delete()


def _delete_service(name: str, keyword: str) -> Delete:
    """`services.<name>(<keyword>=instance)`, or a plain delete where no service exists."""
    function = getattr(services, name, None)
    if function is None:
        return _delete_directly
    return lambda instance: function(**{keyword: instance})


# The update services validate (`full_clean`) and save the instance they are given,
# new or existing, in one transaction; the admin form has already set the values.
SAVE_SERVICES: dict[type, Save] = {
    Programme: lambda obj: services.programme_update(programme=obj),
    School: lambda obj: services.school_update(school=obj),
    Trainer: lambda obj: services.trainer_update(trainer=obj),
    TrainerUnavailability: lambda obj: services.trainer_unavailability_update(unavailability=obj),
    SchoolHoliday: lambda obj: services.school_holiday_update(holiday=obj),
    SchoolClosure: lambda obj: services.school_closure_update(closure=obj),
}
DELETE_SERVICES: dict[type, Delete] = {
    Programme: _delete_service("programme_delete", "programme"),
    School: _delete_service("school_delete", "school"),
    Trainer: _delete_service("trainer_delete", "trainer"),
    SchoolYear: _delete_service("school_year_delete", "school_year"),
    TrainerUnavailability: _delete_service("trainer_unavailability_delete", "unavailability"),
    SchoolHoliday: _delete_service("school_holiday_delete", "holiday"),
    SchoolClosure: _delete_service("school_closure_delete", "closure"),
}


def _save_through_service(instance: Any) -> None:
    SAVE_SERVICES[type(instance)](instance)


def _delete_through_service(instance: Any) -> None:
    DELETE_SERVICES.get(type(instance), _delete_directly)(instance)


class CatalogueAccessMixin:
    """Admin and inline permissions come from `access.can_manage_catalogue`."""

    def _allowed(self, request: HttpRequest) -> bool:
        return access.can_manage_catalogue(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class CatalogueAdmin(CatalogueAccessMixin, admin.ModelAdmin):
    """Saves, inline saves and deletes call the catalogue services."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _save_through_service(obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _delete_through_service(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            _delete_through_service(obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            _delete_through_service(obj)
        for instance in instances:
            _save_through_service(instance)
        formset.save_m2m()


class CatalogueInline(CatalogueAccessMixin, admin.TabularInline):
    extra = 0
    show_change_link = True

"""The role-free building blocks of every app's pages.

Who may enter is a hook (`AccessRequiredMixin.has_access`); the apps fill it with their
rules (`programmes.mixins.RoleRequiredMixin` with the roles). The rest: a list with a
search box, filters and pages; a form whose valid data goes to a service, which may refuse
it on the form; a confirmation before a deletion. Views stay thin: every change goes
through a service, and a `ValidationError` from a service is shown on the form and
nothing changes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from core.forms import SearchForm, add_service_error

PAGE_SIZE = 25


# --- who may enter ---------------------------------------------------------------------


class AccessRequiredMixin(AccessMixin):
    """Anonymous users go to the log-in page; a logged-in user `has_access` refuses gets 403.

    `has_access(user)` is the hook the apps fill with their rules; `load()` then looks up
    what the page is about, within the user's scope (a 404 otherwise).
    """

    def has_access(self, user: Any) -> bool:
        raise NotImplementedError

    def load(self) -> None:
        """Look up what the page is about, within the user's scope (a 404 otherwise)."""

    def deny(self) -> None:
        raise PermissionDenied(self.get_permission_denied_message())

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_access(request.user):
            self.deny()
        self.load()
        return super().dispatch(request, *args, **kwargs)


class NavSectionMixin:
    """Tells the navigation which section a page belongs to."""

    nav_section = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["nav_section"] = self.nav_section
        return context


# --- building blocks ---------------------------------------------------------------------


class FilteredListView(NavSectionMixin, ListView):
    """A list with a search box (`?q=`), simple filters and pagination."""

    paginate_by = PAGE_SIZE
    filter_form_class: type[SearchForm] = SearchForm
    search_fields: tuple[str, ...] = ()

    def get_filter_form(self) -> SearchForm:
        if not hasattr(self, "_filter_form"):
            form = self.filter_form_class(self.request.GET or None)
            form.is_valid()
            self._filter_form = form
        return self._filter_form

    def base_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def apply_filters(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        return queryset

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.base_queryset()
        form = self.get_filter_form()
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        query = (data.get("q") or "").strip()
        if query:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            queryset = queryset.filter(condition)
        return self.apply_filters(queryset, data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = self.get_filter_form()
        context["filter_form"] = form
        context["is_filtered"] = form.is_bound and any(
            value for value in form.cleaned_data.values()
        )
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        return context


class ServiceFormView(NavSectionMixin, FormView):
    """A form whose valid data goes to a service; the service's refusal shows on the form."""

    template_name = "core/form.html"
    title = ""
    submit_label = gettext_lazy("Opslaan")
    # The site's pages a form returns to when the object has no page of its own, or on
    # "Annuleren" (URL names; the site's URL configuration defines them).
    fallback_url_name = "home"
    cancel_url_name = "manage-home"

    def perform(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def success_message(self, obj: Model) -> str:
        return _("De gegevens zijn opgeslagen.")

    def success_url_for(self, obj: Model) -> str:
        if hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        return reverse(self.fallback_url_name)

    def cancel_url(self) -> str:
        return reverse(self.cancel_url_name)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            obj = self.perform(dict(form.cleaned_data))
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(obj))
        return HttpResponseRedirect(self.success_url_for(obj))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["submit_label"] = self.submit_label
        context["cancel_url"] = self.cancel_url()
        return context


class ConfirmDeleteView(NavSectionMixin, TemplateView):
    """Asks before a deletion (GET) and deletes on POST through a service."""

    template_name = "core/confirm_delete.html"

    def get_object(self) -> Model:
        raise NotImplementedError

    def perform_delete(self, obj: Model) -> None:
        raise NotImplementedError

    def description(self, obj: Model) -> str:
        return str(obj)

    def success_url_for(self, obj: Model) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context["object"] = obj
        context["description"] = self.description(obj)
        context["cancel_url"] = self.success_url_for(obj)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        description = self.description(obj)
        url = self.success_url_for(obj)
        self.perform_delete(obj)
        messages.success(request, _("Verwijderd: %(object)s.") % {"object": description})
        return HttpResponseRedirect(url)

"""Public pages of the catalogue (the programme overview) and logging in and out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from core.views import NavSectionMixin
from programmes import access
from programmes.forms import (
    LoginForm,
)
from programmes.models import (
    Programme,
)

# --- public pages ------------------------------------------------------------------------


def _public_programmes(user: Any) -> QuerySet[Programme]:
    # The manager also sees inactive programmes through access; the public pages never do.
    return access.programmes_visible_to(user).filter(active=True)


class ProgrammeOverviewView(NavSectionMixin, ListView):
    template_name = "programmes/overview.html"
    context_object_name = "programmes"
    nav_section = "home"

    def get_queryset(self) -> QuerySet[Programme]:
        return _public_programmes(self.request.user)


class ProgrammePublicDetailView(NavSectionMixin, DetailView):
    template_name = "programmes/programme_public_detail.html"
    context_object_name = "programme"
    slug_field = "code"
    slug_url_kwarg = "code"
    nav_section = "home"

    def get_queryset(self) -> QuerySet[Programme]:
        return _public_programmes(self.request.user)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log-out by POST only (Django 5), with a message on the page it lands on."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("U bent uitgelogd."))
        return response

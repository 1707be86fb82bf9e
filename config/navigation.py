"""The site's navigation: the menu every page shows (`roles`, a context processor) and the
manager's home page (`ManageHomeView`). Both link to every app, so they live in `config`,
above all apps."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.views.generic import TemplateView

from core.views import NavSectionMixin
from programmes import access
from programmes.mixins import RoleRequiredMixin

# The links of every page's header and menu, by the name templates use (`nav_urls.home`).
NAV_URL_NAMES = {
    "home": "home",
    "login": "login",
    "logout": "logout",
    "set_language": "set_language",
    "enrol": "enrol-start",
    "relatiedesk": "relatiedesk-home",
    "start": "start",
    "manage": "manage-home",
    "programmes": "manage-programme-list",
    "schools": "manage-school-list",
    "trainers": "manage-trainer-list",
    "own_trainer": "manage-own-trainer",
    "school_years": "manage-school-year-list",
    "planning": "planning-home",
    "groups": "planning-group-list",
    "calendar": "planning-calendar",
    "my_schedule": "planning-my-schedule",
    "enrolments": "staff-overview",
    "cofinancing": "cofinancing-overview",
    "participation": "participation-report",
    "referrals": "referral-list",
    "talks": "talk-slot-list",
    "wijkteam_workers": "referral-workers",
}


def roles(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's roles to templates, for navigation only (never for access), and
    the menu's links (`nav_urls`)."""
    user_roles = access.roles_of(request.user)
    return {
        "is_manager": access.Role.MANAGER in user_roles,
        "is_coordinator": access.Role.COORDINATOR in user_roles,
        "is_trainer": access.Role.TRAINER in user_roles,
        "is_wijkteam": access.Role.WIJKTEAM in user_roles,
        "nav_urls": _nav_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF),
    }


@functools.cache
def _nav_urls(script_prefix: str, urlconf: str) -> dict[str, str]:
    """The menu's links, reversed once per URL configuration rather than on every page
    (they take no arguments); "" for a name this configuration lacks."""
    urls = {}
    for key, name in NAV_URL_NAMES.items():
        try:
            urls[key] = reverse(name, urlconf=urlconf)
        except NoReverseMatch:
            urls[key] = ""
    return urls


class ManageHomeView(RoleRequiredMixin, NavSectionMixin, TemplateView):
    """The management start page: links to every app's management pages, by role."""

    template_name = "manage/home.html"
    nav_section = "manage"

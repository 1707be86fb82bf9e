from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: the domain-event bus, cache helpers, filters and the role-free web
    kit (view mixins, form pieces, form templates, API authentication and permissions).
    It has no models and imports no app above it."""

    name = "core"
    verbose_name = _("Basis")

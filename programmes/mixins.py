"""Who may enter a page, by role: the roles are the catalogue's (`programmes.access`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from core.views import AccessRequiredMixin
from programmes import access


class RoleRequiredMixin(AccessRequiredMixin):
    """Anonymous users go to the log-in page; a logged-in user without a role gets 403."""

    permission_denied_message = gettext_lazy(
        "U heeft geen toegang tot dit deel van de site. Denkt u dat dit niet klopt? "
        "Neem dan contact op met de programmabeheerder van de gemeente."
    )

    def has_access(self, user: Any) -> bool:
        return bool(access.roles_of(user))


class CatalogueManagerRequiredMixin(RoleRequiredMixin):
    """Pages only the programme manager may use."""

    def has_access(self, user: Any) -> bool:
        return access.can_manage_catalogue(user)

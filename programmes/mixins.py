"""Who may enter a page, by role: the roles are the catalogue's (`programmes.access`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from core.views import AccessRequiredMixin
from programmes import access


class RoleRequiredMixin(AccessRequiredMixin):
    """Anonymous users go to the log-in page; a logged-in user without a staff role
    (manager, coordinator, trainer: `access.is_staff_member`) gets 403, a
    wijkteammedewerker too unless the page says otherwise (its own `has_access`)."""

    permission_denied_message = gettext_lazy(
        "U heeft geen toegang tot dit deel van de site. Denkt u dat dit niet klopt? "
        "Neem dan contact op met de programmabeheerder van de gemeente."
    )

    def has_access(self, user: Any) -> bool:
        return access.is_staff_member(user)


class CatalogueManagerRequiredMixin(RoleRequiredMixin):
    """Pages only the programme manager may use."""

    def has_access(self, user: Any) -> bool:
        return access.can_manage_catalogue(user)

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from programmes import access


def roles(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's roles to templates, for navigation only (never for access)."""
    user_roles = access.roles_of(request.user)
    return {
        "is_manager": access.Role.MANAGER in user_roles,
        "is_coordinator": access.Role.COORDINATOR in user_roles,
        "is_trainer": access.Role.TRAINER in user_roles,
    }

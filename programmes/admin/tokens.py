"""The admin for API tokens."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from programmes import access, api_tokens
from programmes.admin.base import ManagerOnlyMixin
from programmes.models import (
    ApiToken,
)

# --- API tokens ------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(ManagerOnlyMixin, admin.ModelAdmin):
    """The manager sees every API token (never its value, nor its hash) and can revoke one.

    Tokens are made only at POST /api/v1/auth/token/, where their value is shown once; they
    are not changed or deleted here, so the list also shows who had access when.
    """

    list_display = ["prefix", "name", "user", "status", "created_at", "expires_at", "last_used_at"]
    list_select_related = ["user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username", "user__last_name"]
    date_hierarchy = "created_at"
    fields = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("status"))
    def status(self, obj: ApiToken) -> str:
        if obj.revoked_at is not None:
            return gettext("ingetrokken")
        if not obj.is_usable_at(timezone.now()):
            return gettext("verlopen")
        return gettext("werkt")

    @admin.action(description=_("Geselecteerde API-tokens intrekken"))
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not access.is_manager(request.user):
            raise PermissionDenied
        now = timezone.now()
        done = sum(api_tokens.api_token_revoke(token=token, now=now) for token in queryset)
        self.message_user(
            request,
            ngettext("%(count)s API-token ingetrokken.", "%(count)s API-tokens ingetrokken.", done)
            % {"count": done},
            messages.SUCCESS,
        )

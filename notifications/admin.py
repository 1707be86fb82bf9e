"""Admin for the outbox: managers read it and resend; nobody edits a message by hand.

Access comes from `programmes.access.is_manager`, like the rest of the admin. Rows are
read-only (a message is what was sent); the one change, resending, goes through
`notifications.outbox.message_resend`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.models import OutboxMessage
from notifications.outbox import message_resend
from programmes import access


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language", "ics_method"]
    search_fields = ["to_email", "subject", "key", "message_id"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    actions = ["resend"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def _allowed(self, request: HttpRequest) -> bool:
        return access.is_manager(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    @admin.action(description=_("Opnieuw versturen"), permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        resent = refused = 0
        for message in queryset:
            try:
                message_resend(message=message)
            except ValidationError:
                refused += 1
            else:
                resent += 1
        if resent:
            self.message_user(
                request,
                gettext("%(count)s bericht(en) opnieuw in de wachtrij.") % {"count": resent},
            )
        if refused:
            self.message_user(
                request,
                gettext("%(count)s bericht(en) overgeslagen: al verstuurd of onderweg.")
                % {"count": refused},
                messages.WARNING,
            )

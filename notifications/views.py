"""Pages of the notifications app: the programme manager's list of mail that did not go out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from core.views import NavSectionMixin
from notifications.models import OUTBOX_RESENDABLE, OutboxMessage
from notifications.outbox import message_resend
from programmes import access
from programmes.mixins import RoleRequiredMixin


class ManagerRequiredMixin(RoleRequiredMixin):
    """Only the programme manager reads other people's undelivered mail."""

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user)


class FailedMessageListView(ManagerRequiredMixin, NavSectionMixin, ListView):
    """Failed messages and messages waiting for another attempt, newest first."""

    template_name = "notifications/outbox/failed_list.html"
    context_object_name = "outbox_messages"
    paginate_by = 50
    nav_section = "manage"

    def get_queryset(self) -> QuerySet[OutboxMessage]:
        return (
            OutboxMessage.objects.filter(status__in=OUTBOX_RESENDABLE)
            .only(
                "pk",
                "kind",
                "status",
                "to_email",
                "subject",
                "attempts",
                "last_error",
                "next_attempt_at",
                "created_at",
            )
            .order_by("-created_at", "-pk")
        )


class ResendMessageView(ManagerRequiredMixin, View):
    """POST: put one failed or waiting message back in the queue."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        message = get_object_or_404(OutboxMessage, pk=pk)
        try:
            message_resend(message=message)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Het bericht aan %(recipient)s staat weer in de wachtrij.")
                % {"recipient": message.to_email},
            )
        return HttpResponseRedirect(reverse("notifications:outbox-failed"))

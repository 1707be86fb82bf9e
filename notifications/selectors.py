"""Reads of the outbox and the calendar feeds for the staff pages."""

from __future__ import annotations

from typing import Any

from notifications.models import OUTBOX_RESENDABLE, CalendarFeedToken, FeedKind, OutboxMessage


def failed_message_count() -> int:
    """Messages that failed or wait for another attempt (the failed-mail page's list). One
    query."""
    return OutboxMessage.objects.filter(status__in=OUTBOX_RESENDABLE).count()


def trainer_feed_token(user: Any, trainer: Any) -> CalendarFeedToken | None:
    """The trainer's active feed link for their own schedule (its secret is shown only when it
    is made, so this says since when it works), or None. One query."""
    return (
        CalendarFeedToken.objects.filter(
            owner=user, kind=FeedKind.TRAINER, trainer=trainer, revoked_at__isnull=True
        )
        .order_by("-created_at", "-pk")
        .first()
    )

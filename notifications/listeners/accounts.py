"""Listeners of account events: a locked log-in is told to the account's owner."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from notifications.messages import message_write, user_recipient
from programmes import events as programme_events


def on_account_locked(event: programme_events.AccountLocked) -> None:
    user = get_user_model()._default_manager.filter(pk=event.user_id).first()
    if user is None:
        return
    message_write(
        kind="account_locked",
        event="account-locked",
        object_id=user.pk,
        recipient=user_recipient(user),
        # One message per lock: a lock is known by the moment it began.
        revision=int(event.locked_at.timestamp()),
        context={"locked_at": event.locked_at, "until": event.until},
    )

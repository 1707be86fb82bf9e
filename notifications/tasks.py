"""The notifications app's own Celery task: `ping`, which proves that a worker takes work
from the broker (used by the integration tests and handy from a shell:
`notifications.tasks.ping.delay()`).

Every other task lives beside the service it calls: sending and sweeping the outbox in
`notifications.outbox`, the reminders' sweeps in `notifications.reminders`
(`NotificationsConfig.ready` imports both, so a worker registers them).
"""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

PING_CACHE_PREFIX = "notifications:ping:"


@shared_task(name="notifications.ping")
def ping(token: str = "") -> str:
    """Answer "pong"; with a token, also leave it in the cache for the caller to find.

    Safe to run twice: it only (re)writes the same short-lived cache key.
    """
    if token:
        cache.set(PING_CACHE_PREFIX + token, "pong", timeout=60)
    return "pong"

"""Celery tasks of the notifications app.

Tasks stay thin: load by id, call a service, done. `ping` is the exception: it
proves that a worker takes work from the broker (used by the integration tests
and handy from a shell: `notifications.tasks.ping.delay()`).
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

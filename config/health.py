"""`/healthz`: is this process able to serve? Database and broker, nothing else.

No authentication and no personal data: it answers load balancers, the compose
health check and monitoring. Each part answers "ok" or "error: <exception class>";
the full error goes to the log, not to the caller.
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 1.0
NOT_CONFIGURED = "not configured"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # a health check must answer whatever went wrong
        logger.warning("healthz: database check failed: %r", exc)
        return f"error: {type(exc).__name__}"
    return "ok"


def broker_status() -> str:
    """Redis serves as Celery broker and as cache; one PING covers both."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except Exception as exc:  # a health check must answer whatever went wrong
        logger.warning("healthz: broker check failed: %r", exc)
        return f"error: {type(exc).__name__}"
    finally:
        client.close()
    return "ok"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {"database": database_status(), "broker": broker_status()}
    healthy = all(value in ("ok", NOT_CONFIGURED) for value in parts.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **parts}, status=200 if healthy else 503
    )

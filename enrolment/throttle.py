"""A small rate limit for the public enrolment pages.

Every POST of the public pages (the enrolment form, registering interest and the
actions behind the links in e-mails) counts against the client's IP address in a
fixed time window held in the cache (Redis in production, memory in `make run`).
Reading pages is never limited.

The client is `REMOTE_ADDR`. Behind a reverse proxy that address is the proxy's,
so every parent would share one limit: the proxy (or the WSGI server, e.g.
gunicorn's `--forwarded-allow-ips` with a middleware that trusts it) must put the
real client address in `REMOTE_ADDR`. We deliberately do not read
`X-Forwarded-For` here: anyone can send that header and so escape the limit.

Settings (optional): `ENROLMENT_PUBLIC_POST_LIMIT` (default 20) POSTs per
`ENROLMENT_PUBLIC_POST_WINDOW` seconds (default 600).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.cache import count_hit

DEFAULT_LIMIT = 20
DEFAULT_WINDOW_SECONDS = 600


def client_key(request: HttpRequest) -> str:
    """The client's address, hashed: the cache need not hold IP addresses in clear."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "ENROLMENT_PUBLIC_POST_LIMIT", DEFAULT_LIMIT)),
        int(getattr(settings, "ENROLMENT_PUBLIC_POST_WINDOW", DEFAULT_WINDOW_SECONDS)),
    )


def hit(request: HttpRequest, *, scope: str = "enrolment-public") -> bool:
    """Count one request of this client; False when the client is over the limit.

    A fixed window: the counter lives as long as the window and is incremented
    atomically, in one round trip on Redis (`config.cache.count_hit`).
    """
    limit, window = limits()
    bucket = int(time.time() // window)
    return count_hit(f"throttle:{scope}:{client_key(request)}:{bucket}", window) <= limit


def too_many_requests(request: HttpRequest) -> HttpResponse:
    _limit, window = limits()
    response = render(
        request,
        "enrolment/public/too_many_requests.html",
        {"minutes": max(1, window // 60)},
        status=429,
    )
    response["Retry-After"] = str(window)
    return response


def throttle_posts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a client's POSTs with 429 (a friendly page) once it is over the limit."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and not hit(request):
            return too_many_requests(request)
        return view(request, *args, **kwargs)

    return wrapped

"""Tiny typed readers for settings from the environment.

Each one fails loudly on a value it cannot read, so a typo in production
stops the process at start-up instead of silently using a default.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def redis_for_test_worker(url: str) -> str:
    """`url` with a Redis database of its own for a parallel test worker (pytest-xdist sets
    PYTEST_XDIST_WORKER to gw0, gw1, ...): databases 1 to 7, as each worker also gets a
    PostgreSQL database of its own, so one test's rate-limit counters and cache entries
    never reach a test in another worker (8 to 15 are the real mail worker test's). `url`
    itself outside a parallel test run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    number = int(worker[2:])
    if number >= 7:
        raise ImproperlyConfigured(
            f"test worker {worker}: at most 7 parallel test workers share one Redis "
            "(pytest -n N --maxprocesses=7, as make test does)"
        )
    return urlunsplit(urlsplit(url)._replace(path=f"/{1 + number}"))

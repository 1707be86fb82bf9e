"""One log line per HTTP request, without personal data.

The line says what was asked (method, redacted path, the matched route), how it
went (status, duration) and by whom (a numeric user id, never a name). It never
holds a query string, a request body, a header value other than the request id,
an e-mail address or a secret link token: those are personal data or keys to it
(`/agenda/feed/<token>.ics`, `/aanmelden/link/<token>/`, ...).

The same module holds the pieces `LOGGING` in settings uses: the JSON formatter
(python-json-logger) and two filters, one that adds the request id to every
record logged while a request runs, one that redacts paths, e-mail addresses and
token-like strings in the arguments of other loggers' records (Django's
"Not Found: /path" warnings would otherwise print the token in a feed URL).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from a proxy as its request id: a short opaque word. Anything else
# (too long, spaces, an e-mail address) is replaced by our own id.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")

TOKEN = "<token>"
EMAIL = "<email>"
# URL keyword arguments with these words in their name are secrets, however short.
_SECRET_KWARG_WORDS = ("token", "key", "secret")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A run of URL-safe characters long enough to be a random token (secrets.token_urlsafe,
# a uuid, a sha256 hex digest). Words are spared: see `_looks_random`.
_RUN_RE = re.compile(r"[A-Za-z0-9_-]{16,}")
_QUERY_RE = re.compile(r"\?[^\s\"']+")
# Celery task ids in library messages stay readable, so lines can be matched up; a uuid in
# a path is redacted all the same (it may name an enrolment).
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class RequestContext:
    """What the log filters know about the request being served."""

    request_id: str
    # Values of the URL's token arguments, once the URL has been resolved.
    secrets: list[str] = field(default_factory=list)


# Set by the middleware when a request starts, cleared when its response is closed:
# Django logs "Not Found: /path" after the middleware has returned, and that line needs
# the request id and the URL's secrets too.
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "request_log_context", default=None
)


def current_request_id() -> str | None:
    context = _current.get()
    return context.request_id if context else None


def _forget_request(**_: Any) -> None:
    _current.set(None)


request_finished.connect(_forget_request, dispatch_uid="config.request_log.forget")


def _looks_random(text: str) -> bool:
    """Two of lower case, upper case and digits: a token or uuid, not a Dutch path word."""
    kinds = (
        any(c.islower() for c in text)
        + any(c.isupper() for c in text)
        + any(c.isdigit() for c in text)
    )
    return kinds >= 2


def _redact_run(match: re.Match[str]) -> str:
    return TOKEN if _looks_random(match.group(0)) else match.group(0)


def _redact_run_sparing_uuids(match: re.Match[str]) -> str:
    return match.group(0) if _UUID_RE.fullmatch(match.group(0)) else _redact_run(match)


def redact_text(text: str) -> str:
    """E-mail addresses, token-like strings and query strings in free text, replaced.

    Canonical uuids are spared here (Celery's task ids); paths go through `redact_path`.
    """
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _QUERY_RE.sub("?<query>", text)
    return _RUN_RE.sub(_redact_run_sparing_uuids, text)


def redact_path(path: str, secrets: Iterable[str] = ()) -> str:
    """The path without its query string, with secret-looking segments replaced.

    `secrets` are values known to be secret (the URL's token arguments); they are
    replaced even when too short to look random.
    """
    path = path.split("?", 1)[0]
    known = {value for value in secrets if value}
    segments = []
    for segment in path.split("/"):
        stem, dot, suffix = segment.rpartition(".")
        if not dot or not suffix.isalpha() or len(suffix) > 5:
            stem, dot, suffix = segment, "", ""
        if "@" in segment:
            segment = EMAIL
        elif segment in known or stem in known:
            segment = TOKEN + dot + suffix if stem in known else TOKEN
        else:
            segment = _RUN_RE.sub(_redact_run, segment)
        segments.append(segment)
    return "/".join(segments)


def _secret_kwargs(request: HttpRequest) -> list[str]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return []
    return [
        str(value)
        for name, value in match.kwargs.items()
        if any(word in name.lower() for word in _SECRET_KWARG_WORDS)
    ]


def _user_id(request: HttpRequest) -> int | None:
    """The user's id if the request already looked the user up; never a query of its own.

    Logging must not add queries: a page that never touched `request.user` (a feed,
    /healthz, a static file) is logged without it.
    """
    user = request.__dict__.get("user")
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def _request_id_from(request: HttpRequest) -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if _SANE_REQUEST_ID.match(incoming) and "@" not in incoming:
        return incoming
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Logs one line per request and echoes the request id as the X-Request-ID header.

    First in MIDDLEWARE, so the duration covers every other middleware and the
    line is written for redirects and refusals too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = _request_id_from(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        context = RequestContext(request_id)
        _current.set(context)
        response = self.get_response(request)
        context.secrets = _secret_kwargs(request)
        response[REQUEST_ID_HEADER] = request_id
        self.log(request, response, started, context)
        return response

    def log(
        self,
        request: HttpRequest,
        response: HttpResponse,
        started: float,
        context: RequestContext,
    ) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        path = redact_path(request.path, context.secrets)
        match = getattr(request, "resolver_match", None)
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s %sms",
            request.method,
            path,
            status,
            duration_ms,
            extra={
                "event": "request",
                "method": request.method,
                "path": path,
                "route": match.route if match else None,
                "view": match.view_name if match else None,
                "status": status,
                "duration_ms": duration_ms,
                "user_id": _user_id(request),
                "request_id": context.request_id,
            },
        )


class RequestIdFilter(logging.Filter):
    """Adds the id of the request being served (or None) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class RedactFilter(logging.Filter):
    """Redacts the string arguments of a record: paths, e-mail addresses, tokens.

    Our own lines are written without personal data; this catches the lines of
    Django and libraries, such as "Not Found: /agenda/feed/<token>.ics".
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(self.redact(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: self.redact(value) for key, value in record.args.items()}
        return True

    @staticmethod
    def redact(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if value.startswith("/"):
            context = _current.get()
            value = redact_path(value, context.secrets if context else ())
        return redact_text(value)


# Record attributes that never go into a JSON line: Django's `request` object (its repr
# holds the full URL) and Celery's `data` (a task's arguments), besides the standard ones.
NOT_LOGGED_ATTRS = (*RESERVED_ATTRS, "request", "data")


def json_formatter(**kwargs: Any) -> JsonFormatter:
    """The JSON formatter of `LOGGING`: timestamp, level, logger, message and the extras."""
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
        reserved_attrs=NOT_LOGGED_ATTRS,
        json_ensure_ascii=False,
        **kwargs,
    )

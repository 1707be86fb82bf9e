"""The public rate limits: one verdict for the parent's pages and the public API alike.

A request counts against every subject it names, each in a fixed window of the clock
(`ENROLMENT_RATE_WINDOW_SECONDS`, 10 minutes) held in the cache (Redis in production,
memory in `make run`), one counter per action and subject:

- the client's address, always: high enough that a school's or a library's shared
  network is not locked out on the evening an enrolment opens (the numbers, and why, are
  `ENROLMENT_RATE_LIMITS` in config/settings.py);
- the enroller's e-mail address, for a submission (the enrolment form, registering
  interest) that carries one: one family cannot spray, whatever network it is on;
- the link's token, for an answer to a link in an e-mail: one link cannot be hammered.

The pages and the API share the counters (an action's key names no door), so switching
doors gains nothing, and both answer a refusal with the same words (`refusal_message`):
to a child on their own consent link as "je", to everyone else as "u", with the minutes
left in the window. Reading pages is never limited; the API's reads count per address.

The address is `REMOTE_ADDR`. Behind a reverse proxy that address is the proxy's, so
every parent would share one limit: the proxy (or the WSGI server, e.g. gunicorn's
`--forwarded-allow-ips` with a middleware that trusts it) must put the real client address
in `REMOTE_ADDR`. We deliberately do not read `X-Forwarded-For`: anyone can send that
header and so escape the limit. Addresses, e-mail addresses and tokens are hashed before
they name a counter: the cache holds none of them in clear.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from core.cache import count_hit
from enrolment.models import AccessLink, LinkPurpose


class Action(StrEnum):
    READ = "read"  # the public API's reads (the pages' reads are never limited)
    SUBMIT = "submit"  # the enrolment form and registering interest, page or API
    LINK = "link"  # an answer through a link in an e-mail, page or API


@dataclass(frozen=True)
class Refusal:
    """Over a limit: try again after `retry_after` seconds (the window's end)."""

    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def client_key(request: HttpRequest) -> str:
    """The client's address, hashed: the cache need not hold IP addresses in clear."""
    return _digest(request.META.get("REMOTE_ADDR") or "unknown")


def window() -> int:
    return int(settings.ENROLMENT_RATE_WINDOW_SECONDS)


def limit(action: Action, subject: str) -> int | None:
    """How many requests of `action` one `subject` (address, email, token) may make per
    window (`ENROLMENT_RATE_LIMITS`, where the numbers are reasoned out); None: that subject
    is not counted for that action."""
    return settings.ENROLMENT_RATE_LIMITS.get(f"{action}-per-{subject}")


def verdict(
    request: HttpRequest, action: Action, *, email: str = "", token: str = ""
) -> Refusal | None:
    """Count this request against its address and, where given, the e-mail address typed
    and the link's token; None when every count is within its limit, else a `Refusal`.

    Every subject is counted even when another is already over, so a refused spray keeps
    its counters full. Each count is one cache round trip (`core.cache.count_hit`).
    """
    seconds = window()
    now = time.time()
    bucket = int(now // seconds)
    subjects = [("address", client_key(request))]
    if email.strip():
        subjects.append(("email", _digest(email.strip().lower())))
    if token:
        subjects.append(("token", _digest(token)))
    over = False
    for subject, key in subjects:
        allowed = limit(action, subject)
        if allowed is None:
            continue
        if count_hit(f"throttle:{action}:{subject}:{key}:{bucket}", seconds) > allowed:
            over = True
    if not over:
        return None
    return Refusal(retry_after=max(1, math.ceil((bucket + 1) * seconds - now)))


def refusal_message(refusal: Refusal, *, child: bool = False) -> str:
    """What both doors say: nothing was saved, and in about how many minutes to try again;
    "je" to a child on their own consent link, "u" to everyone else."""
    if child:
        return ngettext(
            "Er is kort na elkaar veel verstuurd. Je antwoord is nog niet bewaard. Probeer "
            "het over ongeveer %(minutes)s minuut nog een keer.",
            "Er is kort na elkaar veel verstuurd. Je antwoord is nog niet bewaard. Probeer "
            "het over ongeveer %(minutes)s minuten nog een keer.",
            refusal.minutes,
        ) % {"minutes": refusal.minutes}
    return ngettext(
        "Er is kort na elkaar veel verstuurd. Wat u nu verstuurde, is nog niet bewaard. "
        "Probeer het over ongeveer %(minutes)s minuut opnieuw.",
        "Er is kort na elkaar veel verstuurd. Wat u nu verstuurde, is nog niet bewaard. "
        "Probeer het over ongeveer %(minutes)s minuten opnieuw.",
        refusal.minutes,
    ) % {"minutes": refusal.minutes}


def is_child_link(token: str) -> bool:
    """Whether `token` is a child's own consent link (a refusal then speaks to the child)."""
    if not token or len(token) > 200:
        return False
    return AccessLink.objects.filter(
        token_hash=AccessLink.hash(token), purpose=LinkPurpose.CHILD_CONSENT
    ).exists()


def with_retry_after(response: HttpResponse, refusal: Refusal) -> HttpResponse:
    """The page's answer to a refused post: 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after)
    return response


def too_many_requests(
    request: HttpRequest, refusal: Refusal, *, child: bool = False
) -> HttpResponse:
    """The page for a refused post where no form can be shown again (a link that is not
    valid, a group that is gone)."""
    response = render(
        request,
        "enrolment/public/too_many_requests.html",
        {"message": refusal_message(refusal, child=child), "child": child},
    )
    return with_retry_after(response, refusal)


# --- the API's door ------------------------------------------------------------------------

# The public API views name their action by DRF's `throttle_scope`.
API_SCOPES = {
    "enrolment-public": Action.READ,
    "enrolment-submit": Action.SUBMIT,
    "enrolment-links": Action.LINK,
}
# An enrolment's JSON is about 2 kB; a larger body is counted by its address only (and
# refused by the view as it always was), never read twice.
BODY_READ_LIMIT = 64 * 1024


def _json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, read leniently: anything else is {} (the view answers it)."""
    if request.method != "POST":
        return {}
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > BODY_READ_LIMIT:
            return {}
        data = json.loads(request._request.body or b"{}")
    except (ValueError, RecursionError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


class PublicRateThrottle(BaseThrottle):
    """The public API's door onto `verdict`, for the action its view's `throttle_scope`
    names: the e-mail address typed is the enroller's (`enroller.email`, or `email` when
    registering interest), the token is the body's `token` (never in the address).

    A refused post is raised here, not left to DRF's `throttled`, so it carries the pages'
    words (`refusal_message`; "je" for a child's own link); DRF adds Retry-After. A refused
    read keeps the API's general words (`config.api`): it sent nothing to lose.
    """

    def allow_request(self, request: Request, view: Any) -> bool:
        action = API_SCOPES.get(getattr(view, "throttle_scope", "") or "")
        if action is None:
            return True
        body = _json_body(request) if action != Action.READ else {}
        email, token = "", ""
        if action == Action.SUBMIT:
            enroller = body.get("enroller")
            email = _text(enroller.get("email")) if isinstance(enroller, dict) else ""
            email = email or _text(body.get("email"))
        elif action == Action.LINK:
            token = _text(body.get("token"))
        refusal = verdict(request, action, email=email, token=token)
        if refusal is None:
            return True
        if action == Action.READ:  # nothing was sent: the API's general words, in seconds
            raise Throttled(wait=refusal.retry_after)
        child = action == Action.LINK and is_child_link(token)
        raise Throttled(wait=refusal.retry_after, detail=refusal_message(refusal, child=child))

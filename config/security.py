"""Security glue that does not belong to one app: the log-in lock, its page and the API docs.

The policies themselves (Content Security Policy, cookies, HSTS, log-in throttling) are
settings in `config/settings.py`; this module holds the places where code is needed.
"""

from __future__ import annotations

import math
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularSwaggerSplitView

from programmes.accounts import account_lockout_record, lockout_cool_off, lockout_retry_after


class AccountLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with two locks (AXES_LOCKOUT_PARAMETERS names both):

    - one username from one address: AXES_FAILURE_LIMIT wrong passwords lock that pair
      (someone mistyping, or one address guessing);
    - one username from anywhere: AXES_ACCOUNT_FAILURE_LIMIT wrong passwords lock the
      account from every address (a spray from many addresses, each staying under the
      first limit).

    axes itself compares one count with one limit, so `get_failures` answers the pair's
    count, raised to the pair limit once the account's count reaches the account limit.
    A failure that starts a lock (the request was allowed before it) is announced once
    through `account_lockout_record`, which mails the owner; the failures refused during
    the lock, which axes also reports through `user_locked_out`, are not.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        counts = AccessAttempt.objects.filter(
            username=username, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(
            account=Sum("failures_since_start"),
            pair=Sum("failures_since_start", filter=Q(ip_address=request.axes_ip_address)),
        )
        pair = counts["pair"] or 0
        if username and (counts["account"] or 0) >= settings.AXES_ACCOUNT_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        was_locked = request is not None and self.is_locked(request, credentials)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or was_locked or not getattr(request, "axes_locked_out", False):
            return
        username = get_client_username(request, credentials)
        if username:
            locked_at = request.axes_attempt_time
            account_lockout_record(
                username=username, locked_at=locked_at, until=locked_at + lockout_cool_off()
            )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page for a locked-out log-in (429, with Retry-After): it says at what time the
    person may try again. The same for a username with or without an account."""
    retry_at, seconds = lockout_retry_after(request)
    context = {"retry_at": retry_at, "minutes": math.ceil(seconds / 60)}
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response


# The interactive API docs (Swagger UI) are the one page whose code is not ours: drf-spectacular
# loads Swagger UI from a CDN. The split view serves its start-up script as a file (no inline
# script); its template keeps one small inline <style> block, allowed by its hash alone.
# The policy is widened for this page only, and only to the pinned CDN path of that release
# (SPECTACULAR_SETTINGS["SWAGGER_UI_DIST"]); every other page keeps the strict policy.
# tests/security/test_csp.py checks that the hash still matches the rendered block.
SWAGGER_UI_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"


def swagger_ui_dist() -> str:
    return spectacular_settings.SWAGGER_UI_DIST.rstrip("/")


def api_docs_view() -> Any:
    """`/api/docs/`: Swagger UI for the schema at `/api/schema/`, under its own narrow policy."""
    cdn = swagger_ui_dist() + "/"
    view = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
    return csp_replace(
        {
            "script-src": [SELF, cdn],
            "style-src": [SELF, cdn, SWAGGER_UI_STYLE_HASH],
            "img-src": [SELF, "data:", cdn],
        }
    )(view)

"""Security glue that does not belong to one app: the log-in lockout page and the API docs.

The policies themselves (Content Security Policy, cookies, HSTS, log-in throttling) are
settings in `config/settings.py`; this module holds the two places where code is needed.
"""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularSwaggerSplitView


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page for a locked-out log-in (429): it says at what time the person may try again.

    django-axes counts this refused attempt as one more failure, so the lock now runs until
    the cool-off time from this moment.
    """
    cool_off = get_cool_off(request) or settings.AXES_COOLOFF_TIME
    context = {
        "retry_at": timezone.localtime(timezone.now() + cool_off),
        "minutes": math.ceil(cool_off.total_seconds() / 60),
    }
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


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

"""Everything under /api/v1/. Each app's API module adds its own routes."""

from __future__ import annotations

from django.urls import include, path, re_path

from config.api import not_found
from config.ping import PingView

urlpatterns = [
    path("ping/", PingView.as_view(), name="api-ping"),
    path("", include("programmes.api")),
    path("", include("scheduler.api")),
    path("", include("enrolment.api")),
    path("", include("evaluations.api")),
    path("", include("reports.api")),
    path("", include("reports.api_outcomes")),
    path("", include("referrals.api")),
    # Add other apps' APIs above this line. This catch-all must stay last: it answers
    # unknown API addresses with a JSON 404 instead of an HTML page. It only matches
    # paths ending in a slash, so APPEND_SLASH still redirects `/api/v1/schools`.
    re_path(r"^.*/$", not_found, name="api-not-found"),
]

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config import health, security, start
from config.navigation import ManageHomeView

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Its own, narrower Content Security Policy exception: see config/security.py.
    path("api/docs/", security.api_docs_view(), name="api-docs"),
    path("start/", include(start)),
    path("planning/", include("scheduler.urls")),
    path("aanmelden/", include("enrolment.urls_public")),
    path("inschrijvingen/", include("enrolment.urls_staff")),
    path("gegevens/", include("enrolment.urls_privacy")),
    path("berichten/", include("notifications.urls")),
    path("agenda/", include("notifications.urls_feeds")),
    path("evaluaties/", include("evaluations.urls")),
    path("rapportages/uitkomsten/", include("reports.urls_outcomes")),
    path("rapportages/", include("reports.urls")),
    path("beheer/", ManageHomeView.as_view(), name="manage-home"),
    path("", include("relatiedesk.urls")),
    path("", include("referrals.urls")),
    path("", include("programmes.urls")),
]

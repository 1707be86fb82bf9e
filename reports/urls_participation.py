"""The participation report: the manager's page, the council version and the downloads."""

from __future__ import annotations

from django.urls import path

from reports import views_participation as views

urlpatterns: list = [
    path("deelname/", views.ParticipationReportView.as_view(), name="participation-report"),
    path("deelname/raad/", views.ParticipationCouncilView.as_view(), name="participation-council"),
    path(
        "deelname/export.csv",
        views.ParticipationExportCsvView.as_view(),
        name="participation-export-csv",
    ),
    path(
        "deelname/export.xlsx",
        views.ParticipationExportXlsxView.as_view(),
        name="participation-export-xlsx",
    ),
]

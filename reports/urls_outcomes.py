"""The outcome report: the manager's page, the council version and the downloads."""

from __future__ import annotations

from django.urls import path

from reports import views_outcomes as views
from reports import views_pupils

urlpatterns: list = [
    path("", views.OutcomeReportView.as_view(), name="outcomes-report"),
    path("raad/", views.OutcomeCouncilView.as_view(), name="outcomes-council"),
    path("export.csv", views.OutcomeExportCsvView.as_view(), name="outcomes-export-csv"),
    path("leerlingen/", views_pupils.SchoolPupilsListView.as_view(), name="outcomes-pupils"),
    path(
        "leerlingen/<int:school_id>/",
        views_pupils.SchoolPupilsView.as_view(),
        name="outcomes-pupils-school",
    ),
    path("export.xlsx", views.OutcomeExportXlsxView.as_view(), name="outcomes-export-xlsx"),
]

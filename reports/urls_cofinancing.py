"""Co-financing pages under /rapportages/. Paths are Dutch (users see them); names English."""

from __future__ import annotations

from django.urls import path

from reports import views_cofinancing as views

urlpatterns = [
    path("cofinanciering/", views.OverviewView.as_view(), name="cofinancing-overview"),
    path(
        "cofinanciering/overzicht.csv",
        views.ExportView.as_view(table="overview", file_format="csv"),
        name="cofinancing-overview-csv",
    ),
    path(
        "cofinanciering/overzicht.xlsx",
        views.ExportView.as_view(table="overview", file_format="xlsx"),
        name="cofinancing-overview-xlsx",
    ),
    path(
        "cofinanciering/facturen.csv",
        views.ExportView.as_view(table="invoices", file_format="csv"),
        name="cofinancing-invoices-csv",
    ),
    path(
        "cofinanciering/facturen.xlsx",
        views.ExportView.as_view(table="invoices", file_format="xlsx"),
        name="cofinancing-invoices-xlsx",
    ),
    path(
        "cofinanciering/afspraken/nieuw/",
        views.AgreementCreateView.as_view(),
        name="cofinancing-agreement-create",
    ),
    path(
        "cofinanciering/afspraken/<int:pk>/",
        views.AgreementDetailView.as_view(),
        name="cofinancing-agreement-detail",
    ),
    path(
        "cofinanciering/afspraken/<int:pk>/bewerken/",
        views.AgreementUpdateView.as_view(),
        name="cofinancing-agreement-update",
    ),
    path(
        "cofinanciering/afspraken/<int:pk>/facturen/nieuw/",
        views.InvoiceCreateView.as_view(),
        name="cofinancing-invoice-create",
    ),
    path(
        "cofinanciering/facturen/<int:pk>/verstuurd/",
        views.InvoiceMarkSentView.as_view(),
        name="cofinancing-invoice-sent",
    ),
    path(
        "cofinanciering/facturen/<int:pk>/betaald/",
        views.InvoiceMarkPaidView.as_view(),
        name="cofinancing-invoice-paid",
    ),
]

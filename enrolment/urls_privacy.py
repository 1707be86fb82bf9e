"""Pages about personal data, under `/gegevens/`: Dutch paths, English names."""

from __future__ import annotations

from django.urls import path

from enrolment import views_privacy as views

urlpatterns = [
    path(
        "bewaartermijnen/",
        views.RetentionOverviewView.as_view(),
        name="privacy-retention-overview",
    ),
    path(
        "bewaartermijnen/groep/<int:pk>/",
        views.RetentionGroupView.as_view(),
        name="privacy-retention-group",
    ),
    path("mijn-gegevens/<str:token>/", views.MyDataView.as_view(), name="privacy-my-data"),
    path(
        "mijn-gegevens/<str:token>/downloaden/",
        views.MyDataDownloadView.as_view(),
        name="privacy-my-data-download",
    ),
    path(
        "mijn-gegevens/<str:token>/wissen/",
        views.MyDataEraseView.as_view(),
        name="privacy-my-data-erase",
    ),
]

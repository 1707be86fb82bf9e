"""Pages of the catalogue. Paths are Dutch (they are part of what users see); names English."""

from __future__ import annotations

from django.urls import path

from programmes import views

urlpatterns = [
    # Public.
    path("", views.ProgrammeOverviewView.as_view(), name="home"),
    path(
        "programmas/<slug:code>/",
        views.ProgrammePublicDetailView.as_view(),
        name="programme-public-detail",
    ),
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", views.LogoutView.as_view(), name="logout"),
    # Management, per role.
    path("beheer/programmas/", views.ProgrammeListView.as_view(), name="manage-programme-list"),
    path(
        "beheer/programmas/nieuw/",
        views.ProgrammeCreateView.as_view(),
        name="manage-programme-create",
    ),
    path(
        "beheer/programmas/<int:pk>/",
        views.ProgrammeDetailView.as_view(),
        name="manage-programme-detail",
    ),
    path(
        "beheer/programmas/<int:pk>/bewerken/",
        views.ProgrammeUpdateView.as_view(),
        name="manage-programme-update",
    ),
    path("beheer/scholen/", views.SchoolListView.as_view(), name="manage-school-list"),
    path("beheer/scholen/nieuw/", views.SchoolCreateView.as_view(), name="manage-school-create"),
    path("beheer/scholen/<int:pk>/", views.SchoolDetailView.as_view(), name="manage-school-detail"),
    path(
        "beheer/scholen/<int:pk>/bewerken/",
        views.SchoolUpdateView.as_view(),
        name="manage-school-update",
    ),
    path(
        "beheer/scholen/<int:pk>/sluitingsdagen/nieuw/",
        views.SchoolClosureCreateView.as_view(),
        name="manage-closure-create",
    ),
    path(
        "beheer/sluitingsdagen/<int:pk>/bewerken/",
        views.SchoolClosureUpdateView.as_view(),
        name="manage-closure-update",
    ),
    path(
        "beheer/sluitingsdagen/<int:pk>/verwijderen/",
        views.SchoolClosureDeleteView.as_view(),
        name="manage-closure-delete",
    ),
    path("beheer/trainers/", views.TrainerListView.as_view(), name="manage-trainer-list"),
    path("beheer/trainers/mij/", views.OwnTrainerPageView.as_view(), name="manage-own-trainer"),
    path(
        "beheer/trainers/<int:pk>/",
        views.TrainerDetailView.as_view(),
        name="manage-trainer-detail",
    ),
    path(
        "beheer/trainers/<int:pk>/certificaat/",
        views.TrainerCertificateView.as_view(),
        name="manage-trainer-certificate",
    ),
    path(
        "beheer/trainers/<int:pk>/afwezigheid/nieuw/",
        views.TrainerUnavailabilityCreateView.as_view(),
        name="manage-unavailability-create",
    ),
    path(
        "beheer/afwezigheden/<int:pk>/verwijderen/",
        views.TrainerUnavailabilityDeleteView.as_view(),
        name="manage-unavailability-delete",
    ),
    path("beheer/schooljaren/", views.SchoolYearListView.as_view(), name="manage-school-year-list"),
    path(
        "beheer/schooljaren/nieuw/",
        views.SchoolYearCreateView.as_view(),
        name="manage-school-year-create",
    ),
    path(
        "beheer/schooljaren/<int:pk>/",
        views.SchoolYearDetailView.as_view(),
        name="manage-school-year-detail",
    ),
    path(
        "beheer/schooljaren/<int:pk>/vakanties/importeren/rijksoverheid/",
        views.SchoolYearHolidayImportView.as_view(kind="rijksoverheid"),
        name="manage-school-year-import-rijksoverheid",
    ),
    path(
        "beheer/schooljaren/<int:pk>/vakanties/importeren/ics/",
        views.SchoolYearHolidayImportView.as_view(kind="ics"),
        name="manage-school-year-import-ics",
    ),
    path(
        "beheer/schooljaren/<int:pk>/vakanties/nieuw/",
        views.SchoolHolidayCreateView.as_view(),
        name="manage-holiday-create",
    ),
    path(
        "beheer/vakanties/<int:pk>/bewerken/",
        views.SchoolHolidayUpdateView.as_view(),
        name="manage-holiday-update",
    ),
    path(
        "beheer/vakanties/<int:pk>/verwijderen/",
        views.SchoolHolidayDeleteView.as_view(),
        name="manage-holiday-delete",
    ),
]

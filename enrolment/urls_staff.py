"""Staff pages of enrolment, mounted at /inschrijvingen/."""

from __future__ import annotations

from django.urls import path

from enrolment import views_staff as views

urlpatterns = [
    path("", views.OverviewView.as_view(), name="staff-overview"),
    path("groepen/<int:group_id>/", views.RosterView.as_view(), name="staff-roster"),
    path(
        "groepen/<int:group_id>/deelnemers.csv",
        views.RosterCsvView.as_view(),
        name="staff-roster-csv",
    ),
    path(
        "groepen/<int:group_id>/deelnemers.xlsx",
        views.RosterXlsxView.as_view(),
        name="staff-roster-xlsx",
    ),
    path(
        "groepen/<int:group_id>/afdrukken/",
        views.RosterPrintView.as_view(),
        name="staff-roster-print",
    ),
    path(
        "groepen/<int:group_id>/sessies/<int:session_id>/aanwezigheid/",
        views.AttendanceView.as_view(),
        name="staff-attendance",
    ),
    path("klassen/", views.ClassBookingListView.as_view(), name="staff-classes"),
    path("klassen/<int:group_id>/", views.ClassBookingView.as_view(), name="staff-class-booking"),
    path("auditlog/", views.AuditLogView.as_view(), name="staff-audit-log"),
    path("<uuid:public_id>/intake/", views.IntakeView.as_view(), name="staff-intake"),
    path("<uuid:public_id>/afmelden/", views.WithdrawView.as_view(), name="staff-withdraw"),
    path(
        "<uuid:public_id>/toestemming-opnieuw/",
        views.ConsentResendView.as_view(),
        name="staff-consent-resend",
    ),
    path(
        "<uuid:public_id>/dubbel/",
        views.DuplicateMergeView.as_view(),
        name="staff-duplicate",
    ),
]

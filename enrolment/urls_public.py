"""Public enrolment pages under /aanmelden/ (no log-in)."""

from __future__ import annotations

from django.urls import path

from enrolment import views_public as views

urlpatterns = [
    path("", views.school_search, name="enrol-start"),
    path("school/<int:school_id>/", views.school_groups, name="enrol-school"),
    path("school/<int:school_id>/belangstelling/", views.interest, name="enrol-interest"),
    path(
        "school/<int:school_id>/belangstelling/bedankt/",
        views.interest_thanks,
        name="enrol-interest-thanks",
    ),
    path("groep/<int:group_id>/", views.enrol, name="enrol-form"),
    path("ontvangen/", views.received, name="enrol-received"),
    path("link/<str:token>/", views.link, name="enrol-link"),
    path(
        "link/<str:token>/afmelden/<uuid:public_id>/",
        views.link_withdraw,
        name="enrol-link-withdraw",
    ),
    path(
        "link/<str:token>/meegaan/<uuid:public_id>/",
        views.link_pool_confirm,
        name="enrol-link-pool-confirm",
    ),
    path(
        "link/<str:token>/toestemming-intrekken/<uuid:public_id>/",
        views.link_consent_withdraw,
        name="enrol-link-consent-withdraw",
    ),
    path("link/<str:token>/mijn-gegevens/", views.link_contact, name="enrol-link-contact"),
    path("link/<str:token>/gegevens/", views.link_data, name="enrol-link-data"),
]

"""Referral and prevention-talk pages. Paths are Dutch (users see them); names English."""

from __future__ import annotations

from django.urls import path

from referrals import views, views_public

urlpatterns = [
    # Staff: the referrer's invitations, the manager's workers, the worker's slots.
    path("verwijzingen/", views.ReferralListView.as_view(), name="referral-list"),
    path("verwijzingen/nieuw/", views.ReferralCreateView.as_view(), name="referral-create"),
    path(
        "verwijzingen/<uuid:public_id>/opnieuw/",
        views.ReferralResendView.as_view(),
        name="referral-resend",
    ),
    path(
        "verwijzingen/<uuid:public_id>/intrekken/",
        views.ReferralRevokeView.as_view(),
        name="referral-revoke",
    ),
    path("beheer/wijkteam/", views.WorkerListView.as_view(), name="referral-workers"),
    path("beheer/wijkteam/nieuw/", views.WorkerCreateView.as_view(), name="referral-worker-create"),
    path("gesprekken/", views.SlotListView.as_view(), name="talk-slot-list"),
    path(
        "gesprekken/agenda/nieuw/", views.FeedRegenerateView.as_view(), name="talk-feed-regenerate"
    ),
    path("gesprekken/agenda/intrekken/", views.FeedRevokeView.as_view(), name="talk-feed-revoke"),
    path("gesprekken/<int:pk>/schrappen/", views.SlotCancelView.as_view(), name="talk-slot-cancel"),
    # Public: the family's invitation and the talk booking (no account).
    path("uitnodiging/<str:token>/", views_public.referral_link, name="referral-link"),
    path(
        "uitnodiging/<str:token>/aanmelden/",
        views_public.referral_enrol,
        name="referral-enrol",
    ),
    path("uitnodiging/<str:token>/gesprek/", views_public.referral_talk, name="referral-talk"),
    path("uitnodiging/<str:token>/nee/", views_public.referral_decline, name="referral-decline"),
    path("gesprek/", views_public.talk_slots, name="talk-slots"),
    path("gesprek/boeking/<str:token>/", views_public.talk_booking, name="talk-booking"),
    path(
        "gesprek/boeking/<str:token>/afzeggen/",
        views_public.talk_booking_cancel,
        name="talk-booking-cancel",
    ),
]

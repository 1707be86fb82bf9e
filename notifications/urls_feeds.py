"""Calendar feeds and their management page, mounted under /agenda/."""

from __future__ import annotations

from django.urls import path

from notifications import feeds, talk_feed

app_name = "calendar-feeds"

urlpatterns = [
    path("feed/<str:token>.ics", feeds.feed, name="feed"),
    path("gesprekken/<str:token>.ics", talk_feed.feed, name="talk-feed"),
    path("abonnementen/", feeds.subscriptions, name="subscriptions"),
    path("abonnementen/nieuw/", feeds.subscription_regenerate, name="regenerate"),
    path("abonnementen/intrekken/", feeds.subscription_revoke, name="revoke"),
]

"""Calendar feeds and their management page, mounted under /agenda/."""

from __future__ import annotations

from django.urls import path

from notifications import feeds

app_name = "calendar-feeds"

urlpatterns = [
    path("feed/<str:token>.ics", feeds.feed, name="feed"),
    path("abonnementen/", feeds.subscriptions, name="subscriptions"),
    path("abonnementen/nieuw/", feeds.subscription_regenerate, name="regenerate"),
    path("abonnementen/intrekken/", feeds.subscription_revoke, name="revoke"),
]

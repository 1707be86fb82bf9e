"""Pages of the notifications app, mounted under /berichten/."""

from __future__ import annotations

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("mislukt/", views.FailedMessageListView.as_view(), name="outbox-failed"),
    path(
        "mislukt/<int:pk>/opnieuw/",
        views.ResendMessageView.as_view(),
        name="outbox-resend",
    ),
]

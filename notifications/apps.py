from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # Subscribe to the core apps' domain events; each listener writes outbox rows in
        # the transaction of the change that caused them.
        from notifications import listeners

        listeners.register()

from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        # Subscribe to the core apps' domain events; each listener writes outbox rows in
        # the transaction of the change that caused them. `outbox` and `reminders` hold
        # Celery tasks beside the services they call: imported here so a worker has them.
        from notifications import erasure, listeners, outbox, reminders  # noqa: F401

        listeners.register()
        from notifications import evaluation_mail

        evaluation_mail.register()
        # After the listeners: the confirmation of an erasure is written before the
        # family's rows are anonymised (and is itself anonymised once sent).
        erasure.register()
        # Referrals and prevention talks: their mail, and "enrolled" on a confirmed address.
        from notifications import referral_messages, referral_tracking

        referral_messages.register()
        referral_tracking.register()
        # What the outbox still holds of a group's families, on the retention overview.
        from enrolment.services.retention import register_leftover_counter

        register_leftover_counter(erasure.LEFT_LABEL, erasure.outbox_rows_left)

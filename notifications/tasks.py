"""Celery tasks of the notifications app.

Tasks stay thin: load by id, call a service, done. `ping` is the exception: it
proves that a worker takes work from the broker (used by the integration tests
and handy from a shell: `notifications.tasks.ping.delay()`).

Every task here is safe to run twice: `message_send` claims its row with a
conditional update, the sweep only dispatches, the purge only blanks.
"""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from notifications import outbox

PING_CACHE_PREFIX = "notifications:ping:"


@shared_task(name="notifications.ping")
def ping(token: str = "") -> str:
    """Answer "pong"; with a token, also leave it in the cache for the caller to find.

    Safe to run twice: it only (re)writes the same short-lived cache key.
    """
    if token:
        cache.set(PING_CACHE_PREFIX + token, "pong", timeout=60)
    return "pong"


@shared_task(name="notifications.send_message", ignore_result=True)
def send_message(message_id: int) -> str:
    """Send outbox row `message_id`; after a temporary failure, come back when it is due.

    The countdown is at most `outbox.BACKOFF_CAP` (1 hour), well inside the broker's
    visibility timeout; should the re-dispatch get lost, the sweep finds the row.
    """
    outcome = outbox.message_send(message_id=message_id)
    if outcome.retry_in is not None:
        outbox.dispatch(message_id, countdown=outcome.retry_in.total_seconds())
    return outcome.status


@shared_task(name="notifications.send_messages", ignore_result=True)
def send_messages(message_ids: list[int]) -> list[str]:
    """`send_message` for the rows one transaction wrote, one after the other. A row that
    fails for now comes back on its own (`send_message` with a countdown)."""
    return [send_message(message_id) for message_id in message_ids]


@shared_task(name="notifications.outbox_sweep", ignore_result=True)
def outbox_sweep() -> dict[str, int]:
    """Dispatch rows left queued or due for retry, and free rows held by dead workers."""
    result = outbox.messages_sweep()
    return {"dispatched": result.dispatched, "returned": result.returned_from_inflight}


@shared_task(name="notifications.outbox_purge", ignore_result=True)
def outbox_purge() -> int:
    """Blank the bodies of mail sent more than NOTIFICATIONS_KEEP_SENT_DAYS ago."""
    return outbox.messages_purge()


# --- reminders (beat sweeps; each reminder is claimed once by its outbox key) ---------


@shared_task(name="notifications.remind_parents", ignore_result=True)
def remind_parents() -> int:
    """Parents: two days before the first session and before each parent meeting."""
    from notifications import reminders

    return reminders.first_session_reminders_send() + reminders.parent_meeting_reminders_send()


@shared_task(name="notifications.remind_trainers_weekly", ignore_result=True)
def remind_trainers_weekly() -> int:
    """Trainers: the week's agenda, on Monday morning (other days send nothing)."""
    from notifications import reminders

    return reminders.trainer_agendas_send()


@shared_task(name="notifications.remind_coordinators_daily", ignore_result=True)
def remind_coordinators_daily() -> int:
    """Coordinators: yesterday's new enrolments of their schools' pupils, when there are any."""
    from notifications import reminders

    return reminders.coordinator_digests_send()


@shared_task(name="notifications.remind_consent", ignore_result=True)
def remind_consent() -> int:
    """Guardians who have not answered a consent request after three days: one reminder."""
    from notifications import reminders

    return reminders.consent_reminders_send()

"""The periodic sweep finds mail the send task never reached; the purge blanks old bodies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import outbox
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import outbox_purge, outbox_sweep
from tests.notifications.outbox_samples import enqueue_sample

pytestmark = pytest.mark.django_db


def _age(message: OutboxMessage, **fields) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(**fields)


def test_the_sweep_sends_a_message_left_queued_after_the_grace_period() -> None:
    # Written while the broker was down: the on-commit dispatch never happened.
    message = enqueue_sample()
    _age(message, next_attempt_at=timezone.now() - outbox.QUEUED_GRACE - timedelta(seconds=5))

    result = outbox_sweep()

    assert result == {"dispatched": 1, "returned": 0}
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_a_fresh_queued_message_to_its_own_task() -> None:
    enqueue_sample()

    assert outbox_sweep() == {"dispatched": 0, "returned": 0}
    assert mail.outbox == []


def test_the_sweep_returns_a_message_held_by_a_dead_worker_and_sends_it() -> None:
    message = enqueue_sample()
    stuck_since = timezone.now() - outbox.INFLIGHT_TIMEOUT - timedelta(minutes=1)
    _age(message, status=OutboxStatus.INFLIGHT, claimed_at=stuck_since, attempts=1)

    result = outbox_sweep()

    assert result == {"dispatched": 1, "returned": 1}
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_a_message_that_is_being_sent_right_now() -> None:
    message = enqueue_sample()
    _age(message, status=OutboxStatus.INFLIGHT, claimed_at=timezone.now() - timedelta(minutes=1))

    assert outbox_sweep() == {"dispatched": 0, "returned": 0}
    message.refresh_from_db()
    assert message.status == OutboxStatus.INFLIGHT


def test_the_sweep_sends_a_retry_whose_time_has_come_and_not_one_still_waiting() -> None:
    due = enqueue_sample()
    waiting = enqueue_sample()
    now = timezone.now()
    _age(due, status=OutboxStatus.AWAITING_RETRY, next_attempt_at=now - timedelta(seconds=1))
    _age(waiting, status=OutboxStatus.AWAITING_RETRY, next_attempt_at=now + timedelta(minutes=5))

    outbox_sweep()

    due.refresh_from_db()
    waiting.refresh_from_db()
    assert (due.status, waiting.status) == (OutboxStatus.SENT, OutboxStatus.AWAITING_RETRY)
    assert len(mail.outbox) == 1


def test_the_sweep_stops_quietly_while_the_broker_is_away(monkeypatch) -> None:
    monkeypatch.setattr(outbox, "dispatch", lambda pk, countdown=None: False)
    message = enqueue_sample()
    _age(message, next_attempt_at=timezone.now() - timedelta(hours=1))

    assert outbox_sweep() == {"dispatched": 0, "returned": 0}
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED


def test_a_stale_queued_row_is_dispatched_at_most_once_per_grace_period(monkeypatch) -> None:
    dispatched: list[int] = []
    monkeypatch.setattr(
        outbox, "dispatch", lambda pk, countdown=None: dispatched.append(pk) or True
    )
    message = enqueue_sample()
    _age(message, next_attempt_at=timezone.now() - timedelta(hours=1))

    outbox_sweep()
    outbox_sweep()

    assert dispatched == [message.pk]


def test_the_purge_anonymises_old_sent_mail_and_keeps_only_the_record(settings) -> None:
    settings.NOTIFICATIONS_KEEP_SENT_DAYS = 30
    old = enqueue_sample(with_calendar=True)
    recent = enqueue_sample()
    unsent = enqueue_sample()
    cancelled = enqueue_sample()
    now = timezone.now()
    _age(old, status=OutboxStatus.SENT, sent_at=now - timedelta(days=31))
    _age(recent, status=OutboxStatus.SENT, sent_at=now - timedelta(days=29))
    _age(unsent, status=OutboxStatus.FAILED, created_at=now - timedelta(days=60))
    _age(cancelled, status=OutboxStatus.CANCELLED, created_at=now - timedelta(days=31))
    old.refresh_from_db()
    kept = (old.key, old.kind, old.message_id, old.sent_at)

    assert outbox_purge() == 2
    assert outbox_purge() == 0

    for row in (old, recent, unsent, cancelled):
        row.refresh_from_db()
    # Nothing of the person is left: no address, no subject, no text, no calendar.
    assert (old.to_email, old.reply_to, old.body_text, old.body_html, old.ics, old.ics_method) == (
        ("",) * 6
    )
    assert old.subject == "gewist" and old.purged_at and old.erased_at is None
    assert (old.key, old.kind, old.message_id, old.sent_at) == kept
    assert cancelled.to_email == "" and cancelled.purged_at
    # Recent mail, and failed mail still waiting for the manager, stay whole.
    assert recent.body_text and recent.to_email
    assert unsent.body_text and unsent.to_email


def test_the_beat_schedule_runs_the_sweep_every_minute_and_the_purge_daily(settings) -> None:
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert tasks["notifications.outbox_sweep"].minute == set(range(60))
    assert len(tasks["notifications.outbox_purge"].hour) == 1

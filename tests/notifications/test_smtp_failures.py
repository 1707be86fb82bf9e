"""When the SMTP server says no: retry 4xx and lost connections, give up on 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import outbox
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import message_resend, message_send
from tests.notifications.outbox_samples import enqueue_sample
from tests.notifications.smtp_sink import SmtpSink, free_port, running_sink

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings) -> Iterator[SmtpSink]:
    with running_sink() as sink:
        for name, value in sink.django_settings().items():
            setattr(settings, name, value)
        yield sink


def _make_due(message: OutboxMessage) -> None:
    """As if the backoff has passed."""
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def test_a_451_waits_for_a_retry_and_the_next_attempt_delivers(smtp: SmtpSink) -> None:
    smtp.handler.data_reply = lambda rcpt: "451 4.3.0 Try again later"
    message = enqueue_sample(with_calendar=True)

    before = timezone.now()
    first = message_send(message_id=message.pk)

    message.refresh_from_db()
    assert first.status == OutboxStatus.AWAITING_RETRY
    assert first.retry_in == timedelta(minutes=1)
    assert message.status == OutboxStatus.AWAITING_RETRY
    assert message.attempts == 1
    assert "451" in message.last_error
    assert message.next_attempt_at >= before + timedelta(minutes=1)
    assert smtp.messages == []

    # Not due yet: nothing happens.
    assert message_send(message_id=message.pk).status == ""

    smtp.handler.data_reply = None
    _make_due(message)
    second = message_send(message_id=message.pk)

    message.refresh_from_db()
    assert second.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    [received] = smtp.messages
    assert received["Message-ID"] == message.message_id


def test_the_backoff_doubles_and_stops_at_the_cap() -> None:
    waits = [outbox.backoff(attempt) for attempt in range(1, 10)]

    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == outbox.BACKOFF_CAP
    assert outbox.backoff(1000) == outbox.BACKOFF_CAP


def test_a_550_fails_with_the_reason_and_the_manager_can_resend(smtp: SmtpSink) -> None:
    smtp.handler.rcpt_reply = lambda rcpt: "550 5.1.1 Mailbox unknown"
    message = enqueue_sample(to="typfout@example.org")

    outcome = message_send(message_id=message.pk)

    message.refresh_from_db()
    assert outcome.status == OutboxStatus.FAILED
    assert message.status == OutboxStatus.FAILED
    assert "550" in message.last_error
    assert "Mailbox unknown" in message.last_error
    assert smtp.messages == []
    # Failed is final: the send task does nothing more.
    _make_due(message)
    assert message_send(message_id=message.pk).status == ""

    smtp.handler.rcpt_reply = None
    message_resend(message=message)
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert message.attempts == 0
    assert message_send(message_id=message.pk).status == OutboxStatus.SENT
    assert [m["Message-ID"] for m in smtp.messages] == [message.message_id]


def test_a_5xx_on_data_fails_without_retry(smtp: SmtpSink) -> None:
    smtp.handler.data_reply = lambda rcpt: "554 5.6.0 Message rejected"
    message = enqueue_sample()

    assert message_send(message_id=message.pk).status == OutboxStatus.FAILED
    message.refresh_from_db()
    assert "554" in message.last_error


def test_a_server_that_is_not_there_is_retried(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens here
    settings.EMAIL_TIMEOUT = 2
    message = enqueue_sample()

    outcome = message_send(message_id=message.pk)

    message.refresh_from_db()
    assert outcome.status == OutboxStatus.AWAITING_RETRY
    assert "ConnectionRefusedError" in message.last_error


def test_a_temporary_failure_gives_up_after_the_maximum_attempts(smtp: SmtpSink, settings) -> None:
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    smtp.handler.data_reply = lambda rcpt: "421 4.7.0 Too busy"
    message = enqueue_sample()

    statuses = []
    for _attempt in range(3):
        statuses.append(message_send(message_id=message.pk).status)
        _make_due(message)

    assert statuses == [
        OutboxStatus.AWAITING_RETRY,
        OutboxStatus.AWAITING_RETRY,
        OutboxStatus.FAILED,
    ]
    message.refresh_from_db()
    assert "3" in message.last_error and "421" in message.last_error


def test_an_unexpected_error_fails_the_message_instead_of_retrying(monkeypatch) -> None:
    def broken_backend(*args, **kwargs):
        raise ValueError("template variable missing")

    monkeypatch.setattr(outbox, "get_connection", broken_backend)
    message = enqueue_sample()

    outcome = message_send(message_id=message.pk)

    message.refresh_from_db()
    assert outcome.status == OutboxStatus.FAILED
    assert message.last_error == "ValueError: template variable missing"


def test_a_sent_message_cannot_be_resent() -> None:
    from django.core.exceptions import ValidationError

    message = enqueue_sample()
    message_send(message_id=message.pk)
    message.refresh_from_db()

    with pytest.raises(ValidationError):
        message_resend(message=message)


def test_the_send_task_comes_back_after_a_temporary_failure(smtp: SmtpSink, monkeypatch) -> None:
    from notifications.outbox import send_message

    calls: list[tuple[int, float | None]] = []
    monkeypatch.setattr(
        outbox, "dispatch", lambda pk, countdown=None: calls.append((pk, countdown)) or True
    )
    smtp.handler.data_reply = lambda rcpt: "451 4.3.0 Try again later"
    message = enqueue_sample()

    send_message(message.pk)

    assert calls == [(message.pk, 60.0)]


def test_the_longest_retry_countdown_is_shorter_than_the_visibility_timeout(settings) -> None:
    visibility = timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])

    assert outbox.backoff(10_000) < visibility

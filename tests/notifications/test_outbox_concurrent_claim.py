"""Two workers holding the same send task: the database lets exactly one of them send."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import connection

from notifications import outbox
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import message_send
from tests.notifications.outbox_samples import enqueue_sample
from tests.notifications.smtp_sink import SmtpSink, running_sink


@pytest.fixture
def smtp(settings) -> Iterator[SmtpSink]:
    with running_sink() as sink:
        for name, value in sink.django_settings().items():
            setattr(settings, name, value)
        yield sink


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_two_workers_sending_the_same_message_deliver_it_once(
    smtp: SmtpSink, round_: int, monkeypatch
) -> None:
    assert connection.vendor == "postgresql"
    # Both "workers" are this test's threads; keep the after-commit dispatch out of it.
    monkeypatch.setattr(outbox, "dispatch", lambda pk, countdown=None: True)
    smtp.handler.data_delay = 0.2  # the first sender is still talking SMTP when the second claims
    message = enqueue_sample(with_calendar=True)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(message_send(message_id=message.pk).status)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes) == ["", OutboxStatus.SENT]
    assert [m["Message-ID"] for m in smtp.messages] == [message.message_id]
    message = OutboxMessage.objects.get(pk=message.pk)
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)

"""Two transactions writing the same outbox key at once (a replayed event racing the first):
one row, one dispatch, and the loser's transaction carries on."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from notifications import outbox
from notifications.models import OutboxMessage
from tests.notifications.outbox_samples import enqueue_sample

KEY = "enrolment-received:1:guardian-1:0"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_commits", [True, False], ids=["first-commits", "first-rolls-back"])
def test_a_key_written_by_a_transaction_in_flight_is_written_once(
    first_commits: bool, monkeypatch
) -> None:
    assert connection.vendor == "postgresql"
    dispatched: list[int] = []
    monkeypatch.setattr(outbox, "dispatch", lambda pk, countdown=None: dispatched.append(pk))
    monkeypatch.setattr(outbox, "dispatch_many", lambda ids: dispatched.extend(ids))
    first_wrote = threading.Event()
    results: dict[str, object] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = enqueue_sample(key=KEY, subject="Eerste")
                first_wrote.set()
                time.sleep(0.5)  # the second is now waiting on this row's key
                transaction.set_rollback(not first_commits)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            first_wrote.set()
            connection.close()

    def second() -> None:
        try:
            first_wrote.wait(10)
            with transaction.atomic():
                started = time.monotonic()
                results["second"] = enqueue_sample(key=KEY, subject="Tweede")
                results["waited"] = time.monotonic() - started
                # Still usable: the same transaction writes another message and commits.
                results["other"] = enqueue_sample(key=KEY + ":other")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert results["waited"] > 0.2  # PostgreSQL made the second wait for the first
    assert results["other"] is not None
    row = OutboxMessage.objects.get(key=KEY)
    if first_commits:
        assert results["second"] is None
        assert row.subject == "Eerste"
    else:
        assert results["second"] is not None
        assert row.subject == "Tweede"
    written = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert len(written) == 2
    assert sorted(dispatched) == sorted(written)  # each written row once, nothing else

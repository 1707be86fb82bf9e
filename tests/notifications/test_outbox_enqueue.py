"""Writing outbox rows: once per key, in the caller's transaction, sent after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from notifications.models import OutboxMessage, OutboxStatus
from tests.notifications.outbox_samples import SAMPLE_ICS, enqueue_sample

pytestmark = pytest.mark.django_db


def test_enqueueing_twice_with_the_same_key_writes_one_row() -> None:
    first = enqueue_sample(key="enrolment_confirmed:7:ouder@example.org:1")
    second = enqueue_sample(key="enrolment_confirmed:7:ouder@example.org:1", subject="Anders")

    assert first is not None
    assert second is None
    assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().subject == first.subject


def test_a_new_revision_is_a_new_message() -> None:
    enqueue_sample(key="session_moved:3:ouder@example.org:1")
    enqueue_sample(key="session_moved:3:ouder@example.org:2")

    assert OutboxMessage.objects.count() == 2


def test_a_duplicate_key_leaves_the_callers_transaction_usable() -> None:
    with transaction.atomic():
        enqueue_sample(key="k:1")
        assert enqueue_sample(key="k:1") is None
        enqueue_sample(key="k:2")

    assert set(OutboxMessage.objects.values_list("key", flat=True)) == {"k:1", "k:2"}


def test_a_rolled_back_change_leaves_no_message_and_sends_nothing(
    django_capture_on_commit_callbacks,
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_sample(key="k:rolled-back")
        raise RuntimeError("the change failed")

    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_the_message_is_sent_only_after_commit(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = enqueue_sample()
    assert mail.outbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert [sent.subject for sent in mail.outbox] == [message.subject]


def test_the_message_id_is_fixed_when_the_row_is_written(settings) -> None:
    settings.SITE_URL = "https://groepen.zwolle.example"

    message = enqueue_sample()

    assert message.message_id.startswith("<outbox-")
    assert message.message_id.endswith("@groepen.zwolle.example>")
    message.refresh_from_db()
    assert OutboxMessage.objects.get().message_id == message.message_id


def test_a_calendar_without_a_method_is_refused() -> None:
    with pytest.raises(ValidationError):
        enqueue_sample(ics=SAMPLE_ICS, ics_method="")

    assert not OutboxMessage.objects.exists()


def test_a_dispatch_refused_by_the_broker_keeps_the_row_queued(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from notifications.outbox import send_message

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(send_message, "apply_async", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue_sample()

    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert mail.outbox == []


def test_a_message_is_written_in_one_statement_and_a_replay_costs_one_more(
    django_assert_num_queries,
) -> None:
    # The listeners write while the enrolment holds its group's lock: no look-up first and
    # no savepoint around the insert, whether the key is new or a replay.
    with django_assert_num_queries(1):
        first = enqueue_sample(key="k:one-statement")
    with django_assert_num_queries(1):
        again = enqueue_sample(key="k:one-statement", subject="Anders")

    assert first is not None and first.pk is not None
    assert again is None
    assert OutboxMessage.objects.get(key="k:one-statement").subject == first.subject


def test_only_a_written_row_is_dispatched_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from notifications import outbox

    dispatched: list[int] = []
    monkeypatch.setattr(outbox, "dispatch", lambda pk, countdown=None: dispatched.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue_sample(key="k:dispatch")
        enqueue_sample(key="k:dispatch")

    assert dispatched == [first.pk] == [OutboxMessage.objects.get().pk]


def _capture_dispatches(monkeypatch) -> tuple[list[int], list[list[int]]]:
    from notifications import outbox

    single: list[int] = []
    many: list[list[int]] = []
    monkeypatch.setattr(outbox, "dispatch", lambda pk, countdown=None: single.append(pk))
    monkeypatch.setattr(outbox, "dispatch_many", lambda ids: many.append(list(ids)))
    return single, many


def test_the_rows_of_one_transaction_go_to_the_broker_as_one_task(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    single, many = _capture_dispatches(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = enqueue_sample(key="k:batch-1")
        second = enqueue_sample(key="k:batch-2")
        enqueue_sample(key="k:batch-1")  # a replay writes nothing and adds nothing

    assert single == []
    assert many == [[first.pk, second.pk]]


def test_a_batch_dropped_with_its_savepoint_does_not_take_later_rows_with_it(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    single, many = _capture_dispatches(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_sample(key="k:dropped")
            raise RuntimeError("this part failed")
        kept = enqueue_sample(key="k:kept")

    assert many == []
    assert single == [kept.pk]
    assert list(OutboxMessage.objects.values_list("key", flat=True)) == ["k:kept"]


def test_every_row_kept_is_sent_once_and_a_rolled_back_one_never(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_sample(key="k:one", to="een@example.org")
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_sample(key="k:gone", to="weg@example.org")
            raise RuntimeError("this part failed")
        enqueue_sample(key="k:two", to="twee@example.org")

    assert sorted(m.to[0] for m in mail.outbox) == ["een@example.org", "twee@example.org"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}

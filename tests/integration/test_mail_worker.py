"""A real Celery worker takes send tasks from the `mail` queue on Redis and delivers over SMTP.

The worker is a separate process, as in production, with the test database and an SMTP
server (aiosmtpd) running in this test process. To keep other workers on the shared Redis
from taking these tasks, producer and worker use a Redis database of their own; the queue
is the real `mail` queue that `CELERY_TASK_ROUTES` sends `notifications.send_message` to.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from config.celery import app as celery_app
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import send_message
from tests.notifications.outbox_samples import enqueue_sample
from tests.notifications.smtp_sink import SmtpSink, running_sink

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 20
DEADLINE_SECONDS = 30

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


@pytest.fixture
def broker_url() -> Iterator[str]:
    url = _with_path(django_settings.REDIS_URL, f"/{random.randint(8, 15)}")
    yield url
    import redis

    client = redis.Redis.from_url(url)
    client.delete("mail", "_kombu.binding.mail", "unacked", "unacked_index")
    client.close()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with running_sink() as sink:
        yield sink


@pytest.fixture
def mail_worker(
    transactional_db: None, broker_url: str, smtp: SmtpSink, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    log = tmp_path / "worker.log"
    database_url = _with_path(os.environ["DATABASE_URL"], "/" + connection.settings_dict["NAME"])
    env = {
        # Not a parallel test worker: its broker is broker_url, not the worker's own database.
        **{name: value for name, value in os.environ.items() if name != "PYTEST_XDIST_WORKER"},
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--queues=mail",
        f"--hostname=mail-test-{os.getpid()}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def dispatch_to_isolated_broker(broker_url: str, monkeypatch) -> Iterator[None]:
    """Send the after-commit dispatches to the worker's Redis database."""
    producer_connection = celery_app.connection_for_write(broker_url)
    original = send_message.apply_async

    def apply_async(*args, **kwargs):
        kwargs.setdefault("connection", producer_connection)
        return original(*args, **kwargs)

    monkeypatch.setattr(send_message, "apply_async", apply_async)
    yield
    producer_connection.release()


def test_a_real_worker_delivers_twenty_invitations_exactly_once(
    settings,
    mail_worker: subprocess.Popen[bytes],
    smtp: SmtpSink,
    dispatch_to_isolated_broker: None,
    tmp_path: Path,
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert connection.vendor == "postgresql"

    for number in range(MESSAGES):
        with transaction.atomic():
            enqueue_sample(key=f"integration:{number}", with_calendar=True)

    deadline = time.monotonic() + DEADLINE_SECONDS
    while smtp.count() < MESSAGES and time.monotonic() < deadline:
        assert mail_worker.poll() is None, (tmp_path / "worker.log").read_text(errors="replace")
        time.sleep(0.1)
    time.sleep(0.5)  # a duplicate would arrive now

    log = (tmp_path / "worker.log").read_text(errors="replace")
    ids = smtp.message_ids()
    expected = set(OutboxMessage.objects.values_list("message_id", flat=True))
    assert len(expected) == MESSAGES
    assert set(ids) == expected, log
    assert max(ids.values()) == 1, log
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert "notifications.send_message" in log
    calendar_parts = [
        part
        for message in smtp.messages
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]
    assert len(calendar_parts) == MESSAGES


def test_an_enrolment_confirmed_end_to_end_yields_exactly_one_valid_invitation(
    settings,
    mail_worker: subprocess.Popen[bytes],
    smtp: SmtpSink,
    dispatch_to_isolated_broker: None,
    tmp_path: Path,
) -> None:
    import datetime as dt

    import icalendar
    import time_machine

    from enrolment import events
    from enrolment.models import ConsentText, EnrolmentStatus
    from enrolment.services import email_confirm, submission_create
    from tests import factories
    from tests.enrolment.world import SOLE, child, make_published_group

    settings.CELERY_TASK_ALWAYS_EAGER = False
    text, _ = ConsentText.objects.get_or_create(
        version="2026-1",
        defaults={
            "text_nl": "Toestemming.",
            "text_en": "Consent.",
            "active_from": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    programme = factories.ProgrammeFactory(
        code="kies-worker", parent_meetings_before=0, parent_meetings_after=0, trainers_per_group=1
    )
    host = factories.SchoolFactory()
    tokens: list[str] = []

    def keep(event: object) -> None:
        if isinstance(event, events.EnrolmentReceived):
            tokens.append(event.confirm_token)

    from core import domain_events

    domain_events.subscribe(events.EnrolmentReceived, keep)
    try:
        with time_machine.travel(dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)):
            group = make_published_group(programme, host)
            result = submission_create(
                children=[child(group, host)], enroller=SOLE, consent_text=text
            )
            email_confirm(token=tokens[0], consent_given=True)
    finally:
        domain_events.unsubscribe(events.EnrolmentReceived, keep)
    enrolment = result.enrolments[0]
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED

    deadline = time.monotonic() + DEADLINE_SECONDS
    while smtp.count() < 2 and time.monotonic() < deadline:
        assert mail_worker.poll() is None, (tmp_path / "worker.log").read_text(errors="replace")
        time.sleep(0.1)
    time.sleep(0.5)  # a duplicate would arrive now

    to_parent = [m for m in smtp.messages if SOLE.email in m["To"]]
    invitations = [
        part
        for message in to_parent
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]
    assert len(to_parent) == 2  # received + invitation, nothing twice
    assert len(invitations) == 1
    calendar = icalendar.Calendar.from_ical(invitations[0].get_payload(decode=True))
    assert str(calendar["METHOD"]) == "REQUEST"
    series = [c for c in calendar.walk("VEVENT")]
    assert len(series) == 1 and "RRULE" in series[0]

"""Sending through a real SMTP server (aiosmtpd in the test process) and reading what arrived."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from icalendar import Calendar

from notifications.models import OutboxStatus
from notifications.outbox import message_send
from tests.notifications.outbox_samples import SAMPLE_ICS, enqueue_sample
from tests.notifications.smtp_sink import SmtpSink, running_sink

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings) -> Iterator[SmtpSink]:
    with running_sink() as sink:
        for name, value in sink.django_settings().items():
            setattr(settings, name, value)
        yield sink


def _content_types(message) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


def test_an_invitation_arrives_as_mixed_with_alternatives_and_an_ics_attachment(
    smtp: SmtpSink, settings
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Gemeente Zwolle <noreply@example.org>"
    message = enqueue_sample(with_calendar=True)

    outcome = message_send(message_id=message.pk)

    assert outcome.status == OutboxStatus.SENT
    [received] = smtp.messages
    assert received.get_content_type() == "multipart/mixed"
    alternative, attachment = received.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html, calendar = alternative.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert "Welkom in de groep" in plain.get_content()
    assert html.get_content_type() == "text/html"
    assert "<p>Welkom in de groep.</p>" in html.get_content()
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content() == SAMPLE_ICS
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content().decode() == SAMPLE_ICS
    # No other parts: an invitation carries nothing else.
    assert _content_types(received) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    parsed = Calendar.from_ical(calendar.get_content())
    assert parsed["METHOD"] == "REQUEST"


def test_the_headers_come_from_the_row(smtp: SmtpSink, settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "Gemeente Zwolle <noreply@example.org>"
    message = enqueue_sample(
        to="ouder@example.org", reply_to="ib@esch.example.org", subject="Welkom"
    )

    message_send(message_id=message.pk)

    [received] = smtp.messages
    assert received["Message-ID"] == message.message_id
    assert received["From"] == "Gemeente Zwolle <noreply@example.org>"
    assert received["To"] == "ouder@example.org"
    assert received["Reply-To"] == "ib@esch.example.org"
    assert received["Subject"] == "Welkom"


def test_a_cancellation_carries_method_cancel_in_the_content_type(smtp: SmtpSink) -> None:
    ics = SAMPLE_ICS.replace("METHOD:REQUEST", "METHOD:CANCEL")
    message = enqueue_sample(ics=ics, ics_method="CANCEL")

    message_send(message_id=message.pk)

    [received] = smtp.messages
    calendar = next(p for p in received.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "CANCEL"


def test_a_message_without_calendar_is_plain_alternatives(smtp: SmtpSink) -> None:
    message = enqueue_sample()

    message_send(message_id=message.pk)

    [received] = smtp.messages
    assert _content_types(received) == ["multipart/alternative", "text/plain", "text/html"]


def test_a_sent_message_is_not_sent_again(smtp: SmtpSink) -> None:
    message = enqueue_sample()

    first = message_send(message_id=message.pk)
    second = message_send(message_id=message.pk)

    assert (first.status, second.status) == (OutboxStatus.SENT, "")
    assert len(smtp.messages) == 1
    message.refresh_from_db()
    assert message.attempts == 1

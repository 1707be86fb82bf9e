"""A whole enrolment, from the form to the confirmation, makes exactly the expected mail:
in the outbox, and as delivered (the send task run eagerly into the locmem backend)."""

from __future__ import annotations

import email
from typing import Any

import pytest
from django.core import mail

from enrolment import events as enrolment_events
from enrolment.services import consent_answer, email_confirm
from notifications.models import OutboxMessage
from tests.notifications.message_support import (
    COORDINATOR_EMAIL,
    FATHER,
    MOTHER,
    enrol,
    events_of,
    speaking,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_enrolment_day")]


def run_and_deliver(capture: Any, action: Any) -> Any:
    with capture(execute=True):
        return action()


def test_a_confirmed_enrolment_makes_received_consent_request_and_two_invitations(
    mail_group: Any,
    consent_text: Any,
    emitted: list[Any],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    enrolment = run_and_deliver(
        capture, lambda: enrol(mail_group, consent_text, MOTHER, speaking(FATHER, "en"))
    )
    confirm = events_of(emitted, enrolment_events.EnrolmentReceived)[0].confirm_token
    run_and_deliver(capture, lambda: email_confirm(token=confirm, consent_given=True))
    request = events_of(emitted, enrolment_events.ConsentRequested)[0]
    run_and_deliver(capture, lambda: consent_answer(token=request.token, given=True))
    enrolment.refresh_from_db()
    assert enrolment.status == "confirmed"

    written = OutboxMessage.objects.exclude(pk__in=before).order_by("pk")
    # One event, one e-mail: the invitation carries the parent meetings' calendar files too
    # (iTIP: one UID per calendar, so each meeting is a file of its own beside it).
    meetings = mail_group.sessions.filter(kind="parent").count()
    assert meetings == 2
    assert [(r.kind, r.to_email) for r in written] == [
        ("enrolment_received", "anna@example.org"),
        ("consent_request", "bram@example.org"),
        ("invitation", "anna@example.org"),
        ("invitation", "bram@example.org"),
    ]
    assert {r.status for r in written} == {"sent"}

    delivered = sorted(mail.outbox, key=lambda m: (m.subject, m.to))
    assert len(delivered) == 4
    by_row = {(r.subject, r.to_email): r for r in written}
    for message in delivered:
        row = by_row[(message.subject, message.to[0])]
        assert message.from_email == settings.DEFAULT_FROM_EMAIL
        assert message.reply_to == [COORDINATOR_EMAIL]
        assert message.body == row.body_text
        assert [(c, t) for c, t in message.alternatives if t == "text/html"] == [
            (row.body_html, "text/html")
        ]
    parsed = [email.message_from_bytes(m.message().as_bytes()) for m in mail.outbox]
    invitations = [p for p in parsed if any(part.get_filename() for part in p.walk())]
    assert sorted(p["To"] for p in invitations) == ["anna@example.org", "bram@example.org"]
    for message in invitations:
        calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert [c.get_param("method") for c in calendars] == ["REQUEST"]
        files = [p for p in message.walk() if p.get_filename()]
        assert [p.get_filename() for p in files] == [
            "invite.ics",
            *[f"meeting-{n}.ics" for n in range(1, meetings + 1)],
        ]
        body = calendars[0].get_payload(decode=True).decode()
        uids = {line for line in body.splitlines() if line.startswith("UID:")}
        assert len(uids) == 1, body  # several VEVENTs only when they share one UID
        for file in files:
            content = file.get_payload(decode=True).decode()
            assert content.count("BEGIN:VCALENDAR") == 1
            assert len({ln for ln in content.splitlines() if ln.startswith("UID:")}) == 1
    english = next(
        p for p in parsed if p["To"] == "bram@example.org" and "Invitation" in p["Subject"]
    )
    assert english["Subject"] == "Invitation: Groepsbijeenkomst Basisschool De Esch"

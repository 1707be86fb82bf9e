"""Sample outbox messages for the outbox tests and bench scripts."""

from __future__ import annotations

import uuid
from typing import Any

from notifications.models import OutboxMessage
from notifications.outbox import message_enqueue

SAMPLE_ICS = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Groepsplanner//test//NL",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:group-1-children@example.org",
        "SEQUENCE:0",
        "DTSTAMP:20261001T080000Z",
        "DTSTART;TZID=Europe/Amsterdam:20261005T100000",
        "DTEND;TZID=Europe/Amsterdam:20261005T110000",
        "RRULE:FREQ=WEEKLY;COUNT=8",
        "SUMMARY:Groepsbijeenkomst De Esch",
        "ORGANIZER:mailto:noreply@example.org",
        "ATTENDEE;RSVP=FALSE;PARTSTAT=ACCEPTED:mailto:ouder@example.org",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def enqueue_sample(
    *, key: str | None = None, with_calendar: bool = False, **overrides: Any
) -> OutboxMessage | None:
    """`message_enqueue` with plausible defaults; `with_calendar` adds a REQUEST invitation."""
    fields: dict[str, Any] = {
        "key": key or f"test:{uuid.uuid4().hex}",
        "kind": "enrolment_confirmed",
        "to": "ouder@example.org",
        "language": "nl",
        "subject": "Uitnodiging Groepsbijeenkomst De Esch",
        "text": "Beste ouder,\n\nWelkom in de groep. Groet, de gemeente\n",
        "html": "<p>Beste ouder,</p><p>Welkom in de groep.</p>",
        "reply_to": "coordinator@school.example.org",
    }
    if with_calendar:
        fields.update(ics=SAMPLE_ICS, ics_method="REQUEST")
    fields.update(overrides)
    return message_enqueue(**fields)

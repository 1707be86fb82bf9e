"""Mail for referrals and prevention talks, through the outbox like every other message.

Listeners on `referrals.events` write one outbox row per message in the transaction that
made the change (outbox key: event, object, recipient, revision; a replay writes nothing).
The texts live under `notifications/email/<language>/referrals/` so they stay apart from the
enrolment's kinds; `render_message` and the shared layout do the rest.

The invitation quotes the referrer's personal note as plain text: in the HTML part it is an
escaped block quote that no rule turns into a link (`_quote_note`), even if it holds an
address of this very site.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import escape, linebreaks

from core.domain_events import subscribe
from notifications import talk_calendar
from notifications.messages import (
    LANGUAGES,
    STAFF_LANGUAGE,
    Recipient,
    absolute_url,
    is_discreet,
    render_message,
)
from notifications.outbox import message_enqueue
from referrals import events
from referrals.models import Referral, TalkBooking

TEMPLATE_SUBDIR = "referrals"
REFERRAL_MESSAGE_KINDS = (
    "referral_invitation",
    "talk_booked",
    "talk_moved",
    "talk_cancelled",
    "talk_reminder",
)
NOTE_MARK = "REFERRAL-NOTE-PLACEHOLDER"


def _recipient(row: Any, key: str) -> Recipient:
    language = row.language if row.language in LANGUAGES else STAFF_LANGUAGE
    return Recipient(key, row.email, getattr(row, "name", ""), language)


QUOTE_STYLE = "margin:0 0 1em 0;padding-left:1em;border-left:4px solid #ccc;"


def _quote_note(html: str, note: str) -> str:
    """Put the note, escaped and with its line breaks, where the placeholder paragraph is."""
    body = linebreaks(escape(note), autoescape=False)
    return html.replace(
        f"<p>{NOTE_MARK}</p>", f'<blockquote style="{QUOTE_STYLE}">{body}</blockquote>'
    )


def _write(
    *,
    kind: str,
    key: str,
    recipient: Recipient,
    context: dict[str, Any],
    note: str = "",
    ics: str = "",
    ics_method: str = "",
) -> Any:
    if not recipient.email:
        return None
    template = f"{TEMPLATE_SUBDIR}/{kind}"
    ctx = {**context, "recipient": recipient, "reply_to": ""}
    rendered = render_message(template, language=recipient.language, context=ctx)
    html = rendered.html
    if note:
        marked = render_message(
            template, language=recipient.language, context={**ctx, "note": NOTE_MARK}
        )
        html = _quote_note(marked.html, note)
    return message_enqueue(
        key=key,
        kind=kind,
        to=recipient.email,
        language=recipient.language,
        subject=rendered.subject,
        text=rendered.text,
        html=html,
        ics=ics,
        ics_method=ics_method,
    )


def discreet_title(programme: Any, school_name: str) -> str:
    """As `messages.programme_title`, for a programme and school without a group: the
    public title, or the neutral name when even that would reveal the family situation."""
    title = programme.public_title(school_name)
    if not is_discreet(title):
        title = f"{programme.discreet_name or 'Groepsbijeenkomst'} {school_name}".strip()
    return title


def programme_page_of(programme: Any) -> str:
    if programme.discreet_titles:
        return absolute_url(reverse("relatiedesk-parents"))
    return absolute_url(reverse("relatiedesk-programme-parents", args=[programme.code]))


def on_referral_sent(event: events.ReferralSent) -> None:
    referral = (
        Referral.objects.select_related("programme", "school", "referrer")
        .filter(pk=event.referral_id)
        .first()
    )
    if referral is None:
        return
    programme = referral.programme
    referrer = referral.referrer
    _write(
        kind="referral_invitation",
        key=f"referral-sent:{referral.pk}:referral-{referral.pk}:{event.revision}",
        recipient=_recipient(referral, f"referral-{referral.pk}"),
        note=referral.note,
        context={
            "programme_title": discreet_title(programme, referral.school.name),
            "school": referral.school.name,
            "referrer": referrer.get_full_name() or referrer.get_username(),
            "note": referral.note,
            "link": absolute_url(reverse("referral-link", kwargs={"token": event.token})),
            "programme_page_url": programme_page_of(programme),
            "expires_at": referral.expires_at,
        },
    )


def _booking(booking_id: int) -> TalkBooking | None:
    return (
        TalkBooking.objects.select_related("slot__school", "slot__worker__user")
        .filter(pk=booking_id)
        .first()
    )


def _talk_context(booking: TalkBooking, token: str = "") -> dict[str, Any]:
    worker = booking.slot.worker.user
    context: dict[str, Any] = {
        "starts_at": booking.slot.starts_at,
        "minutes": booking.slot.minutes,
        "place": talk_calendar.talk_location(booking.slot),
        "worker": worker.get_full_name() or worker.get_username(),
        "general_page_url": absolute_url(reverse("relatiedesk-parents")),
        "book_url": absolute_url(reverse("talk-slots")),
    }
    if token:
        context["link"] = absolute_url(reverse("talk-booking", kwargs={"token": token}))
    return context


def _write_talk(
    booking: TalkBooking, *, kind: str, event: str, revision: Any, method: str, token: str = ""
) -> None:
    recipient = _recipient(booking, f"talk-{booking.pk}")
    _write(
        kind=kind,
        key=f"{event}:{booking.pk}:talk-{booking.pk}:{revision}",
        recipient=recipient,
        context=_talk_context(booking, token),
        ics=talk_calendar.talk_itip(
            booking=booking,
            method=method,
            recipient_email=recipient.email,
            recipient_name=recipient.name,
        )
        if recipient.email
        else "",
        ics_method=method,
    )


def on_talk_booked(event: events.TalkBooked) -> None:
    booking = _booking(event.booking_id)
    if booking is not None:
        _write_talk(
            booking,
            kind="talk_booked",
            event="talk-booked",
            revision=0,
            method="REQUEST",
            token=event.token,
        )


def on_talk_moved(event: events.TalkMoved) -> None:
    booking = _booking(event.booking_id)
    if booking is not None:
        _write_talk(
            booking,
            kind="talk_moved",
            event="talk-moved",
            revision=event.sequence,
            method="REQUEST",
            token=event.token,
        )


def on_talk_cancelled(event: events.TalkCancelled) -> None:
    booking = _booking(event.booking_id)
    if booking is not None:
        _write_talk(
            booking,
            kind="talk_cancelled",
            event="talk-cancelled",
            revision=event.sequence,
            method="CANCEL",
        )


def on_talk_reminder_due(event: events.TalkReminderDue) -> None:
    booking = _booking(event.booking_id)
    if booking is not None:
        recipient = _recipient(booking, f"talk-{booking.pk}")
        _write(
            kind="talk_reminder",
            key=f"talk-reminder:{booking.pk}:talk-{booking.pk}:{booking.slot.starts_at:%Y%m%d%H%M}",
            recipient=recipient,
            context=_talk_context(booking),
        )


LISTENERS = [
    (events.ReferralSent, on_referral_sent),
    (events.TalkBooked, on_talk_booked),
    (events.TalkMoved, on_talk_moved),
    (events.TalkCancelled, on_talk_cancelled),
    (events.TalkReminderDue, on_talk_reminder_due),
]


def register() -> None:
    for event_type, listener in LISTENERS:
        subscribe(event_type, listener)

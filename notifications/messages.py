"""Message texts: every e-mail in Dutch and English, as plain text plus HTML.

Each kind of message has, per language, two templates under
`notifications/templates/notifications/email/<language>/`:

- `<kind>_subject.txt`: one line. Subjects never carry sensitive detail: no word such as
  "scheiding" or "divorce" and no child's name; a programme is named through
  `programme_title()`, which gives the discreet title when the programme asks for it.
- `<kind>.txt`: the plain-text body, the one source of the message's wording.

The HTML part is made from that same text by `text_to_html` and wrapped in the shared
layout `notifications/email/layout.html`, so the two parts can never say different things.
(A kind that needs richer HTML can add `<language>/<kind>.html`; it is used instead.)
The text conventions the HTML follows: paragraphs are separated by a blank line, a
paragraph of lines starting with "- " is a list, and a line "Label: https://..." becomes a
link with that label. Only this site's own addresses (`SITE_URL`) become links
(`is_own_url`); any other URL in a message stays escaped text.

Everything is rendered inside `translation.override(language)`, so dates and the
programme's own name come out in the recipient's language. Guardians get their chosen
language; staff (trainers, coordinators) get Dutch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from notifications import calendar
from notifications.outbox import message_enqueue

LANGUAGES = ("nl", "en")
STAFF_LANGUAGE = "nl"
TEMPLATE_DIR = "notifications/email"

# Every kind of message; each has `<kind>_subject.txt` and `<kind>.txt` in every language.
MESSAGE_KINDS = (
    "enrolment_received",
    "consent_request",
    "consent_request_child",
    "consent_given",
    "consent_refused",
    "consent_withdrawn",
    "consent_withdrawn_coordinator",
    "consent_withdrawn_receipt",
    "email_change",
    "invitation",
    "waitlisted",
    "seat_offered",
    "offer_expired",
    "withdrawn",
    "duplicate_notice",
    "duplicate_merged",
    "erased",
    "absent_twice",
    "session_moved",
    "session_cancelled",
    "session_added",
    "group_cancelled",
    "group_postponed",
    "group_pooled",
    "decision_reminder",
    "trainer_assigned",
    "trainer_removed",
    "reminder_first_session",
    "reminder_parent_meeting",
    "trainer_agenda",
    "coordinator_digest",
    "consent_reminder",
    "pool_reminder",
    "account_locked",
    "evaluation_invitation",
)

# Words that reveal a family situation and may never appear in a subject.
SENSITIVE_WORDS = ("scheiding", "gescheiden", "divorce", "divorced", "separation", "separated")


@dataclass(frozen=True)
class Recipient:
    """Who gets a message. `key` names them in outbox keys without personal data."""

    key: str
    email: str
    name: str
    language: str = STAFF_LANGUAGE


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


# --- recipients ------------------------------------------------------------------------


def guardian_recipient(guardian: Any, *, first_contact: bool = False) -> Recipient:
    """A guardian as a recipient.

    The `first_contact` mail, the first to an address someone typed (the received message
    with the confirmation link to the enroller, the consent request to another guardian),
    goes without the name typed for the recipient: it holds no one's words but the child's
    first name.
    """
    language = guardian.language if guardian.language in LANGUAGES else STAFF_LANGUAGE
    if first_contact:
        return Recipient(f"guardian-{guardian.pk}", guardian.email, "", language)
    return Recipient(f"guardian-{guardian.pk}", guardian.email, guardian.name, language)


def trainer_recipient(trainer: Any) -> Recipient:
    user = trainer.user
    return Recipient(
        f"trainer-{trainer.pk}", user.email, user.get_full_name() or user.get_username()
    )


def teacher_recipient_key(enrolment_id: int) -> str:
    """How an outbox key names the teacher invited about one child: by the child's
    enrolment, so the erasure of the child's data finds the teacher's messages."""
    return f"teacher-{enrolment_id}"


def teacher_recipient(*, enrolment_id: int, email: str) -> Recipient:
    """A child's teacher, known only by the address the school gave (in Dutch)."""
    return Recipient(teacher_recipient_key(enrolment_id), email, "")


def user_recipient(user: Any) -> Recipient:
    return Recipient(f"user-{user.pk}", user.email, user.get_full_name() or user.get_username())


def reply_to_for(school: Any | None) -> str:
    """The e-mail address of the school's first coordinator (by id), or "" when none has one."""
    if school is None:
        return ""
    return (
        school.coordinators.exclude(email="").order_by("pk").values_list("email", flat=True).first()
        or ""
    )


# --- titles and links ------------------------------------------------------------------


def is_discreet(text: str) -> bool:
    lowered = text.lower()
    return not any(word in lowered for word in SENSITIVE_WORDS)


def programme_title(group: Any) -> str:
    """The programme's public title at the group's host school, in the active language.

    `Programme.public_title` gives the discreet title when the programme asks for it; a
    programme whose own name reveals the family situation (and that forgot to ask) is named
    by its neutral name anyway, so no subject or calendar ever says "scheiding".
    """
    programme, school_name = group.programme, group.host_school.name
    title = programme.public_title(school_name)
    if not is_discreet(title):
        title = f"{programme.discreet_name or 'Groepsbijeenkomst'} {school_name}".strip()
    return title


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def programme_page_url(group: Any) -> str:
    """The relatiedesk's page for parents about the group's programme; the general one when
    the programme asks for discreet titles (its code, in the address, names it)."""
    programme = group.programme
    if programme.discreet_titles:
        return absolute_url(reverse("relatiedesk-parents"))
    return absolute_url(reverse("relatiedesk-programme-parents", args=[programme.code]))


def link_url(token: str) -> str:
    """The parent's link page for a secret token (confirm, consent, offer, manage)."""
    return absolute_url(reverse("enrol-link", kwargs={"token": token}))


def sender_name() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[0] or "Gemeente"


# --- rendering -------------------------------------------------------------------------

_LINK_LINE = re.compile(r"^(?P<label>.+?):\s+(?P<url>https?://\S+)$")
_URL = re.compile(r"https?://[^\s<>\"']+")


def is_own_url(url: str) -> bool:
    """True for an address on this site (`SITE_URL`): the only addresses our mail links.

    Anything else that got into a message (a name typed as "https://evil.example") stays
    plain, escaped text in the HTML part, never a link."""
    own = settings.SITE_URL.rstrip("/")
    return url == own or url.startswith(own + "/")


def _linkify(line: str) -> str:
    """Escape a line of text and make our own URLs links; a "Label: URL" line links the
    label. A URL of any other site stays text."""
    match = _LINK_LINE.match(line.strip())
    if match and is_own_url(match["url"]):
        return f'<a href="{escape(match["url"])}">{escape(match["label"].strip())}</a>'
    parts: list[str] = []
    last = 0
    for found in _URL.finditer(line):
        if not is_own_url(found.group()):
            continue
        parts.append(escape(line[last : found.start()]))
        parts.append(f'<a href="{escape(found.group())}">{escape(found.group())}</a>')
        last = found.end()
    parts.append(escape(line[last:]))
    return "".join(parts)


def text_to_html(text: str) -> SafeString:
    """The HTML body for a plain-text message (see the module docstring for the rules)."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{_linkify(line.lstrip()[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append("<p>" + "<br>\n".join(_linkify(line) for line in lines) + "</p>")
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece was escaped above


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def render_message(kind: str, *, language: str, context: dict[str, Any]) -> Rendered:
    """Subject, text and HTML of message `kind` in `language` (Dutch when unknown).

    Adds `site_url`, `sender_name`, `language` and, when the context has a `group`, its
    `title` (see `programme_title`), all computed in the recipient's language.
    """
    language = language if language in LANGUAGES else STAFF_LANGUAGE
    with translation.override(language):
        ctx: dict[str, Any] = {
            "site_url": settings.SITE_URL,
            "sender_name": sender_name(),
            "language": language,
            **context,
        }
        if "group" in ctx and "title" not in ctx:
            ctx["title"] = programme_title(ctx["group"])
        if "group" in ctx and "programme_page_url" not in ctx:
            ctx["programme_page_url"] = programme_page_url(ctx["group"])
        base = f"{TEMPLATE_DIR}/{language}/{kind}"
        subject = " ".join(render_to_string(f"{base}_subject.txt", ctx).split())
        text = _tidy_text(render_to_string(f"{base}.txt", ctx))
        html_template = select_template([f"{base}.html", f"{TEMPLATE_DIR}/layout.html"])
        html = html_template.render({**ctx, "subject": subject, "body": text_to_html(text)})
    return Rendered(subject=subject, text=text, html=html)


def message_write(
    *,
    kind: str,
    event: str,
    object_id: Any,
    recipient: Recipient,
    revision: Any = 0,
    context: dict[str, Any],
    reply_to: str = "",
    ics: Callable[[Recipient], str] | None = None,
    ics_method: str = "",
    meetings: Sequence[Any] = (),
    also: Sequence[Callable[[Recipient], str]] = (),
) -> Any:
    """Render message `kind` for `recipient` and write it to the outbox (current transaction).

    `ics`, when given, makes the recipient's own calendar file (iTIP wants the recipient as
    the only attendee): the invitation the mail program shows. One event makes one e-mail,
    so every other calendar file of the event travels in the same message, each a file of
    its own beside the invitation (`outbox.calendar_parts`), since iTIP allows several
    events in one calendar only when they share a UID:

    - `meetings` (the group's parent meetings, each with a UID of its own), REQUEST or
      CANCEL like the main one; a meeting no longer scheduled only in a CANCEL;
    - `also`, the recipient's calendar files of the other side of the event, each with its
      own METHOD (a pooled family's REQUEST for the new group carries the old group's
      CANCEL).

    Without `ics` the message has no calendar at all. The outbox key is
    f"{event}:{object_id}:{recipient.key}:{revision}", so replaying the same event for the
    same revision writes nothing. A recipient without an e-mail address gets nothing.
    Returns the outbox row, or None when nothing was written.
    """
    if not recipient.email:
        return None
    rendered = render_message(
        kind,
        language=recipient.language,
        context={**context, "recipient": recipient, "reply_to": reply_to},
    )
    calendars: list[str] = []
    if ics:
        calendars = [
            ics(recipient),
            *(
                _meeting_calendar(m, ics_method=ics_method, recipient=recipient)
                for m in meetings
                if m.status == "scheduled" or ics_method == "CANCEL"
            ),
            *(make(recipient) for make in also),
        ]
    return message_enqueue(
        key=f"{event}:{object_id}:{recipient.key}:{revision}",
        kind=kind,
        to=recipient.email,
        language=recipient.language,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        reply_to=reply_to,
        ics="".join(calendars),
        ics_method=ics_method if ics else "",
    )


def _meeting_calendar(meeting: Any, *, ics_method: str, recipient: Recipient) -> str:
    """One parent meeting's own calendar file (REQUEST or CANCEL like the main one)."""
    cancelled = ics_method == "CANCEL" or meeting.status != "scheduled"
    build = calendar.session_cancellation if cancelled else calendar.session_update
    return build(session=meeting, recipient_email=recipient.email, recipient_name=recipient.name)

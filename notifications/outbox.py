"""The transactional outbox: write a message with the change, send it after commit.

The promises, in the order a message lives them:

- `message_enqueue` writes one row in the caller's transaction. The row's `key` is
  unique, so replaying an event writes nothing the second time. The send task is
  scheduled only when the transaction commits, one task for the rows a transaction
  wrote (`send_messages`); when the broker is down at that moment nothing is lost,
  the periodic sweep finds the rows later.
- `message_send` claims the row with one conditional UPDATE, so of two workers
  holding the same task only one sends. It talks SMTP outside any transaction.
  Temporary failures (SMTP 4xx, connection errors) wait with exponential backoff;
  permanent ones (SMTP 5xx) and anything unexpected end in `failed` with the
  reason, for the programme manager to read and resend.
- `messages_sweep` (beat, every minute) re-dispatches rows the send task never
  reached and returns rows held by a dead worker; `messages_purge` (beat, daily)
  blanks the bodies of sent mail after `NOTIFICATIONS_KEEP_SENT_DAYS`.
- `messages_erase` anonymises the rows of people whose data was erased (recipient,
  subject, bodies, calendar, error): an unsent row is cancelled, a last notice still to
  go out is anonymised right after it was sent.

The Celery tasks live at the end, beside the services they call (load by id, call the
service). Each is safe to run twice: `message_send` claims its row with a conditional
update, the sweep only dispatches, the purge only blanks.
"""

from __future__ import annotations

import logging
import re
import smtplib
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEText
from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import (
    OUTBOX_CLAIMABLE,
    OUTBOX_RESENDABLE,
    OUTBOX_TRANSITIONS,
    IcsMethod,
    OutboxMessage,
    OutboxStatus,
)

logger = logging.getLogger(__name__)

# Backoff after the n-th failed attempt: 1, 2, 4, 8, ... minutes (the base is the setting
# NOTIFICATIONS_RETRY_BASE_SECONDS), at most the cap. The cap stays far below the broker's
# visibility timeout (6 hours), so a retry scheduled with a countdown is never replayed by
# Redis as if its worker had died.
BACKOFF_CAP = timedelta(minutes=60)
QUEUED_GRACE = timedelta(minutes=2)
INFLIGHT_TIMEOUT = timedelta(minutes=10)
SWEEP_BATCH = 500
ICS_FILENAME = "invite.ics"


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 10))


def keep_sent_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_KEEP_SENT_DAYS", 30))


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1 → 1 min, 2 → 2 min, ...)."""
    base = timedelta(seconds=int(getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 60)))
    exponent = max(attempts - 1, 0)
    if exponent >= 16:
        return BACKOFF_CAP
    return min(base * (2**exponent), BACKOFF_CAP)


# --- writing --------------------------------------------------------------------------


def message_enqueue(
    *,
    key: str,
    kind: str,
    to: str,
    language: str,
    subject: str,
    text: str,
    html: str,
    reply_to: str = "",
    ics: str = "",
    ics_method: str = "",
) -> OutboxMessage | None:
    """Write one outbox row in the current transaction and send it after commit.

    Idempotent by `key` (f"{event}:{object id}:{recipient}:{revision}"): when a row with
    this key exists, nothing is written and None is returned. The send task is scheduled
    with `transaction.on_commit`; if the broker refuses it then, the row stays queued and
    `messages_sweep` dispatches it later. Refuses (ValidationError) an `ics` without a
    method, or an unknown method.
    """
    if ics and ics_method not in (IcsMethod.REQUEST, IcsMethod.CANCEL):
        raise ValidationError(_("Een agendabestand heeft de methode REQUEST of CANCEL nodig."))
    if not ics:
        ics_method = ""
    message = OutboxMessage(
        key=key,
        kind=kind,
        to_email=to,
        reply_to=reply_to,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        ics=ics,
        ics_method=ics_method,
    )
    if not _insert_unless_key_exists(message):
        return None
    _dispatch_after_commit(message.pk)
    return message


class _CommitBatch:
    """The outbox rows written in one transaction, handed to the broker as one task when
    it commits (an enrolment writes two or three mails; each task costs the request the
    broker's round trip and Celery's message building)."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.done = False

    def __call__(self) -> None:
        # Done once run: a test that runs the hooks without committing keeps them listed.
        self.done = True
        ids, self.ids = self.ids, []
        if len(ids) == 1:
            dispatch(ids[0])
        elif ids:
            dispatch_many(ids)


def _dispatch_after_commit(message_id: int) -> None:
    """Dispatch `message_id` once the current transaction commits, with the other rows
    written at the same savepoint level: a rolled-back savepoint drops its batch with
    its rows, and never one of rows that stay."""
    connection = transaction.get_connection(router.db_for_write(OutboxMessage))
    if connection.in_atomic_block:
        level = set(connection.savepoint_ids)
        for savepoints, callback, *_rest in connection.run_on_commit:
            if isinstance(callback, _CommitBatch) and not callback.done and savepoints == level:
                callback.ids.append(message_id)
                return
    batch = _CommitBatch()
    batch.ids.append(message_id)
    transaction.on_commit(batch, using=connection.alias, robust=True)


def _insert_unless_key_exists(message: OutboxMessage) -> bool:
    """INSERT the row unless its key exists, in one round trip; True when it was written.

    `INSERT ... ON CONFLICT (key) DO NOTHING RETURNING id` (PostgreSQL, SQLite 3.35+) needs
    neither a look-up first nor a savepoint: a row with the same key, committed or written
    by a concurrent transaction that then commits, makes the insert a no-op (PostgreSQL
    waits for that transaction) and leaves the caller's transaction usable. Any other
    violation (a check constraint) still raises IntegrityError.
    """
    connection = connections[router.db_for_write(OutboxMessage)]
    fields = [f for f in OutboxMessage._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    # Identifiers come from the model's meta, every value is a parameter.
    sql = (  # noqa: S608
        "INSERT INTO {table} ({columns}) VALUES ({values}) "
        "ON CONFLICT ({key}) DO NOTHING RETURNING {pk}"
    ).format(
        table=quote(OutboxMessage._meta.db_table),
        columns=", ".join(quote(f.column) for f in fields),
        values=", ".join(["%s"] * len(fields)),
        key=quote(OutboxMessage._meta.get_field("key").column),
        pk=quote(OutboxMessage._meta.pk.column),
    )
    params = [f.get_db_prep_save(getattr(message, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    message.pk = row[0]
    message._state.adding = False
    message._state.db = connection.alias
    return True


def dispatch(message_id: int, *, countdown: float | None = None) -> bool:
    """Hand the send task to the broker. False (and a log line) when the broker is away.

    Losing a dispatch is harmless: the row stays in the database and the sweep
    dispatches it again.
    """
    return _hand_over(send_message, message_id, countdown=countdown)


def dispatch_many(message_ids: list[int]) -> bool:
    """`dispatch` for several rows in one task (`send_messages`)."""
    return _hand_over(send_messages, message_ids)


def _hand_over(task: Any, argument: Any, *, countdown: float | None = None) -> bool:
    try:
        task.apply_async(
            args=[argument],
            countdown=countdown,
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        )
    except Exception:  # the broker's errors differ per transport; the sweep recovers
        logger.warning("outbox: could not dispatch %s; the sweep will", argument)
        return False
    return True


def message_resend(*, message: OutboxMessage) -> OutboxMessage:
    """Put a failed (or waiting) message back in the queue with fresh attempts and send it.

    Keeps the Message-ID, so a recipient who got it after all sees one message.
    Refuses (ValidationError) a message that was sent or is being sent.
    """
    now = timezone.now()
    changed = OutboxMessage.objects.filter(pk=message.pk, status__in=OUTBOX_RESENDABLE).update(
        status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=now, claimed_at=None
    )
    if not changed:
        raise ValidationError(
            _("Alleen een mislukt of wachtend bericht kan opnieuw worden verstuurd.")
        )
    message.refresh_from_db()
    transaction.on_commit(lambda: dispatch(message.pk), robust=True)
    return message


# --- sending --------------------------------------------------------------------------


def calendar_parts(ics: str) -> list[str]:
    """The calendar files of a row: one, or (a confirmation that carries the parent meetings
    too) several VCALENDARs one after the other, each with one UID as iTIP asks."""
    parts = re.split(r"(?<=END:VCALENDAR)\r?\n", ics.strip())
    return [part.strip() + "\r\n" for part in parts if part.strip()]


_METHOD = re.compile(r"^METHOD:(\S+)", re.MULTILINE)


def calendar_filenames(parts: list[str]) -> list[str]:
    """What the calendar files are called: the invitation `invite.ics`, then the files of
    its method (the parent meetings) `meeting-<n>.ics`, and those of another method (a
    pooled family's old dates, cancelled beside the new group's invitation)
    `cancellation-<n>.ics` or `update-<n>.ics`."""

    def method_of(part: str) -> str:
        found = _METHOD.search(part)
        return found[1] if found else ""

    main = method_of(parts[0]) if parts else ""
    counts: dict[str, int] = {}
    names = [ICS_FILENAME] if parts else []
    for part in parts[1:]:
        method = method_of(part)
        stem = "meeting" if method == main else "cancellation" if method == "CANCEL" else "update"
        counts[stem] = counts.get(stem, 0) + 1
        names.append(f"{stem}-{counts[stem]}.ics")
    return names


class CalendarEmail(EmailMultiAlternatives):
    """An e-mail whose alternatives may end in a `text/calendar; method=...` part.

    With a calendar the MIME tree is what iMIP (RFC 6047) clients expect:
    multipart/mixed > [multipart/alternative > (text/plain, text/html, text/calendar),
    invite.ics (application/ics)].
    """

    def __init__(self, *args: Any, ics: str = "", ics_method: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parts = calendar_parts(ics) if ics else []
        # The first calendar (the group's sessions) is the invitation the mail client shows;
        # further ones (each parent meeting, a UID of its own; a pooled family's old dates,
        # cancelled) travel as files beside it, each with its own METHOD, so one event makes
        # one e-mail.
        self.ics = parts[0] if parts else ""
        self.ics_method = ics_method
        for name, part in zip(calendar_filenames(parts), parts, strict=True):
            self.attach(name, part, "application/ics")

    def _create_alternatives(self, msg: Any) -> Any:
        msg = super()._create_alternatives(msg)
        if self.ics:
            part = SafeMIMEText(self.ics, "calendar", "utf-8")
            part.set_param("method", self.ics_method)
            msg.attach(part)
        return msg


def build_email(message: OutboxMessage, connection: Any = None) -> CalendarEmail:
    """The e-mail for an outbox row: From the municipality, Reply-To, stable Message-ID."""
    email = CalendarEmail(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        reply_to=[message.reply_to] if message.reply_to else [],
        headers={"Message-ID": message.message_id},
        connection=connection,
        ics=message.ics,
        ics_method=message.ics_method,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


@dataclass(frozen=True)
class SendOutcome:
    status: str  # the row's status afterwards, or "" when this call did not claim it
    retry_in: timedelta | None = None


TEMPORARY_ERRORS = (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout, OSError)


def _classify(error: BaseException) -> tuple[bool, str]:
    """(temporary?, reason) for an error raised while talking SMTP."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
        temporary = bool(codes) and all(400 <= code < 500 for code in codes)
        reason = "; ".join(
            f"{address}: {code} {_decode(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        return temporary, reason
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500, f"{error.smtp_code} {_decode(error.smtp_error)}"
    if isinstance(error, TEMPORARY_ERRORS):
        return True, f"{type(error).__name__}: {error}"
    return False, f"{type(error).__name__}: {error}"


def _decode(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def message_send(*, message_id: int) -> SendOutcome:
    """Send one outbox row if it is due and nobody else holds it.

    Claims with one conditional UPDATE (queued/awaiting_retry, due → inflight, attempts+1);
    when that changes no row, returns `SendOutcome("")` and sends nothing. Then sends
    outside any transaction and records the outcome: sent; awaiting_retry with exponential
    backoff for SMTP 4xx and connection errors (failed once `NOTIFICATIONS_MAX_ATTEMPTS`
    is reached); failed with the reason for SMTP 5xx and any other error.
    """
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status__in=OUTBOX_CLAIMABLE, next_attempt_at__lte=now
    ).update(status=OutboxStatus.INFLIGHT, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return SendOutcome("")
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        connection = get_connection(fail_silently=False)
        build_email(message, connection).send(fail_silently=False)
    except Exception as error:  # classified below: only SMTP 4xx/connection errors retry
        temporary, reason = _classify(error)
        return _record_failure(message, temporary=temporary, reason=reason, error=error)
    _finish(message, OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
    if message.erase_after_send:
        messages_erase(rows=OutboxMessage.objects.filter(pk=message.pk))
    return SendOutcome(OutboxStatus.SENT)


def _finish(message: OutboxMessage, status: str, **fields: Any) -> None:
    """Move a claimed row out of inflight; only the claim holder's row changes."""
    if status not in OUTBOX_TRANSITIONS[OutboxStatus.INFLIGHT]:
        raise ValueError(f"inflight cannot become {status}")
    OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.INFLIGHT, claimed_at=message.claimed_at
    ).update(status=status, **fields)


def _record_failure(
    message: OutboxMessage, *, temporary: bool, reason: str, error: BaseException
) -> SendOutcome:
    reason = reason[:2000]
    if temporary and message.attempts < max_attempts():
        delay = backoff(message.attempts)
        logger.info(
            "outbox: message %s temporarily failed (%s); retry in %s", message.pk, reason, delay
        )
        _finish(
            message,
            OutboxStatus.AWAITING_RETRY,
            next_attempt_at=timezone.now() + delay,
            last_error=reason,
        )
        return SendOutcome(OutboxStatus.AWAITING_RETRY, retry_in=delay)
    if temporary:
        reason = _("Opgegeven na %(attempts)s pogingen: %(reason)s") % {
            "attempts": message.attempts,
            "reason": reason,
        }
        logger.warning("outbox: message %s failed: %s", message.pk, reason)
    elif isinstance(error, smtplib.SMTPException):
        logger.warning("outbox: message %s refused: %s", message.pk, reason)
    else:
        logger.exception("outbox: message %s failed unexpectedly", message.pk, exc_info=error)
    _finish(message, OutboxStatus.FAILED, last_error=reason)
    if message.erase_after_send:
        messages_erase(rows=OutboxMessage.objects.filter(pk=message.pk))
    return SendOutcome(OutboxStatus.FAILED)


# --- periodic -------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    dispatched: int
    returned_from_inflight: int


def messages_sweep(*, batch: int = SWEEP_BATCH) -> SweepResult:
    """Find rows the send task will not reach by itself and dispatch them again.

    - inflight for longer than `INFLIGHT_TIMEOUT` (its worker died): back to
      awaiting_retry, due now;
    - queued since longer than `QUEUED_GRACE` (the broker or worker was away when the
      row was written): dispatched again, and their `next_attempt_at` moved to now, so
      each such row is dispatched at most once per grace period;
    - awaiting_retry whose time has come: dispatched.

    Safe to run twice and next to the workers: dispatching a row twice sends it once,
    because `message_send` claims it atomically.
    """
    now = timezone.now()
    returned = OutboxMessage.objects.filter(
        status=OutboxStatus.INFLIGHT, claimed_at__lt=now - INFLIGHT_TIMEOUT
    ).update(
        status=OutboxStatus.AWAITING_RETRY,
        next_attempt_at=now,
        last_error=_("Verzenden afgebroken (werker gestopt); opnieuw geprobeerd."),
    )
    due = list(
        OutboxMessage.objects.filter(
            Q(status=OutboxStatus.QUEUED, next_attempt_at__lt=now - QUEUED_GRACE)
            | Q(status=OutboxStatus.AWAITING_RETRY, next_attempt_at__lte=now)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "status")[:batch]
    )
    stale_queued = [pk for pk, status in due if status == OutboxStatus.QUEUED]
    if stale_queued:
        OutboxMessage.objects.filter(pk__in=stale_queued, status=OutboxStatus.QUEUED).update(
            next_attempt_at=now
        )
    dispatched = 0
    for pk, _status in due:
        if not dispatch(pk):
            break  # the broker is away; the next sweep tries again
        dispatched += 1
    if returned or dispatched:
        logger.info("outbox sweep: %s dispatched, %s back from inflight", dispatched, returned)
    return SweepResult(dispatched=dispatched, returned_from_inflight=returned)


def messages_purge(*, now: datetime | None = None) -> int:
    """Anonymise mail sent (or cancelled) more than `NOTIFICATIONS_KEEP_SENT_DAYS` ago.

    Its recipient, reply-to, subject, bodies and calendar hold names, addresses and secret
    links that nobody needs once the mail went out; kept is the record that it was sent:
    id, key (event, object id, recipient id, no personal data), kind, status, Message-ID
    and times (`purged_at` says when). A failed row stays whole until the manager resends
    or it is erased with its family: it is still waiting for a decision. Returns how many
    rows were anonymised; safe to run twice. Also anonymises a last notice to an erased
    family that a worker was sending at the moment of the erasure (and so could not be
    anonymised then).
    """
    now = now or timezone.now()
    messages_erase(
        rows=OutboxMessage.objects.filter(
            erase_after_send=True,
            erased_at__isnull=True,
            status__in=(OutboxStatus.SENT, OutboxStatus.FAILED),
        ),
        now=now,
    )
    old = Q(status=OutboxStatus.SENT, sent_at__lt=now - timedelta(days=keep_sent_days())) | Q(
        status=OutboxStatus.CANCELLED, created_at__lt=now - timedelta(days=keep_sent_days())
    )
    blank = {**_anonymous(now), "erased_at": None}
    return OutboxMessage.objects.filter(old, purged_at__isnull=True).update(**blank)


# --- erasure --------------------------------------------------------------------------

ERASED_SUBJECT = "gewist"
UNSENT: tuple[str, ...] = (OutboxStatus.QUEUED, OutboxStatus.AWAITING_RETRY, OutboxStatus.FAILED)
PENDING: tuple[str, ...] = (
    OutboxStatus.QUEUED,
    OutboxStatus.INFLIGHT,
    OutboxStatus.AWAITING_RETRY,
)


def _anonymous(now: datetime) -> dict[str, Any]:
    """What an anonymised row holds: no recipient, no content, no headers of its own."""
    return {
        "to_email": "",
        "reply_to": "",
        "subject": ERASED_SUBJECT,
        "body_text": "",
        "body_html": "",
        "ics": "",
        "ics_method": "",
        "erased_at": now,
        "purged_at": now,
    }


def messages_erase(
    *, rows: Any, last_notices: tuple[str, ...] = (), now: datetime | None = None
) -> int:
    """Anonymise the outbox `rows` (a queryset) of people whose data was erased.

    Kept of each row: its id, key (event, object id, recipient id: no personal data, and
    what stops a replayed event from writing the message again), kind, status, Message-ID
    and times. Gone: recipient, reply-to, subject (becomes "gewist"), bodies, calendar and
    error. An unsent row (queued, waiting for a retry, failed) is cancelled, never sent;
    a row of a kind in `last_notices` (the confirmation of the erasure) still waiting to
    go out is sent first and anonymised right after (`erase_after_send`), as is a row a
    worker is sending at this moment. Runs in the caller's transaction; safe to run twice.
    Returns how many rows were cancelled or anonymised now.
    """
    now = now or timezone.now()
    blank = _anonymous(now)
    rows.filter(kind__in=last_notices, status__in=PENDING, erased_at__isnull=True).update(
        erase_after_send=True
    )
    rows = rows.exclude(kind__in=last_notices, status__in=PENDING)
    rows.filter(status=OutboxStatus.INFLIGHT, erased_at__isnull=True).update(erase_after_send=True)
    cancelled = rows.filter(status__in=UNSENT).update(
        status=OutboxStatus.CANCELLED,
        claimed_at=None,
        last_error=_("Niet verstuurd: de gegevens zijn gewist."),
        **blank,
    )
    anonymised = rows.filter(
        status__in=(OutboxStatus.SENT, OutboxStatus.CANCELLED), erased_at__isnull=True
    ).update(last_error="", **blank)
    return cancelled + anonymised


# --- Celery tasks ------------------------------------------------------------------------


@shared_task(name="notifications.send_message", ignore_result=True)
def send_message(message_id: int) -> str:
    """Send outbox row `message_id`; after a temporary failure, come back when it is due.

    The countdown is at most `BACKOFF_CAP` (1 hour), well inside the broker's visibility
    timeout; should the re-dispatch get lost, the sweep finds the row.
    """
    outcome = message_send(message_id=message_id)
    if outcome.retry_in is not None:
        dispatch(message_id, countdown=outcome.retry_in.total_seconds())
    return outcome.status


@shared_task(name="notifications.send_messages", ignore_result=True)
def send_messages(message_ids: list[int]) -> list[str]:
    """`send_message` for the rows one transaction wrote, one after the other. A row that
    fails for now comes back on its own (`send_message` with a countdown)."""
    return [send_message(message_id) for message_id in message_ids]


@shared_task(name="notifications.outbox_sweep", ignore_result=True)
def outbox_sweep() -> dict[str, int]:
    """Dispatch rows left queued or due for retry, and free rows held by dead workers."""
    result = messages_sweep()
    return {"dispatched": result.dispatched, "returned": result.returned_from_inflight}


@shared_task(name="notifications.outbox_purge", ignore_result=True)
def outbox_purge() -> int:
    """Blank the bodies of mail sent more than NOTIFICATIONS_KEEP_SENT_DAYS ago."""
    return messages_purge()

"""Erased means erased: what the notifications app holds of a family whose data the
enrolment app erased goes in the same transaction.

The enrolment app announces `Erased` (per enrolment) with the ids of the guardians whose
details went with it and, in memory only, the values that were erased. This listener:

- anonymises every outbox row to those guardians (by the recipient id in the row's key,
  or by their address) and to a teacher invited about the child (by the enrolment in the
  row's key): recipient, subject, bodies, calendar and error go; an unsent row is
  cancelled; the confirmation of the erasure and the withdrawal (with its calendar
  cancellation) still go out once and are anonymised right after sending;
- in rows to anyone else (a coordinator's digest, a trainer, a parent who keeps a
  sibling's enrolment) that name the erased child or guardians: a sent row loses its
  content, an unsent one has the names and addresses replaced by "[gewist]";
- revokes the enrolment's calendar feed links.

`outbox_rows_left` counts, per group, the outbox rows that still hold a recipient of the
group's families; the retention overview of the enrolment app shows it ("Nog in
berichten"), registered in `NotificationsConfig.ready`.

It is subscribed after the listeners that write messages for the same event
(`NotificationsConfig.ready`), so the confirmation written for this erasure is there.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import CharField, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.db.models.lookups import Contains
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.domain_events import subscribe
from enrolment import events as enrolment_events
from enrolment.models import Guardian
from notifications import outbox
from notifications.messages import teacher_recipient_key
from notifications.models import CalendarFeedToken, OutboxMessage, OutboxStatus
from scheduler.models import Group

# Kinds that still go to an erased family: that the data is gone, that the child left the
# group (its calendar cancellation). Anonymised as soon as they were sent.
LAST_NOTICES: tuple[str, ...] = ("erased", "withdrawn")
REDACTED = "[gewist]"
_CONTENT = ("subject", "body_text", "body_html", "ics")


def _family_rows(
    guardian_ids: tuple[int, ...], emails: list[str], enrolment_id: int | None = None
) -> Q | None:
    """The rows addressed to the erased guardians and to the teacher invited about the
    enrolment's child, or None when there are none."""
    matches = [Q(key__contains=f":guardian-{pk}:") for pk in guardian_ids]
    if enrolment_id is not None:
        matches.append(Q(key__contains=f":{teacher_recipient_key(enrolment_id)}:"))
    matches += [Q(to_email__iexact=email) for email in emails]
    if not matches:
        return None
    q = matches[0]
    for match in matches[1:]:
        q |= match
    return q


def _redact_mentions(values: list[str], *, family: Q | None, now: Any) -> None:
    """Rows to others that name an erased value (as a whole word): content of a sent one
    goes, an unsent one keeps its content with the values replaced."""
    values = sorted({v.strip() for v in values if len(v.strip()) >= 2}, key=len, reverse=True)
    if not values:
        return
    mentions = Q()
    for value in values:
        for name in _CONTENT:
            mentions |= Q(**{f"{name}__icontains": value})
    rows = OutboxMessage.objects.filter(mentions, erased_at__isnull=True)
    if family is not None:
        rows = rows.exclude(family)
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(value)}(?!\w)" for value in values), re.IGNORECASE
    )
    for row in rows.only("pk", "status", *_CONTENT):
        if not any(pattern.search(getattr(row, name)) for name in _CONTENT):
            continue  # only part of a longer word ("Sam" in "Samen")
        if row.status in (OutboxStatus.SENT, OutboxStatus.CANCELLED):
            changes = {"subject": outbox.ERASED_SUBJECT, "body_text": "", "body_html": ""}
            changes |= {"ics": "", "ics_method": "", "purged_at": now}
        else:
            changes = {name: pattern.sub(REDACTED, getattr(row, name)) for name in _CONTENT}
        # Conditional on the status read: a worker that claimed the row meanwhile wins,
        # and the row is found again by the next erasure or purged with the rest.
        OutboxMessage.objects.filter(pk=row.pk, status=row.status).update(**changes)


def on_erased(event: enrolment_events.Erased) -> None:
    now = timezone.now()
    values = [v for v in event.erased_values if v]
    family = _family_rows(
        event.guardian_ids, [v for v in values if "@" in v], enrolment_id=event.enrolment_id
    )
    if family is not None:
        outbox.messages_erase(
            rows=OutboxMessage.objects.filter(family), last_notices=LAST_NOTICES, now=now
        )
    _redact_mentions(values, family=family, now=now)
    CalendarFeedToken.objects.filter(
        enrolment_id=event.enrolment_id, revoked_at__isnull=True
    ).update(revoked_at=now)


LEFT_LABEL = _("Nog in berichten")


def outbox_rows_left(group_ids: list[int]) -> dict[int, int]:
    """Per group: the outbox rows not anonymised (`erased_at` empty, a recipient address
    still there) addressed to a guardian of one of the group's enrolments, erased or not,
    by the recipient id in the key (`:guardian-<id>:`, as `on_erased` finds them). A row to
    a guardian with children in two groups counts in both. One query for all groups."""
    if not group_ids:
        return {}
    needle = Concat(
        Value(":guardian-"), Cast("pk", CharField()), Value(":"), output_field=CharField()
    )
    to_the_group = Guardian.objects.filter(
        Contains(OuterRef("key"), needle),
        submission__enrolments__group_id=OuterRef(OuterRef("pk")),
    )
    rows = (
        OutboxMessage.objects.filter(Exists(to_the_group), erased_at__isnull=True)
        .exclude(to_email="")
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    counts = (
        Group.objects.filter(pk__in=group_ids)
        .annotate(n=Subquery(rows, output_field=IntegerField()))
        .values_list("pk", "n")
    )
    return {pk: n or 0 for pk, n in counts}


def register() -> None:
    """Subscribe `on_erased`; called from `NotificationsConfig.ready` after the listeners
    that write the messages about an erasure."""
    subscribe(enrolment_events.Erased, on_erased)

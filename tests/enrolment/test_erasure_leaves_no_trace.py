"""Erased means erased: after a family's data is erased, no table and no cache entry still
holds their names, e-mail addresses, phones or link tokens (issue 15, item 4).

The family enrols, confirms, both parents consent, every mail is sent (the outbox runs
eagerly), staff open and export the roster (audit entries); then the data is erased,
through the parent's link or by the retention sweep, and every text, JSON and binary
column of every model, the decoded sessions and the cache are searched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
import re
from collections.abc import Iterable
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.models import AuditEntry, Enrolment
from enrolment.services.retention import retention_overview, retention_sweep
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import message_enqueue
from tests.enrolment.test_retention_erase import enrol_family

pytestmark = pytest.mark.django_db

# Tokens in links of the form /.../<token>/ in the mails the family received.
_LINK_TOKEN = re.compile(r"/(?:aanmelden|gegevens|agenda|link)[^\s\"'<>]*?/([A-Za-z0-9_-]{20,})")

_TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def _texts_of_tables() -> Iterable[tuple[str, str]]:
    """(where, text) for every value of every text, JSON and binary column of every model,
    and the decoded data of every session."""
    for model in apps.get_models():
        fields = [
            f for f in model._meta.concrete_fields if isinstance(f, _TEXT_FIELDS) and f.column
        ]
        if not fields:
            continue
        names = [f.attname for f in fields]
        for row in model._default_manager.values_list("pk", *names):
            pk, values = row[0], row[1:]
            for name, value in zip(names, values, strict=True):
                if value is None:
                    continue
                if isinstance(value, bytes | memoryview):
                    value = bytes(value).decode("utf-8", "replace")
                yield f"{model._meta.label}[{pk}].{name}", str(value)
    for session in Session.objects.all():
        yield f"session[{session.pk}]", repr(session.get_decoded())


def _texts_of_cache() -> Iterable[tuple[str, str]]:
    """(where, text) for every key and value in the default cache: the in-process one's
    dict, or Redis by SCAN when the suite runs against Redis."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        for key, raw in list(getattr(cache, "_cache", {}).items()):
            text = bytes(raw).decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            # Our own cache's pickles; the raw bytes are searched all the same.
            with contextlib.suppress(Exception):
                text += repr(pickle.loads(raw))
            yield f"cache[{key}]", f"{key} {text}"
        return
    client = cache._cache.get_client(write=False)
    for key in client.scan_iter(count=500):
        raw = client.get(key)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        with contextlib.suppress(Exception):
            text += repr(pickle.loads(raw))
        yield f"cache[{key!r}]", f"{key!r} {text}"


def traces(secrets: Iterable[str]) -> list[str]:
    """Where any of `secrets` (case-insensitively) is still found, in tables or the cache."""
    wanted = {s.lower() for s in secrets if s}
    found = []
    for where, text in [*_texts_of_tables(), *_texts_of_cache()]:
        lowered = text.lower()
        found += [f"{where} holds {s!r}" for s in sorted(wanted) if s in lowered]
    return found


def _family_tokens(emitted: list[Any], submission_id: int, enrolment_ids: set[int]) -> set[str]:
    tokens = set()
    for event in emitted:
        if isinstance(event, events.EnrolmentReceived) and event.submission_id == submission_id:
            tokens.add(event.confirm_token)
        elif (
            isinstance(event, events.ConsentRequested | events.SeatOffered)
            and event.enrolment_id in enrolment_ids
        ):
            tokens.add(event.token)
    return tokens


@pytest.fixture
def family(
    group: Any,
    host: Any,
    consent_text: Any,
    emitted: list[Any],
    alice: Any,
    as_alice: Any,
    django_capture_on_commit_callbacks: Any,
) -> dict[str, Any]:
    """A family with two parents and a child, confirmed, every mail sent, the roster seen
    and exported by staff. Returns what must be gone after erasure."""
    with django_capture_on_commit_callbacks(execute=True):
        result, values = enrol_family(group, host, consent_text, emitted, first="Quirijntje")
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() >= 3
    enrolment_ids = {e.pk for e in result.enrolments}
    tokens = _family_tokens(emitted, result.submission.pk, enrolment_ids)
    for message in mail.outbox:
        tokens.update(_LINK_TOKEN.findall(message.body))
    for name in ["staff-roster", "staff-roster-csv", "staff-roster-print"]:
        assert as_alice.get(reverse(name, args=[group.pk])).status_code == 200
    secrets = [*values["names"], *values["emails"], *values["phones"], *tokens]
    # The family is really everywhere before: the outbox, the mails, the enrolment rows.
    assert traces(secrets)
    assert OutboxMessage.objects.filter(to_email__in=values["emails"]).exists()
    confirm = next(
        e.confirm_token
        for e in emitted
        if isinstance(e, events.EnrolmentReceived) and e.submission_id == result.submission.pk
    )
    return {
        "result": result,
        "secrets": secrets,
        "confirm_token": confirm,
        "emails": values["emails"],
        "enrolment_ids": enrolment_ids,
    }


def _outbox_rows_of(family: dict[str, Any]) -> Any:
    guardian_keys = [
        f":guardian-{pk}:"
        for pk in family["result"].submission.guardians.values_list("pk", flat=True)
    ]
    rows = OutboxMessage.objects.none()
    for key in guardian_keys:
        rows |= OutboxMessage.objects.filter(key__contains=key)
    return rows


def test_an_erasure_through_the_parents_link_leaves_no_trace_in_any_table_or_the_cache(
    client: Any,
    family: dict[str, Any],
    alice: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = reverse("privacy-my-data-erase", args=[family["confirm_token"]])

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirm": "yes"}).status_code == 200

    left = traces(family["secrets"])
    assert left == [], "\n".join(left)
    # What stays: the rows (counts), their ids, who did what and when.
    rows = _outbox_rows_of(family)
    assert rows.count() >= 5
    assert set(rows.values_list("to_email", "subject", "body_text", "body_html", "ics")) == {
        ("", "gewist", "", "", "")
    }
    assert all(row.erased_at is not None for row in rows)
    # The confirmation that the data is gone was sent first, then blanked like the rest.
    confirmation = rows.get(kind="erased", status=OutboxStatus.SENT)
    [sent] = [m for m in mail.outbox if m.extra_headers["Message-ID"] == confirmation.message_id]
    assert sent.to == [family["emails"][0]]
    roster_views = AuditEntry.objects.filter(action=AuditAction.ROSTER_VIEWED)
    assert roster_views.exists() and set(roster_views.values_list("actor_label", flat=True)) == {
        "alice"
    }
    assert AuditEntry.objects.filter(action=AuditAction.DATA_ERASED).exists()
    [row] = retention_overview(user=alice) or [None]
    assert row is None or row.enrolments == 0


def test_a_queued_mail_of_an_erased_family_is_cancelled_not_sent(
    client: Any, family: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    waiting = _outbox_rows_of(family).filter(kind="consent_request").first() or (
        _outbox_rows_of(family).first()
    )
    OutboxMessage.objects.filter(pk=waiting.pk).update(
        status=OutboxStatus.AWAITING_RETRY, sent_at=None
    )
    sent_before = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("privacy-my-data-erase", args=[family["confirm_token"]]), {"confirm": "yes"}
        )

    waiting.refresh_from_db()
    assert waiting.status == OutboxStatus.CANCELLED and waiting.to_email == ""
    assert waiting.subject == "gewist" and waiting.body_text == ""
    # Only the last notices went out: the data is gone, the child left the group.
    sent_after = {m.extra_headers.get("Message-ID") for m in mail.outbox[sent_before:]}
    assert set(
        OutboxMessage.objects.filter(message_id__in=sent_after).values_list("kind", flat=True)
    ) <= {"erased", "withdrawn"}
    assert waiting.message_id not in sent_after


def test_the_retention_sweep_leaves_no_trace_either(
    family: dict[str, Any],
    _today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _today.move_to(dt.datetime(2028, 6, 1, 10, 0, tzinfo=dt.UTC))

    with django_capture_on_commit_callbacks(execute=True):
        assert retention_sweep() == len(family["enrolment_ids"])

    left = traces(family["secrets"])
    assert left == [], "\n".join(left)
    assert Enrolment.objects.filter(erased_at__isnull=True).count() == 0
    assert set(_outbox_rows_of(family).values_list("to_email", flat=True)) == {""}


def test_a_waiting_mail_to_staff_loses_the_erased_names_and_keeps_the_rest(
    client: Any, family: dict[str, Any]
) -> None:
    digest = message_enqueue(
        key="reminder-coordinator-digest:test:user-1:0",
        kind="coordinator_digest",
        to="ib@school.example.org",
        language="nl",
        subject="Nieuwe aanmeldingen",
        text="- Quirijntje (groep 4)\n- Sem (groep 5)\nSamenwerking blijft.",
        html="<li>Quirijntje</li><li>Sem</li>",
    )

    client.post(
        reverse("privacy-my-data-erase", args=[family["confirm_token"]]), {"confirm": "yes"}
    )

    digest.refresh_from_db()
    assert digest.status == OutboxStatus.QUEUED and digest.to_email == "ib@school.example.org"
    assert digest.body_text == "- [gewist] (groep 4)\n- Sem (groep 5)\nSamenwerking blijft."
    assert digest.body_html == "<li>[gewist]</li><li>Sem</li>"

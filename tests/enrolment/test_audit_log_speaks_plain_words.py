"""The audit log reads as sentences in the users' terms (issue 17, item 5): who did what
to whose data, by name, with the stored ids only in an entry's details."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment.audit import AuditAction, audit_record
from enrolment.models import AuditEntry
from enrolment.services.retention import enrolment_erase
from scheduler.models import Session, SessionKind
from tests.enrolment.staff_support import enrol, query_count

pytestmark = pytest.mark.django_db


def sentences(page: str) -> str:
    return " ".join(page.split("<tbody")[1].split())


def test_each_entry_says_who_did_what_to_which_group_session_and_child(
    alice: Any,
    bob: Any,
    as_alice: Client,
    group: Any,
    host: Any,
    consent_text: Any,
    emitted: list[Any],
) -> None:
    enrolment = enrol(group, host, consent_text, emitted, first="Mila")
    session = Session.objects.filter(group=group, kind=SessionKind.CHILD).order_by("starts_at")[1]
    audit_record(actor=bob, action=AuditAction.ROSTER_VIEWED, target=f"group {group.pk}")
    audit_record(
        actor=bob,
        action=AuditAction.ROSTER_VIEWED,
        target=f"group {group.pk} session {session.pk}",
    )
    audit_record(actor=alice, action=AuditAction.INTAKE_VIEWED, target=f"enrolment {enrolment.pk}")
    audit_record(actor="system", action=AuditAction.DATA_ERASED, target="submission 9")

    page = sentences(as_alice.get(reverse("staff-audit-log")).content.decode())

    assert f"Bob Jansen bekeek de deelnemerslijst van {group}." in page
    assert f"Bob Jansen bekeek de deelnemerslijst van {group}, bijeenkomst 2." in page
    assert f"Alice de Vries bekeek de intake van Mila in {group}." in page
    assert "Het systeem (bewaartermijn) wiste de gegevens van een aanmelding." in page
    # The stored ids are one click away, in the entry's details.
    assert f"<dd>group {group.pk} session {session.pk}</dd>" in page


def test_an_erased_child_is_not_named_again(
    alice: Any, as_alice: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(group, host, consent_text, emitted, first="Mila")
    audit_record(
        actor=alice, action=AuditAction.ENROLMENT_VIEWED, target=f"enrolment {enrolment.pk}"
    )
    enrolment_erase(enrolment=enrolment, reason="test")

    page = sentences(as_alice.get(reverse("staff-audit-log")).content.decode())

    assert "Mila" not in page
    assert "bekeek de inschrijving van een aanmelding waarvan de gegevens zijn gewist" in page


def test_the_words_cost_the_same_queries_for_few_and_many_entries(
    alice: Any,
    bob: Any,
    as_alice: Client,
    group: Any,
    host: Any,
    consent_text: Any,
    emitted: list[Any],
) -> None:
    enrolments = [enrol(group, host, consent_text, emitted, first=f"Kind{n}") for n in "ab"]

    def log(count: int) -> None:
        for index in range(count):
            audit_record(actor=bob, action=AuditAction.ROSTER_VIEWED, target=f"group {group.pk}")
            audit_record(
                actor=alice,
                action=AuditAction.ENROLMENT_VIEWED,
                target=f"enrolment {enrolments[index % 2].pk}",
            )

    log(2)
    few = query_count(lambda: as_alice.get(reverse("staff-audit-log")))
    log(20)
    assert AuditEntry.objects.count() > 40
    assert query_count(lambda: as_alice.get(reverse("staff-audit-log"))) == few

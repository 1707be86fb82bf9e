from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment.audit import AuditAction, audit_record
from tests.enrolment.staff_support import query_count

pytestmark = pytest.mark.django_db


def entries(page: str) -> int:
    return page.split("<tbody")[1].count("<tr") if "<tbody" in page else 0


def test_the_manager_reads_who_viewed_and_exported_what(
    alice: Any, bob: Any, as_alice: Client
) -> None:
    audit_record(actor=bob, action=AuditAction.ROSTER_EXPORTED_CSV, target="group 7")
    page = as_alice.get(reverse("staff-audit-log")).content.decode()
    assert "bob" in page and "group 7" in page and "als CSV gedownload" in page


def test_the_log_filters_by_action_user_and_date(
    alice: Any, bob: Any, carol: Any, as_alice: Client, _today: Any
) -> None:
    audit_record(actor=bob, action=AuditAction.ROSTER_VIEWED, target="group 1")
    audit_record(actor=carol, action=AuditAction.ROSTER_PRINTED, target="group 2")
    _today.move_to(dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC))
    audit_record(actor=bob, action=AuditAction.ROSTER_PRINTED, target="group 3")
    url = reverse("staff-audit-log")
    by_action = as_alice.get(url, {"action": AuditAction.ROSTER_PRINTED}).content.decode()
    assert entries(by_action) == 2 and "group 1" not in by_action
    by_user = as_alice.get(url, {"user": "carol"}).content.decode()
    assert entries(by_user) == 1 and "group 2" in by_user
    by_date = as_alice.get(url, {"date_from": "2026-10-02"}).content.decode()
    assert entries(by_date) == 1 and "group 3" in by_date
    until = as_alice.get(url, {"date_to": "2026-10-01", "user": "bob"}).content.decode()
    assert entries(until) == 1 and "group 1" in until


def test_the_log_is_paginated_with_a_flat_query_count(
    alice: Any, bob: Any, as_alice: Client
) -> None:
    for index in range(3):
        audit_record(actor=bob, action=AuditAction.ROSTER_VIEWED, target=f"group {index}")
    few = query_count(lambda: as_alice.get(reverse("staff-audit-log")))
    for index in range(60):
        audit_record(actor=bob, action=AuditAction.ROSTER_VIEWED, target=f"group {index}")
    first = as_alice.get(reverse("staff-audit-log")).content.decode()
    assert entries(first) == 50
    second = as_alice.get(reverse("staff-audit-log"), {"page": 2}).content.decode()
    assert entries(second) == 13
    assert query_count(lambda: as_alice.get(reverse("staff-audit-log"))) == few

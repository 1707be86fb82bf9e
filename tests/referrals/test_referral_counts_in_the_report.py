"""Referral counts (sent, enrolled) per programme and school in the participation report:
every count on the manager's operational page, small ones as "< 5" on the council page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals.services import referral_send, referrals_mark_enrolled
from scheduler.models import Group
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


def _row(page: str) -> list[str]:
    table = page.split('id="table-referrals"', 1)[1].split("</table>", 1)[0]
    return [cell.strip() for cell in re.findall(r"numeric-data\">([^<]*)<", table)]


def _send(hank: Any, kies: Any, host: Any, n: int) -> None:
    for i in range(n):
        referral_send(referrer=hank, programme=kies, school=host, email=f"o{i}@example.org")
    referrals_mark_enrolled(email="o0@example.org", pairs=[(kies.pk, host.pk)])


def test_the_operational_page_counts_referrals_sent_and_enrolled(
    as_alice: Any, hank: Any, kies: Any, host: Any, group: Group
) -> None:
    _send(hank, kies, host, 3)
    url = reverse("participation-report") + f"?school_year={group.school_year_id}"
    assert _row(as_alice.get(url).content.decode()) == ["3", "1"]


def test_the_council_page_suppresses_small_referral_counts(
    as_alice: Any, hank: Any, kies: Any, host: Any, group: Group
) -> None:
    _send(hank, kies, host, 3)
    url = reverse("participation-council") + f"?school_year={group.school_year_id}"
    assert _row(as_alice.get(url).content.decode()) == ["&lt; 5", "&lt; 5"]


def test_the_report_asks_the_same_queries_for_more_referrals(
    as_alice: Any, hank: Any, kies: Any, host: Any, group: Group
) -> None:
    url = reverse("participation-report") + f"?school_year={group.school_year_id}"
    _send(hank, kies, host, 2)
    with CaptureQueriesContext(connection) as few:
        as_alice.get(url)
    _send(hank, kies, host, 10)
    with CaptureQueriesContext(connection) as many:
        as_alice.get(url)
    assert len(few) == len(many)

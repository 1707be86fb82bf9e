"""The planner page and the participation report count the groups that did not start, and
why: pooled with another group, not started for too few children (both decided on the
decision day), or cancelled before the start for another reason. A postponed group starts
later and is not counted. Counts of groups name no child, so the council page and the
downloads show them as they are (`reports.suppression`), never the decision's free text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.models import SchoolYear
from reports.participation import participation
from scheduler.selectors import NotStarted
from scheduler.services import group_cancel, group_not_started, group_pool, group_postpone
from tests import factories
from tests.clock import on_day
from tests.enrolment.world import make_published_group

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]

DECISION_DAY = dt.datetime(2026, 10, 19, 9, 0, tzinfo=dt.UTC)
REASON = "Alleen Sam en Noor aangemeld"  # free text: never on a report


def _families(group: Any, count: int) -> None:
    for _ in range(count):
        enrolment = factories.EnrolmentFactory(group=group)
        factories.GuardianFactory(
            submission=enrolment.submission, is_enroller=True, email_confirmed_at=timezone.now()
        )


@pytest.fixture
def world() -> dict[str, Any]:
    kies = factories.ProgrammeFactory(
        code="kies-count",
        group_size_min=6,
        group_size_max=10,
        decision_days=14,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )
    schools = [
        factories.SchoolFactory(name=name, municipality="Zwolle", postcode=postcode)
        for name, postcode in (
            ("De Esch", "8011 AA"),
            ("De Vlier", "8012 BB"),
            ("Het Anker", "8013 CC"),
            ("De Linde", "8014 DD"),
            ("Het Baken", "8015 EE"),
        )
    ]
    groups = [make_published_group(kies, school, capacity=10) for school in schools]
    round_label = groups[0].round_label
    for group, children in zip(groups, (2, 4, 3, 2, 1), strict=True):
        assert group.round_label == round_label
        _families(group, children)
    small, into, too_few, postponed, otherwise = groups
    with time_machine.travel(DECISION_DAY, tick=False):
        group_pool(group=small, into=into, decided_by=None, reason=REASON)
        group_not_started(group=too_few, decided_by=None, reason=REASON)
        group_postpone(
            group=postponed, first_date=dt.date(2027, 1, 11), decided_by=None, reason=REASON
        )
        group_cancel(group=otherwise, reason="De school sluit")
    return {"year": SchoolYear.objects.get(label="2026-2027"), "schools": schools}


def test_the_participation_numbers_count_the_groups_that_did_not_start_by_why(world) -> None:
    report = participation(school_year=world["year"])
    assert report.not_started == NotStarted(pooled=1, too_few=1, cancelled_otherwise=1)
    assert report.not_started.total == 3


def _not_started_rows(html: str) -> list[tuple[str, str]]:
    import re

    table = html.split('id="table-not-started"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<th[^>]*scope=\"row\">([^<]*)</th><td[^>]*>([^<]*)</td>", table)
    return [(label.strip(), value.strip()) for label, value in rows]


@pytest.mark.parametrize("page", ["participation-report", "participation-council"])
def test_the_report_pages_show_the_groups_that_did_not_start_and_why(
    world, page: str, client: Client
) -> None:
    client.force_login(factories.make_manager())
    html = client.get(reverse(page), {"school_year": world["year"].pk}).content.decode()
    assert _not_started_rows(html) == [
        ("Samengevoegd met een andere groep", "1"),
        ("Te weinig kinderen", "1"),
        ("Geannuleerd voor de start, om een andere reden", "1"),
        ("Totaal", "3"),
    ]
    assert REASON not in html


def test_the_download_counts_the_groups_that_did_not_start(world, client: Client) -> None:
    client.force_login(factories.make_manager())
    response = client.get(reverse("participation-export-csv"), {"school_year": world["year"].pk})
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode("utf-8-sig")
    assert "Niet gestart: te weinig kinderen;1" in text
    assert "Niet gestart: samengevoegd met een andere groep;1" in text
    assert REASON not in text


def test_the_planner_page_counts_the_groups_that_did_not_start_in_the_users_scope(
    world, client: Client
) -> None:
    client.force_login(factories.make_manager())
    html = client.get(reverse("planning-home")).content.decode()
    assert "Niet gestarte groepen in schooljaar 2026-2027" in html
    assert _not_started_rows(html) == [
        ("Samengevoegd met een andere groep", "1"),
        ("Niet gestart: te weinig kinderen", "1"),
        ("Geannuleerd voor de start, om een andere reden", "1"),
        ("Totaal", "3"),
    ]
    # A coordinator of the school whose group did not start sees that one only.
    coordinator = factories.UserFactory()
    world["schools"][2].coordinators.add(coordinator)
    client.force_login(coordinator)
    html = client.get(reverse("planning-home")).content.decode()
    assert _not_started_rows(html) == [
        ("Samengevoegd met een andere groep", "0"),
        ("Niet gestart: te weinig kinderen", "1"),
        ("Geannuleerd voor de start, om een andere reden", "0"),
        ("Totaal", "1"),
    ]


def test_the_participation_api_counts_the_groups_that_did_not_start_by_why(
    world, client: Client
) -> None:
    client.force_login(factories.make_manager())
    answer = client.get(reverse("api-report-participation"), {"school_year": world["year"].pk})
    assert answer.status_code == 200
    body = answer.json()
    assert body["not_started"] == {
        "pooled": 1,
        "too_few": 1,
        "cancelled_otherwise": 1,
        "total": 3,
    }
    assert REASON not in answer.content.decode()


def test_the_participation_api_shows_small_counts_of_groups_that_did_not_start(
    world, client: Client
) -> None:
    """Counts of groups are never hidden: a single group that did not start reads 1, not
    "< 5", in the API as on the council page (both suppress counts of children only)."""
    client.force_login(factories.make_manager())
    body = client.get(reverse("api-report-participation"), {"school_year": world["year"].pk}).json()
    assert body["not_started"]["pooled"] == 1
    assert body["groups_cancelled"] == 3
    # The same selector as the page: the API's figures are the report's.
    report = participation(school_year=world["year"])
    assert body["not_started"]["total"] == report.not_started.total

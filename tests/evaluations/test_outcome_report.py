"""The outcome report: a completed group shows all four figures with their numbers of
respondents; the council page and its downloads show counts of 1 to 4 as "< 5"; open answers
only on the manager's page; the query count does not grow with the number of groups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import EvaluationSettings
from evaluations.services import moment_open
from programmes.models import SchoolGradePupils
from tests import factories
from tests.clock import on_day
from tests.enrolment.world import make_published_group
from tests.evaluations.world import add_child, completed_group, kies_programme

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]


@pytest.fixture
def world(time_machine: Any) -> Any:
    programme = kies_programme()
    EvaluationSettings.objects.filter(programme=programme).update(min_sessions=0)
    host = factories.SchoolFactory(name="Basisschool De Horizon", brin="33CC")
    group = completed_group(programme, host, time_machine)
    SchoolGradePupils.objects.create(school=host, school_year=group.school_year, grade=4, pupils=60)
    return group


def test_a_completed_group_shows_all_four_figures_with_their_respondents(
    world: Any, as_alice: Client
) -> None:
    page = as_alice.get(reverse("outcomes-report"), {"school_year": world.school_year_id})
    html = page.content.decode()
    assert page.status_code == 200
    for heading in ("Bereik", "Uitval", "Tevredenheid", "Doelrealisatie", "Respons"):
        assert heading in html
    figures = page.context["programmes"][0]["sections"]
    by_name = {s["name"]: s["rows"] for s in figures}
    reach = by_name["reach"][0]["row"]
    assert (reach.count, reach.base) == (3, 60)
    assert by_name["goal"][0]["row"].count == 3 and by_name["goal"][0]["row"].base == 3
    assert by_name["goal"][0]["value"] == "100 %"
    assert {r["row"].label for r in by_name["satisfaction"]} >= {"ouder/verzorger"}
    assert "<svg" in html and "Fijne groep, dank jullie wel" in html


def test_the_council_page_and_downloads_show_counts_of_one_to_four_as_less_than_five(
    world: Any, as_alice: Client
) -> None:
    query = {"school_year": world.school_year_id}
    council = as_alice.get(reverse("outcomes-council"), query)
    figures = council.context["programmes"][0]["sections"]
    counts = [item["row"].count for section in figures for item in section["rows"]]
    assert "< 5" in counts
    assert not [c for c in counts if isinstance(c, int) and 0 < c < 5]
    assert "Fijne groep" not in council.content.decode()
    csv = as_alice.get(reverse("outcomes-export-csv"), query).content.decode("utf-8-sig")
    assert "< 5" in csv and "Fijne groep" not in csv
    for line in csv.splitlines()[1:]:
        cells = line.split(";")
        for cell in cells[3:5]:
            assert not (cell.isdigit() and 0 < int(cell) < 5), line
    xlsx = as_alice.get(reverse("outcomes-export-xlsx"), query)
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")


def test_only_the_programme_manager_opens_the_outcome_pages(
    world: Any, as_bob: Client, as_dave: Client
) -> None:
    assert as_bob.get(reverse("outcomes-report")).status_code == 403
    assert as_dave.get(reverse("outcomes-council")).status_code == 403


def test_the_outcome_reports_query_count_does_not_grow_with_the_number_of_groups(
    time_machine: Any, alice: Any
) -> None:
    programme = kies_programme()
    host = factories.SchoolFactory(name="Basisschool De Horizon", brin="33CC")
    first = completed_group(programme, host, time_machine, children=2)

    def queries() -> int:
        client = Client()
        client.force_login(alice)
        client.get(reverse("outcomes-report"))  # the session and role look-ups, once
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("outcomes-report"), {"school_year": first.school_year_id})
        assert page.status_code == 200
        return len(captured)

    one = queries()
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC))
    for label in ("tweede", "derde"):
        group = make_published_group(programme, host, round_label=label)
        add_child(group, first="Extra")
        moment_open(group=group, moment="before")
    time_machine.move_to(dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC))
    assert queries() == one


@pytest.mark.parametrize(
    ("section", "value", "shown"),
    [
        ("reach", 9 / 1999, "0,5 %"),
        ("reach", 0.0, "0 %"),
        ("dropout", 1 / 9, "11 %"),
        ("goal", 0.75, "75 %"),
        ("satisfaction", 4.25, "4,3"),
    ],
)
def test_a_small_share_keeps_a_decimal_so_it_does_not_read_as_none(
    section: str, value: float, shown: str
) -> None:
    from django.utils import translation

    from reports.outcomes import ShownRow
    from reports.views_outcomes import value_text

    with translation.override("nl"):
        assert value_text(ShownRow(section, "x", 9, 1999, value)) == shown

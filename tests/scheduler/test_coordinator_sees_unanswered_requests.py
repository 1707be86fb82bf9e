"""The coordinator's start page lists their planning requests still without a group, oldest
first, with how long they wait (issue 17, item 1); constant in queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from scheduler.models import PlanningRequest
from tests import factories
from tests.clock import on_day
from tests.enrolment.staff_support import query_count

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


def ask(school: Any, programme: Any, days_ago: int) -> PlanningRequest:
    request = PlanningRequest.objects.create(
        school=school,
        programme=programme,
        school_year=factories.SchoolYearFactory(label="2026-2027"),
        round_label="voorjaar 2027",
        window_start=dt.date(2027, 1, 11),
        window_end=dt.date(2027, 3, 26),
        preferred_weekdays=[0],
        expected_children=8,
    )
    PlanningRequest.objects.filter(pk=request.pk).update(
        created_at=dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC) - dt.timedelta(days=days_ago)
    )
    return request


def test_the_coordinator_sees_requests_without_an_answer(
    as_bob: Client, school_a: Any, school_b: Any
) -> None:
    kies = factories.ProgrammeFactory(code="kies-r", name_nl="KIES", name_en="KIES")
    ask(school_a, kies, days_ago=9)
    ask(school_b, kies, days_ago=2)  # Carol's school: not Bob's
    page = as_bob.get("/start/coordinator/").content.decode()
    assert "Aanvragen zonder antwoord" in page
    assert "KIES, Basisschool De Esch (voorjaar 2027)" in page and "wacht 9 dagen" in page
    assert "Het Anker" not in page

    few = query_count(lambda: as_bob.get("/start/coordinator/"))
    for days in range(5):
        ask(school_a, kies, days_ago=days)
    assert query_count(lambda: as_bob.get("/start/coordinator/")) == few


def test_without_open_requests_the_page_says_so(as_bob: Client) -> None:
    page = as_bob.get("/start/coordinator/").content.decode()
    assert "Elke aanvraag voor een groep heeft antwoord." in page

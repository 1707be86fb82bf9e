"""What the schema fuzzing and the accessibility checks found, each as a plain test that
would have caught it."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import Any

import pytest
from django.test import Client

from scheduler.models import GroupStatus, SessionKind
from scheduler.services import group_transition
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"


@pytest.fixture
def group(db: None) -> Any:
    programme = factories.ProgrammeFactory(
        code="kies-findings", name_nl="KIES", parent_meetings_before=0, trainers_per_group=1
    )
    trainer = factories.TrainerFactory(qualifications=[programme])
    group = factories.make_group(
        programme,
        school=factories.SchoolFactory(name="Basisschool De Esch"),
        year=factories.SchoolYearFactory(label="2026-2027"),
        trainers=[trainer],
        first_date=dt.date(2027, 3, 1),
        weekday=0,
        start_time=dt.time(13, 0),
        round_label="voorjaar 2027",
    )
    return group_transition(group=group, to=GroupStatus.PUBLISHED)


def test_the_roster_api_names_the_groups_programme_and_host_school(
    as_alice: Client, group: Any
) -> None:
    answer = as_alice.get(f"{API}/rosters/{group.pk}/")
    assert answer.status_code == 200
    assert answer.json()["group"]["programme"] == "KIES"
    assert answer.json()["group"]["host_school"] == "Basisschool De Esch"


@pytest.mark.parametrize(
    "query",
    [
        "trainer-unavailabilities/?trainer=1e30",
        "enrolments/?programme=-2e30",
        "groups/?trainer=9e99",
    ],
)
def test_an_id_filter_out_of_any_databases_range_is_a_400(as_alice: Client, query: str) -> None:
    answer = as_alice.get(f"{API}/{query}")
    assert answer.status_code == 400, answer.content
    assert query.split("?")[1].split("=")[0] in answer.json()


@pytest.mark.parametrize("action", ["move", "conflicts"])
def test_a_session_cannot_move_out_of_its_school_year(
    as_alice: Client, group: Any, action: str
) -> None:
    session = group.sessions.filter(kind=SessionKind.CHILD).first()
    answer = as_alice.post(
        f"{API}/sessions/{session.pk}/{action}/",
        # Far ahead: a date in the past is refused as past (tests/scheduler/
        # test_sessions_never_land_in_the_past_or_out_of_order.py).
        json.dumps({"starts_at": "2199-01-19T10:00:00+01:00"}),
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.content
    assert "2026-2027" in answer.json()["starts_at"][0]


def test_the_planning_page_uses_each_id_once(as_alice: Client, group: Any) -> None:
    """Filter, request and planner forms all have a school year: each label must name its own."""
    page = as_alice.get("/planning/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert not [name for name, count in ids.items() if count > 1]

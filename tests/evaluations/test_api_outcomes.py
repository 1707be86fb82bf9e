"""The outcome figures in the API: suppressed like the council page (the same function) for
whoever asks, every count only for the manager who asks for it, a coordinator's own school
only, no open answers, and a query count that does not grow with the number of groups."""

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

URL = "/api/v1/reports/outcomes/"


@pytest.fixture
def world(time_machine: Any) -> Any:
    programme = kies_programme()
    EvaluationSettings.objects.filter(programme=programme).update(min_sessions=0)
    host = factories.SchoolFactory(name="Basisschool De Horizon", brin="33CC")
    group = completed_group(programme, host, time_machine)
    SchoolGradePupils.objects.create(school=host, school_year=group.school_year, grade=4, pupils=60)
    return group


def rows_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for line in body["programmes"] for row in line["rows"]]


def test_the_api_shows_the_figures_as_the_council_page_does(world: Any, as_alice: Client) -> None:
    query = {"school_year": world.school_year_id}
    body = as_alice.get(URL, query).json()
    council = as_alice.get(reverse("outcomes-council"), query)
    on_page = [
        (item["row"].section, item["row"].label, item["row"].count, item["row"].base)
        for section in council.context["programmes"][0]["sections"]
        for item in section["rows"]
    ]
    in_api = [(r["section"], r["label"], r["count"], r["base"]) for r in rows_of(body)]
    assert body["suppressed"] is True
    assert sorted(in_api, key=str) == sorted(on_page, key=str)
    reach = next(r for r in rows_of(body) if r["section"] == "reach")
    assert (reach["count"], reach["base"], reach["value"]) == ("< 5", 60, "*")
    counts = [r["count"] for r in rows_of(body)] + [r["base"] for r in rows_of(body)]
    assert not [c for c in counts if isinstance(c, int) and 0 < c < 5]
    assert "Fijne groep" not in str(body)


def test_the_manager_may_ask_for_every_count_and_still_gets_no_open_answers(
    world: Any, as_alice: Client
) -> None:
    body = as_alice.get(URL, {"school_year": world.school_year_id, "operational": "true"}).json()
    assert body["suppressed"] is False
    reach = next(r for r in rows_of(body) if r["section"] == "reach")
    assert (reach["count"], reach["base"], reach["value"]) == (3, 60, 0.05)
    goal = next(r for r in rows_of(body) if r["section"] == "goal")
    assert (goal["count"], goal["base"], goal["value"]) == (3, 3, 1.0)
    assert "Fijne groep" not in str(body)


def test_a_coordinator_reads_only_their_own_schools_figures_and_always_suppressed(
    world: Any, bob: Any, as_bob: Client, as_carol: Client
) -> None:
    world.host_school.coordinators.add(bob)
    query = {"school_year": world.school_year_id}
    # Bob coordinates two schools: he chooses one of his own.
    assert as_bob.get(URL, query).status_code == 400
    own = as_bob.get(URL, {**query, "school": world.host_school_id})
    assert own.status_code == 200
    assert own.json()["school"] == world.host_school_id
    assert any(r["count"] == "< 5" for r in rows_of(own.json()))
    assert as_bob.get(URL, {**query, "operational": "true"}).status_code == 403
    # Carol coordinates one other school: she gets hers (no groups), never the host's.
    hers = as_carol.get(URL, query).json()
    assert hers["school"] != world.host_school_id
    assert {r["count"] for r in rows_of(hers)} == {0}
    assert as_carol.get(URL, {**query, "school": world.host_school_id}).status_code == 400


def test_trainers_users_without_a_role_and_anonymous_callers_get_no_figures(
    world: Any, as_dave: Client, as_eve: Client, client: Client
) -> None:
    assert as_dave.get(URL).status_code == 403
    assert as_eve.get(URL).status_code == 403
    assert client.get(URL).status_code == 401


def test_the_outcome_apis_query_count_does_not_grow_with_the_number_of_groups(
    time_machine: Any, alice: Any
) -> None:
    programme = kies_programme()
    host = factories.SchoolFactory(name="Basisschool De Horizon", brin="33CC")
    first = completed_group(programme, host, time_machine, children=2)

    def queries() -> int:
        client = Client()
        client.force_login(alice)
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(URL, {"school_year": first.school_year_id})
        assert answer.status_code == 200
        return len(captured)

    one = queries()
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC))
    for label in ("tweede", "derde"):
        group = make_published_group(programme, host, round_label=label)
        add_child(group, first="Extra")
        moment_open(group=group, moment="before")
    time_machine.move_to(dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC))
    assert queries() == one

"""The programme manager runs the year planner through the API and accepts its proposal.

Celery runs eagerly in the tests, so a run has finished by the time it is read back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from scheduler.models import Group, GroupStatus, PlannerRun, PlanningRequest
from scheduler.services import planning_request_create

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _today() -> Any:
    """The planner proposes dates from tomorrow on: plan from a fixed "today"."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)):
        yield


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def open_requests(
    kies: Any, year: Any, school_a: Any, school_b: Any, trainer_pair: Any, bob: Any, carol: Any
) -> list[PlanningRequest]:
    """Two KIES requests, each for a school with one coordinator; two qualified trainers."""
    return [
        planning_request_create(
            school=school,
            programme=kies,
            school_year=year,
            round_label="voorjaar 2027",
            window_start=dt.date(2027, 1, 11),
            window_end=dt.date(2027, 6, 30),
            preferred_weekdays=[weekday],
            earliest_start=dt.time(9, 0),
            latest_start=dt.time(13, 0),
            expected_children=children,
            requested_by=coordinator,
        )
        for school, coordinator, weekday, children in (
            (school_a, bob, 0, 8),
            (school_b, carol, 2, 6),
        )
    ]


def start_run(client: Client, django_capture_on_commit_callbacks: Any) -> Any:
    # Whether the task is sent at once or after commit, it has run when this returns.
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, f"{API}/planner-runs/", {"school_year": "2026-2027", "time_limit_seconds": 5}
        )
    return response


def test_the_manager_starts_a_run_reads_its_proposal_and_accepts_part_of_it(
    as_alice: Client,
    alice: Any,
    open_requests: list[PlanningRequest],
    django_capture_on_commit_callbacks: Any,
) -> None:
    started = start_run(as_alice, django_capture_on_commit_callbacks)
    assert started.status_code == 202, started.json()
    body = started.json()
    assert body["school_year"] == "2026-2027"
    assert body["time_limit_seconds"] == 5
    assert body["started_by"] == alice.pk
    url = f"{API}/planner-runs/{body['id']}/"

    run = as_alice.get(url).json()
    assert run["status"] == "done", run
    assert run["progress"] == 100
    proposals = run["result"]["proposals"]
    assert {p["request_id"] for p in proposals} == {r.pk for r in open_requests}
    assert run["result"]["unsatisfied"] == []
    assert [row["id"] for row in as_alice.get(f"{API}/planner-runs/").json()["results"]] == [
        body["id"]
    ]

    first = open_requests[0]
    accepted = post(as_alice, f"{url}accept/", {"request_ids": [first.pk]})
    assert accepted.status_code == 201, accepted.json()
    [group_id] = accepted.json()["group_ids"]
    group = Group.objects.get(pk=group_id)
    assert group.status == GroupStatus.DRAFT
    assert group.host_school == first.school
    assert group.sessions.count() == 10
    proposal = next(p for p in proposals if p["request_id"] == first.pk)
    assert group.first_date.isoformat() == proposal["first_date"]
    assert sorted(t.pk for t in group.trainers.all()) == sorted(proposal["trainer_ids"])
    # The other request stays open for a later run.
    assert Group.objects.count() == 1


def test_a_run_for_an_unknown_school_year_is_refused(as_alice: Client) -> None:
    response = post(as_alice, f"{API}/planner-runs/", {"school_year": "1999-2000"})
    assert response.status_code == 400
    assert list(response.json()) == ["school_year"]
    assert not PlannerRun.objects.exists()


def test_only_the_manager_may_run_the_planner_or_see_its_runs(
    as_bob: Client,
    as_alice: Client,
    open_requests: list[PlanningRequest],
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert start_run(as_bob, django_capture_on_commit_callbacks).status_code == 403
    assert not PlannerRun.objects.exists()

    run_id = start_run(as_alice, django_capture_on_commit_callbacks).json()["id"]
    assert as_bob.get(f"{API}/planner-runs/").json()["results"] == []
    assert as_bob.get(f"{API}/planner-runs/{run_id}/").status_code == 404
    accept = post(
        as_bob, f"{API}/planner-runs/{run_id}/accept/", {"request_ids": [open_requests[0].pk]}
    )
    assert accept.status_code == 403
    assert not Group.objects.exists()


def test_a_trainer_may_not_run_the_planner(as_dave: Client, year: Any) -> None:
    assert post(as_dave, f"{API}/planner-runs/", {"school_year": "2026-2027"}).status_code == 403
    assert not PlannerRun.objects.exists()

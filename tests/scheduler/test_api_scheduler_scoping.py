"""Each role sees and changes only its own part of the schedule; the rest does not exist for it.

bob coordinates school A, dave is a trainer, eve has no role; alice (the manager) sees all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from scheduler.models import Group, GroupStatus, PlanningRequest, Session
from scheduler.services import planning_request_create
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def listed(client: Client, resource: str) -> list[int]:
    response = client.get(f"{API}/{resource}/")
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def at_a(kies: Any, year: Any, school_a: Any, trainer_pair: Any) -> Group:
    return factories.make_group(
        kies, year=year, school=school_a, trainers=trainer_pair, first_date=dt.date(2027, 1, 11)
    )


@pytest.fixture
def at_b(kies: Any, year: Any, school_b: Any, dave: Any) -> Group:
    dave.qualifications.add(kies)
    return factories.make_group(
        kies,
        year=year,
        school=school_b,
        trainers=[dave],
        weekday=2,
        first_date=dt.date(2027, 1, 13),
    )


@pytest.fixture
def request_at_b(kies: Any, year: Any, school_b: Any, carol: Any) -> PlanningRequest:
    return planning_request_create(
        school=school_b,
        programme=kies,
        school_year=year,
        round_label="voorjaar 2027",
        window_start=dt.date(2027, 1, 11),
        window_end=dt.date(2027, 4, 30),
        preferred_weekdays=[0],
        expected_children=7,
        requested_by=carol,
    )


# --- bob, coordinator of school A ---------------------------------------------------------


def test_a_coordinator_sees_only_their_schools_groups_and_sessions(
    as_bob: Client, at_a: Group, at_b: Group
) -> None:
    assert listed(as_bob, "groups") == [at_a.pk]
    assert set(listed(as_bob, "sessions")) == set(at_a.sessions.values_list("pk", flat=True))
    assert as_bob.get(f"{API}/groups/{at_a.pk}/").status_code == 200


def test_a_coordinator_gets_404_on_another_schools_group_session_and_request(
    as_bob: Client, at_b: Group, request_at_b: PlanningRequest
) -> None:
    session = at_b.sessions.first()
    assert as_bob.get(f"{API}/groups/{at_b.pk}/").status_code == 404
    assert as_bob.get(f"{API}/sessions/{session.pk}/").status_code == 404
    assert as_bob.get(f"{API}/planning-requests/{request_at_b.pk}/").status_code == 404
    # Writes look the object up in the same scope: 404, and nothing changes.
    assert post(as_bob, f"{API}/groups/{at_b.pk}/cancel/").status_code == 404
    assert (
        post(as_bob, f"{API}/groups/{at_b.pk}/transition/", {"to": "published"}).status_code == 404
    )
    move = {"starts_at": "2027-01-14T10:00:00+01:00"}
    assert post(as_bob, f"{API}/sessions/{session.pk}/move/", move).status_code == 404
    assert post(as_bob, f"{API}/sessions/{session.pk}/conflicts/", move).status_code == 404
    assert post(as_bob, f"{API}/sessions/{session.pk}/cancel/").status_code == 404
    assert Group.objects.get(pk=at_b.pk).status == GroupStatus.DRAFT
    assert Session.objects.get(pk=session.pk).revision == 0


def test_a_coordinator_plans_a_group_at_their_own_school(
    as_bob: Client, kies: Any, year: Any, school_a: Any, trainer_pair: Any, bob: Any
) -> None:
    response = post(
        as_bob,
        f"{API}/groups/",
        {
            "programme": kies.pk,
            "host_school": school_a.pk,
            "school_year": "2026-2027",
            "round_label": "voorjaar 2027",
            "weekday": 1,
            "start_time": "10:00",
            "first_date": "2027-01-12",
            "trainers": [t.pk for t in trainer_pair],
        },
    )
    assert response.status_code == 201, response.json()
    group = Group.objects.get(pk=response.json()["id"])
    assert (group.host_school, group.created_by) == (school_a, bob)
    published = post(as_bob, f"{API}/groups/{group.pk}/transition/", {"to": "published"})
    assert published.status_code == 200, published.json()


def test_a_coordinator_naming_another_host_school_gets_the_nonexistent_answer(
    as_bob: Client, kies: Any, year: Any, school_b: Any
) -> None:
    response = post(
        as_bob,
        f"{API}/groups/",
        {
            "programme": kies.pk,
            "host_school": school_b.pk,
            "school_year": "2026-2027",
            "round_label": "voorjaar 2027",
            "weekday": 0,
            "start_time": "13:00",
            "first_date": "2027-01-11",
        },
    )
    assert response.status_code == 400
    assert list(response.json()) == ["host_school"]
    preview = post(
        as_bob,
        f"{API}/groups/preview/",
        {
            "programme": kies.pk,
            "host_school": school_b.pk,
            "weekday": 0,
            "start_time": "13:00",
            "first_date": "2027-01-11",
        },
    )
    assert preview.status_code == 400
    assert list(preview.json()) == ["host_school"]
    assert not Group.objects.exists()


def test_a_coordinator_may_open_their_group_to_pupils_of_another_school(
    as_bob: Client, as_carol: Client, kies: Any, year: Any, school_a: Any, school_b: Any
) -> None:
    response = post(
        as_bob,
        f"{API}/groups/",
        {
            "programme": kies.pk,
            "host_school": school_a.pk,
            "admitted_schools": [school_b.pk],
            "school_year": "2026-2027",
            "round_label": "voorjaar 2027",
            "weekday": 0,
            "start_time": "13:00",
            "first_date": "2027-01-11",
        },
    )
    assert response.status_code == 201, response.json()
    group_id = response.json()["id"]
    # Carol, coordinator of school B, now sees the group (her pupils may join) ...
    assert listed(as_carol, "groups") == [group_id]
    # ... but cannot change it: it is planned by its host school.
    assert post(as_carol, f"{API}/groups/{group_id}/cancel/").status_code == 403
    assert Group.objects.get(pk=group_id).status == GroupStatus.DRAFT


# --- dave, trainer -------------------------------------------------------------------------


def test_a_trainer_sees_only_their_own_groups_and_sessions(
    as_dave: Client, at_a: Group, at_b: Group
) -> None:
    assert listed(as_dave, "groups") == [at_b.pk]
    assert set(listed(as_dave, "sessions")) == set(at_b.sessions.values_list("pk", flat=True))
    assert as_dave.get(f"{API}/groups/{at_a.pk}/").status_code == 404
    assert as_dave.get(f"{API}/sessions/{at_a.sessions.first().pk}/").status_code == 404
    assert listed(as_dave, "planning-requests") == []


def test_a_trainer_may_read_but_not_change_their_own_group(
    as_dave: Client, at_b: Group, kies: Any, school_b: Any
) -> None:
    session = at_b.sessions.first()
    assert as_dave.get(f"{API}/groups/{at_b.pk}/").status_code == 200
    assert as_dave.get(f"{API}/sessions/{session.pk}/").status_code == 200
    move = {"starts_at": "2027-01-14T10:00:00+01:00"}
    assert post(as_dave, f"{API}/sessions/{session.pk}/move/", move).status_code == 403
    assert post(as_dave, f"{API}/sessions/{session.pk}/cancel/").status_code == 403
    assert post(as_dave, f"{API}/groups/{at_b.pk}/cancel/").status_code == 403
    assert (
        post(as_dave, f"{API}/groups/{at_b.pk}/transition/", {"to": "published"}).status_code == 403
    )
    assert post(as_dave, f"{API}/groups/", {"programme": kies.pk}).status_code == 403
    assert Session.objects.get(pk=session.pk).revision == 0
    assert Group.objects.get(pk=at_b.pk).status == GroupStatus.DRAFT


# --- eve, no role; and nobody --------------------------------------------------------------


def test_someone_without_a_role_sees_nothing_and_may_change_nothing(
    as_eve: Client, at_a: Group, request_at_b: PlanningRequest, kies: Any, school_a: Any
) -> None:
    for resource in ("groups", "sessions", "planning-requests", "planner-runs"):
        assert listed(as_eve, resource) == []
    assert as_eve.get(f"{API}/groups/{at_a.pk}/").status_code == 404
    session = at_a.sessions.first()
    assert post(as_eve, f"{API}/groups/", {"programme": kies.pk}).status_code == 403
    assert post(as_eve, f"{API}/groups/{at_a.pk}/cancel/").status_code == 403
    assert post(as_eve, f"{API}/groups/preview/", {}).status_code == 403
    move = {"starts_at": "2027-01-14T10:00:00+01:00"}
    assert post(as_eve, f"{API}/sessions/{session.pk}/move/", move).status_code == 403
    assert post(as_eve, f"{API}/planning-requests/", {"school": school_a.pk}).status_code == 403
    assert post(as_eve, f"{API}/planning-requests/{request_at_b.pk}/withdraw/").status_code == 403
    assert post(as_eve, f"{API}/planner-runs/", {"school_year": "2026-2027"}).status_code == 403
    assert Group.objects.get(pk=at_a.pk).status == GroupStatus.DRAFT


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "groups/"),
        ("get", "groups/1/"),
        ("post", "groups/"),
        ("post", "groups/preview/"),
        ("post", "groups/1/transition/"),
        ("get", "sessions/"),
        ("post", "sessions/1/move/"),
        ("post", "sessions/1/conflicts/"),
        ("get", "planning-requests/"),
        ("post", "planning-requests/"),
        ("get", "planner-runs/"),
        ("post", "planner-runs/"),
        ("post", "planner-runs/1/accept/"),
    ],
)
def test_an_anonymous_caller_gets_401(client: Client, method: str, path: str) -> None:
    response = getattr(client, method)(f"{API}/{path}", content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")

"""Refused changes answer 409 with the conflicts; soft ones only the manager may accept.

The API's rule: every change refused because of conflicts is a 409 with
`{"detail", "conflicts", "can_override"}`, and nothing has changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from scheduler.models import ConflictOverride, Group, Session
from scheduler.services import group_create
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"
MONDAY = dt.date(2027, 1, 11)


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def children_only(kies: Any) -> Any:
    """KIES without parent evenings, so two groups of one trainer only meet by day."""
    kies.parent_meetings_before = kies.parent_meetings_after = 0
    kies.save()
    return kies


@pytest.fixture
def tessa(trainer_pair: Any) -> Any:
    return trainer_pair[0]


@pytest.fixture
def elsewhere(children_only: Any, year: Any, tessa: Any) -> Group:
    """Tessa teaches at another school on Mondays at 13:00."""
    return factories.make_group(
        children_only,
        school=factories.SchoolFactory(name="Basisschool Elders"),
        year=year,
        trainers=[tessa],
        first_date=MONDAY,
        weekday=0,
        start_time=dt.time(13, 0),
        round_label="voorjaar 2027",
    )


def group_at(programme: Any, school: Any, tessa: Any, start: str, **extra: Any) -> dict:
    return {
        "programme": programme.pk,
        "host_school": school.pk,
        "school_year": "2026-2027",
        "round_label": "voorjaar 2027",
        "weekday": 0,
        "start_time": start,
        "first_date": MONDAY.isoformat(),
        "trainers": [tessa.pk],
        **extra,
    }


def assert_conflict_answer(response: Any, kinds: set[str], *, can_override: bool) -> list[dict]:
    assert response.status_code == 409, response.json()
    body = response.json()
    assert set(body) == {"detail", "conflicts", "can_override"}
    assert body["can_override"] is can_override
    assert {c["kind"] for c in body["conflicts"]} == kinds
    for conflict in body["conflicts"]:
        assert set(conflict) == {
            "kind",
            "severity",
            "message",
            "starts_at",
            "trainer_id",
            "other_session_id",
        }
    return body["conflicts"]


def test_moving_onto_a_trainers_other_session_is_a_409_and_changes_nothing(
    as_alice: Client, elsewhere: Group, children_only: Any, year: Any, school_a: Any, tessa: Any
) -> None:
    own = group_create(
        programme=children_only,
        host_school=school_a,
        school_year=year,
        round_label="voorjaar 2027",
        weekday=2,
        start_time=dt.time(10, 0),
        first_date=dt.date(2027, 1, 13),
        trainers=[tessa],
    ).group
    session = own.sessions.get(sequence=1)
    before = (session.starts_at, session.ends_at, session.revision)

    response = post(
        as_alice,
        f"{API}/sessions/{session.pk}/move/",
        {"starts_at": "2027-01-11T13:30:00+01:00", "override_soft_conflicts": True},
    )
    [conflict] = assert_conflict_answer(response, {"trainer_overlap"}, can_override=False)
    assert conflict["severity"] == "hard"
    assert conflict["other_session_id"] == elsewhere.sessions.get(sequence=1).pk
    assert "Tessa Kok" in conflict["message"]
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.revision) == before
    assert not ConflictOverride.objects.exists()


def test_a_group_too_close_to_another_school_is_refused_until_the_manager_accepts(
    as_alice: Client, elsewhere: Group, children_only: Any, school_a: Any, tessa: Any, alice: Any
) -> None:
    payload = group_at(children_only, school_a, tessa, "14:15")

    refused = post(as_alice, f"{API}/groups/", payload)
    conflicts = assert_conflict_answer(refused, {"travel_buffer"}, can_override=True)
    assert {c["severity"] for c in conflicts} == {"soft"}
    assert "30 minuten" in conflicts[0]["message"]
    assert Group.objects.count() == 1

    accepted = post(as_alice, f"{API}/groups/", {**payload, "override_soft_conflicts": True})
    assert accepted.status_code == 201, accepted.json()
    group = Group.objects.get(pk=accepted.json()["id"])
    overrides = ConflictOverride.objects.filter(session__group=group)
    assert overrides.count() == 8
    assert {(o.kind, o.overridden_by) for o in overrides} == {("travel_buffer", alice)}
    shown = [o for s in accepted.json()["sessions"] for o in s["overrides"]]
    assert len(shown) == 8
    assert {o["overridden_by"] for o in shown} == {alice.pk}


def test_a_coordinator_cannot_accept_a_soft_conflict(
    as_bob: Client, elsewhere: Group, children_only: Any, school_a: Any, tessa: Any
) -> None:
    payload = group_at(children_only, school_a, tessa, "14:15", override_soft_conflicts=True)
    response = post(as_bob, f"{API}/groups/", payload)
    assert_conflict_answer(response, {"travel_buffer"}, can_override=False)
    assert Group.objects.count() == 1
    assert not ConflictOverride.objects.exists()


def test_a_soft_conflict_on_a_move_is_recorded_when_the_manager_accepts_it(
    as_alice: Client,
    as_bob: Client,
    elsewhere: Group,
    children_only: Any,
    year: Any,
    school_a: Any,
    tessa: Any,
    alice: Any,
) -> None:
    own = group_create(
        programme=children_only,
        host_school=school_a,
        school_year=year,
        round_label="voorjaar 2027",
        weekday=2,
        start_time=dt.time(10, 0),
        first_date=dt.date(2027, 1, 13),
        trainers=[tessa],
    ).group
    session = own.sessions.get(sequence=1)
    url = f"{API}/sessions/{session.pk}/move/"
    # Right after Tessa's 13:00-14:00 session at the other school: within the travel buffer.
    move = {"starts_at": "2027-01-11T14:15:00+01:00", "override_soft_conflicts": True}

    by_bob = post(as_bob, url, move)
    assert_conflict_answer(by_bob, {"travel_buffer"}, can_override=False)
    assert Session.objects.get(pk=session.pk).revision == 0

    without = post(as_alice, url, {**move, "override_soft_conflicts": False})
    assert_conflict_answer(without, {"travel_buffer"}, can_override=True)

    by_alice = post(as_alice, url, move)
    assert by_alice.status_code == 200, by_alice.json()
    body = by_alice.json()
    assert body["starts_at"] == "2027-01-11T14:15:00+01:00"
    assert [(o["kind"], o["overridden_by"]) for o in body["overrides"]] == [
        ("travel_buffer", alice.pk)
    ]
    assert ConflictOverride.objects.get().session_id == session.pk

"""Who sees and changes which enrolments through the staff API.

A trainer of another group and a coordinator of another school get 404 (the object
is out of their scope, so it does not exist for them); a user without a role sees
empty lists and gets 403 on everything else; an anonymous caller gets 401.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from enrolment.models import Enrolment, EnrolmentStatus
from tests import factories
from tests.enrolment.test_api_public_enrolment_flow import API, confirmed_enrolment
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


@pytest.fixture
def world(
    group: Any,
    host: Any,
    kies: Any,
    school_a: Any,
    school_b: Any,
    consent_text: Any,
    emitted: list[Any],
    dave: Any,
) -> dict[str, Any]:
    """`group` admits school A; Sam (school A, bob's pupil) is confirmed in it.

    Its own trainer is `group_trainer`; dave trains another group at school B.
    """
    group.admitted_schools.add(school_a)
    pupil = confirmed_enrolment(group, school_a, consent_text, emitted)
    other = make_published_group(kies, school_b)
    other.trainers.add(dave)
    session = group.sessions.order_by("starts_at").first()
    trainer = group.trainers.get().user
    return {"group": group, "pupil": pupil, "session": session, "trainer": trainer}


def clients(request: Any, world: dict[str, Any]) -> dict[str, Client]:
    """Logged in now (a test may have moved the clock past an earlier session's age)."""
    as_trainer = Client()
    as_trainer.force_login(world["trainer"])
    named = {"anonymous": Client(), "trainer": as_trainer}
    for name in ("alice", "bob", "carol", "dave", "eve"):
        named[name] = request.getfixturevalue(f"as_{name}")
    return named


READ_EXPECTATIONS = {
    "alice": 200,
    "bob": 200,
    "trainer": 200,
    "carol": 404,
    "dave": 404,
    "eve": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("who,expected", READ_EXPECTATIONS.items())
def test_an_enrolment_is_visible_only_within_scope(
    request: Any, world: dict[str, Any], who: str, expected: int
) -> None:
    client = clients(request, world)[who]
    answer = client.get(f"{API}/enrolments/{world['pupil'].public_id}/")
    assert answer.status_code == expected


GROUP_READ_EXPECTATIONS = {**READ_EXPECTATIONS, "eve": 403}


@pytest.mark.parametrize("who,expected", GROUP_READ_EXPECTATIONS.items())
@pytest.mark.parametrize("kind", ["rosters", "waitlists", "attendance"])
def test_rosters_waitlists_and_attendance_only_within_scope(
    request: Any, world: dict[str, Any], who: str, expected: int, kind: str
) -> None:
    client = clients(request, world)[who]
    target = world["session"].pk if kind == "attendance" else world["group"].pk
    assert client.get(f"{API}/{kind}/{target}/").status_code == expected


@pytest.mark.parametrize(
    "who,expected",
    {
        "alice": 1,
        "bob": 1,
        "trainer": 1,
        "carol": 0,
        "dave": 0,
        "eve": 0,
    }.items(),
)
def test_the_enrolment_list_holds_only_what_is_in_scope(
    request: Any, world: dict[str, Any], who: str, expected: int
) -> None:
    answer = clients(request, world)[who].get(f"{API}/enrolments/")
    assert answer.status_code == 200
    assert answer.json()["count"] == expected


def test_the_enrolment_list_needs_a_login(client: Client) -> None:
    assert client.get(f"{API}/enrolments/").status_code == 401


@pytest.mark.parametrize(
    "who,expected",
    {
        "alice": 200,
        "bob": 200,
        "trainer": 403,
        "carol": 404,
        "dave": 404,
        "eve": 403,
        "anonymous": 401,
    }.items(),
)
def test_withdrawing_is_for_the_schools_coordinator_and_the_manager(
    request: Any, world: dict[str, Any], who: str, expected: int
) -> None:
    client = clients(request, world)[who]
    answer = client.post(f"{API}/enrolments/{world['pupil'].public_id}/withdraw/")
    assert answer.status_code == expected
    status = Enrolment.objects.get(pk=world["pupil"].pk).status
    assert status == (EnrolmentStatus.WITHDRAWN if expected == 200 else EnrolmentStatus.CONFIRMED)


@pytest.mark.parametrize(
    "who,expected",
    {
        "alice": 200,
        "trainer": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "eve": 403,
        "anonymous": 401,
    }.items(),
)
def test_attendance_is_marked_by_the_groups_trainers_and_the_manager(
    request: Any, world: dict[str, Any], who: str, expected: int, _today: Any
) -> None:
    _today.move_to(world["session"].starts_at)
    body = {"records": [{"enrolment": str(world["pupil"].public_id), "status": "present"}]}
    answer = clients(request, world)[who].put(
        f"{API}/attendance/{world['session'].pk}/",
        json.dumps(body),
        content_type="application/json",
    )
    assert answer.status_code == expected, answer.content
    assert world["pupil"].attendance.count() == (1 if expected == 200 else 0)


def test_a_coordinator_sees_only_their_own_pupils_on_a_shared_roster(
    as_carol: Client, world: dict[str, Any], school_b: Any, consent_text: Any, emitted: list[Any]
) -> None:
    world["group"].admitted_schools.add(school_b)
    confirmed_enrolment(world["group"], school_b, consent_text, emitted, first="Noor")
    roster = as_carol.get(f"{API}/rosters/{world['group'].pk}/").json()
    assert [r["child"]["first_name"] for r in roster["participants"]] == ["Noor"]
    listed = as_carol.get(f"{API}/enrolments/").json()["results"]
    assert [e["child"]["first_name"] for e in listed] == ["Noor"]


def test_a_trainer_of_another_group_cannot_reach_it_by_filtering(
    as_dave: Client, world: dict[str, Any]
) -> None:
    answer = as_dave.get(f"{API}/enrolments/", {"group": world["group"].pk})
    assert answer.json()["count"] == 0


def test_a_malformed_public_id_is_a_404(as_alice: Client, world: dict[str, Any]) -> None:
    assert as_alice.get(f"{API}/enrolments/not-a-uuid/").status_code == 404
    assert (
        as_alice.get(f"{API}/enrolments/00000000-0000-0000-0000-000000000000/").status_code == 404
    )


def test_an_unknown_group_or_session_is_a_404(as_alice: Client, world: dict[str, Any]) -> None:
    assert as_alice.get(f"{API}/rosters/999999/").status_code == 404
    assert as_alice.get(f"{API}/attendance/999999/").status_code == 404
    factories.SchoolFactory()  # unrelated rows change nothing
    assert as_alice.get(f"{API}/waitlists/999999/").status_code == 404

"""Access ends when a role ends: a trainer set to inactive and a coordinator removed from
their school lose the children's names at once, in a session opened while they still had
the role (issue 15, item 5).

Every role check reads the role's current state on every request; nothing is kept in the
session or the cache. The people in the world (tests/security/world.py) are dave, trainer
of the group, and bob, coordinator of its host school; Sam de Boer is the child enrolled.
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from programmes import services as programme_services
from programmes.models import School
from tests.clock import on_day
from tests.security.world import TODAY, build_world

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

CHILD = "de Boer"


@pytest.fixture
def world(school_a: Any, bob: Any, dave: Any) -> dict[str, Any]:
    with time_machine.travel(TODAY, tick=False):
        return build_world(school_a=school_a, bob=bob, dave=dave)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def children_doors(world: dict[str, Any]) -> dict[str, str]:
    """The pages and API calls that show the group's children, by a short name."""
    group, session = world["group"], world["session"]
    return {
        "roster page": reverse("staff-roster", args=[group]),
        "attendance page": reverse("staff-attendance", args=[group, session]),
        "roster API": f"/api/v1/rosters/{group}/",
        "attendance API": f"/api/v1/attendance/{session}/",
        "enrolment API": reverse("enrolment-list"),
    }


def answers(client: Client, world: dict[str, Any]) -> dict[str, tuple[int, bool]]:
    """Per door: the status and whether the child's name was in the answer."""
    found = {}
    for name, path in children_doors(world).items():
        cache.clear()  # the API throttles must not be what answers
        response = client.get(path)
        found[name] = (response.status_code, CHILD in response.content.decode())
    return found


def test_the_trainer_sees_the_children_while_active(world: dict[str, Any], dave: Any) -> None:
    seen = answers(logged_in(dave.user), world)

    # Sam is not confirmed yet, so the attendance lists do not name them; the rosters do.
    assert {status for status, _ in seen.values()} == {200}, seen
    assert seen["roster page"] == seen["roster API"] == seen["enrolment API"] == (200, True)


def test_an_inactive_trainer_is_refused_the_children_in_an_open_session(
    world: dict[str, Any], alice: Any, dave: Any
) -> None:
    client = logged_in(dave.user)
    assert answers(client, world)["roster page"] == (200, True)

    cache.clear()
    patched = logged_in(alice).patch(
        f"/api/v1/trainers/{dave.pk}/", {"active": False}, content_type="application/json"
    )
    assert patched.status_code == 200
    seen = answers(client, world)

    assert not any(name_shown for _, name_shown in seen.values()), seen
    assert seen["roster page"][0] == 403
    assert seen["attendance page"][0] == 403
    assert seen["roster API"][0] == 403
    assert seen["attendance API"][0] == 403
    assert client.get(reverse("planning-my-schedule")).status_code == 403


def test_an_inactive_trainer_who_also_coordinates_keeps_only_the_coordinator_scope(
    world: dict[str, Any], dave: Any, school_b: Any
) -> None:
    school_b.coordinators.add(dave.user)  # another school: the group is not theirs to see
    programme_services.trainer_update(trainer=dave, active=False)

    seen = answers(logged_in(dave.user), world)

    assert not any(name_shown for _, name_shown in seen.values()), seen
    assert seen["roster page"][0] == 404
    assert seen["roster API"][0] == 404


def test_a_reactivated_trainer_sees_the_children_again(world: dict[str, Any], dave: Any) -> None:
    client = logged_in(dave.user)
    programme_services.trainer_update(trainer=dave, active=False)
    assert answers(client, world)["roster page"][0] == 403

    programme_services.trainer_update(trainer=dave, active=True)

    assert answers(client, world)["roster page"] == (200, True)


def test_a_former_coordinator_is_refused_the_children_in_an_open_session(
    world: dict[str, Any], bob: Any
) -> None:
    client = logged_in(bob)
    assert answers(client, world)["roster page"] == (200, True)

    for school in School.objects.filter(coordinators=bob):
        programme_services.school_update(
            school=school, coordinators=school.coordinators.exclude(pk=bob.pk)
        )
    seen = answers(client, world)

    assert not any(name_shown for _, name_shown in seen.values()), seen
    assert seen["roster page"][0] == 403
    assert seen["roster API"][0] == 403


def test_a_coordinator_removed_from_one_school_loses_that_school_only(
    world: dict[str, Any], bob: Any, school_a: Any
) -> None:
    client = logged_in(bob)
    assert answers(client, world)["roster page"] == (200, True)

    programme_services.school_update(school=school_a, coordinators=[])
    seen = answers(client, world)

    # Still coordinator of the VO school, so a coordinator: school A's group is now absent.
    assert not any(name_shown for _, name_shown in seen.values()), seen
    assert seen["roster page"][0] == 404
    assert seen["roster API"][0] == 404

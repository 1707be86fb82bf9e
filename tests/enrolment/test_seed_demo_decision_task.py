"""`seed_demo_groups` leaves a decision for the demo's coordinator and manager on whatever day
it runs: a KIES group below its minimum whose decision day has come, on both start pages,
and a group of the same round at a nearby school to pool it with."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from scheduler.models import GroupStatus
from scheduler.selectors import groups_below_minimum, pool_candidates
from tests.clock import moment

pytestmark = pytest.mark.django_db

# A day in term and one in the summer holiday (the first session follows the holiday). The
# enrolment tests' clock stands still elsewhere, so each test travels itself.
DAYS = ["2026-12-06", "2027-07-20"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--demo", stdout=StringIO())
    call_command("seed_demo_groups", "--demo", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("day", DAYS)
def test_the_demo_has_a_group_below_its_minimum_on_its_decision_day_with_a_pool_candidate(
    day: str, client
) -> None:
    today = dt.date.fromisoformat(day)
    with time_machine.travel(moment(today), tick=False):
        _the_demo_leaves_a_decision(today, client)


def _the_demo_leaves_a_decision(today: dt.date, client) -> None:
    out = seed()
    coordinator = get_user_model().objects.get(username="coordinator")
    [small] = groups_below_minimum(coordinator, today=today)
    assert small.programme.code == "kies" and small.host_school.brin == "27VB"
    assert small.status == GroupStatus.PUBLISHED
    assert small.children == 2 < small.programme.group_size_min
    assert small.decision_day <= today < small.first_date
    assert small.enrolment_opens_on <= today <= small.enrolment_closes_on
    assert "below its minimum on its decision day" in out

    [candidate] = pool_candidates(small)
    assert candidate.host_school.brin == "30SF"
    assert candidate.children == 3
    assert candidate.capacity >= small.children + candidate.children
    assert candidate.decision_day > today  # not a task of its own yet
    assert {g.pk for g in groups_below_minimum(today=today)} == {small.pk}

    decide = reverse("planning-group-decide", args=[small.pk])
    for username, page in (("coordinator", "start-coordinator"), ("beheerder", "start-manager")):
        client.force_login(get_user_model().objects.get(username=username))
        assert f'href="{decide}"' in client.get(reverse(page)).content.decode(), username

    assert "nothing new" in seed()
    assert [g.pk for g in groups_below_minimum(today=today)] == [small.pk]

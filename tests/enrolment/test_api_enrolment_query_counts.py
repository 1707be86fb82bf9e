"""Every list endpoint of the enrolment API costs the same number of queries for 2 rows
as for 12."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enrolment import events
from enrolment.services import GuardianInput, email_confirm, submission_create
from tests import factories
from tests.enrolment.world import child, make_published_group
from tests.factories import letters

pytestmark = pytest.mark.django_db

API = "/api/v1"
_families = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


def enrol(group: Any, school: Any, consent_text: Any, emitted: list[Any], n: int) -> None:
    """`n` children, each of a parent with sole authority who confirms at once."""
    for _i in range(n):
        family = next(_families)
        before = len(emitted)
        submission_create(
            children=[child(group, school, first=f"Kind{letters(family)}")],
            enroller=GuardianInput(
                name=f"Ouder {letters(family).title()}",
                email=f"ouder{family}@example.org",
                authority="sole",
            ),
            consent_text=consent_text,
        )
        received = [e for e in emitted[before:] if isinstance(e, events.EnrolmentReceived)]
        email_confirm(token=received[0].confirm_token, consent_given=True)


@pytest.fixture
def big(host: Any) -> Any:
    """A group with room for every child these tests add."""
    programme = factories.ProgrammeFactory(
        code="kies-groot",
        age_min=7,
        age_max=17,
        grade_min=1,
        grade_max=8,
        group_size_max=20,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )
    return make_published_group(programme, host, capacity=20)


def queries(client: Client, url: str) -> tuple[int, Any]:
    cache.clear()  # the throttle's cache is not a database query, but keep runs alike
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response


def assert_flat(
    client: Client, url: Callable[[], str], add: Callable[[int], None], rows: Callable[[Any], int]
) -> None:
    add(2)
    small, response = queries(client, url())
    assert rows(response) == 2
    add(10)
    large, response = queries(client, url())
    assert rows(response) == 12
    assert large == small, f"{url()}: {small} queries for 2 rows, {large} for 12"


def test_public_school_search(client: Client) -> None:
    def add(n: int) -> None:
        for _i in range(n):
            factories.SchoolFactory(name=f"Zoekschool {next(_families)}")

    assert_flat(
        client,
        lambda: f"{API}/public/schools/?search=Zoekschool",
        add,
        lambda r: len(r.json()["results"]),
    )


def test_public_groups_of_a_school(
    client: Client, kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    def add(n: int) -> None:
        for _i in range(n):
            group = make_published_group(kies, host, capacity=3)
            enrol(group, host, consent_text, emitted, 1)

    assert_flat(
        client, lambda: f"{API}/public/schools/{host.pk}/groups/", add, lambda r: len(r.json())
    )


def test_staff_enrolment_list(
    as_alice: Client, big: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    assert_flat(
        as_alice,
        lambda: f"{API}/enrolments/",
        lambda n: enrol(big, host, consent_text, emitted, n),
        lambda r: r.json()["count"],
    )


def test_a_coordinators_enrolment_list(
    as_bob: Client, big: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    big.admitted_schools.add(school_a)
    assert_flat(
        as_bob,
        lambda: f"{API}/enrolments/",
        lambda n: enrol(big, school_a, consent_text, emitted, n),
        lambda r: r.json()["count"],
    )


def test_roster(
    as_alice: Client, big: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    assert_flat(
        as_alice,
        lambda: f"{API}/rosters/{big.pk}/",
        lambda n: enrol(big, host, consent_text, emitted, n),
        lambda r: len(r.json()["participants"]),
    )


def test_waitlist(
    as_alice: Client, kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    full = make_published_group(kies, host, capacity=1)
    enrol(full, host, consent_text, emitted, 1)
    assert_flat(
        as_alice,
        lambda: f"{API}/waitlists/{full.pk}/",
        lambda n: enrol(full, host, consent_text, emitted, n),
        lambda r: len(r.json()),
    )


def test_attendance_sheet(
    as_alice: Client, big: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    session = big.sessions.order_by("starts_at").first()

    def add(n: int) -> None:
        enrol(big, host, consent_text, emitted, n)

    assert_flat(
        as_alice,
        lambda: f"{API}/attendance/{session.pk}/",
        add,
        lambda r: len(r.json()["rows"]),
    )

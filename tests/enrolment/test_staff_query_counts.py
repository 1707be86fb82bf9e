"""Staff pages fetch with a fixed number of queries, however many children a group has."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment.models import AttendanceStatus
from enrolment.services import attendance_record, interest_register
from tests.enrolment.staff_support import AFTER_THIRD_SESSION, enrol_many, query_count
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(kies: Any, host: Any, school_a: Any, dave: Any) -> Any:
    group = make_published_group(kies, host, capacity=8, admitted_schools=[school_a])
    group.trainers.add(dave)
    return group


ROSTER_PAGES = ["staff-roster", "staff-roster-csv", "staff-roster-xlsx", "staff-roster-print"]


@pytest.mark.parametrize("url_name", ROSTER_PAGES)
@pytest.mark.parametrize("persona", ["as_alice", "as_bob", "as_dave"])
def test_a_roster_with_12_children_takes_as_many_queries_as_one_with_2(
    url_name: str,
    persona: str,
    shared: Any,
    school_a: Any,
    consent_text: Any,
    emitted: Any,
    request: pytest.FixtureRequest,
) -> None:
    client: Client = request.getfixturevalue(persona)
    url = reverse(url_name, args=[shared.pk])
    enrol_many(shared, school_a, consent_text, emitted, 2, prefix="A")
    assert client.get(url).status_code == 200
    few = query_count(lambda: client.get(url))
    # ten more: six take the remaining seats, four go on the waitlist
    enrol_many(shared, school_a, consent_text, emitted, 10, prefix="B")
    with_waitlist = query_count(lambda: client.get(url))
    assert with_waitlist == few


def test_the_attendance_page_and_flags_stay_flat(
    shared: Any, school_a: Any, consent_text: Any, emitted: Any, dave: Any, _today: Any
) -> None:
    sessions = list(shared.sessions.filter(kind="child").order_by("starts_at")[:3])
    attendance_url = reverse("staff-attendance", args=[shared.pk, sessions[2].pk])
    roster_url = reverse("staff-roster", args=[shared.pk])

    def absent_twice(children: list[Any]) -> None:
        _today.move_to(AFTER_THIRD_SESSION)
        for session in sessions[1:]:
            attendance_record(
                session=session,
                marks={c.pk: (AttendanceStatus.ABSENT, "") for c in children},
                recorded_by=dave.user,
            )

    def counts() -> tuple[int, int]:
        client = Client()
        client.force_login(dave.user)  # after moving the clock: the log-in stays fresh
        assert client.get(attendance_url).status_code == 200
        return query_count(lambda: client.get(attendance_url)), query_count(
            lambda: client.get(roster_url)
        )

    absent_twice(enrol_many(shared, school_a, consent_text, emitted, 2, prefix="A"))
    few = counts()
    _today.move_to(AFTER_THIRD_SESSION.replace(month=10, day=1))  # enrolment is open again
    absent_twice(enrol_many(shared, school_a, consent_text, emitted, 6, prefix="B"))
    assert counts() == few


@pytest.mark.parametrize("persona", ["as_alice", "as_bob"])
def test_the_overview_takes_as_many_queries_for_12_pupils_as_for_2(
    persona: str,
    shared: Any,
    kies: Any,
    school_a: Any,
    consent_text: Any,
    emitted: Any,
    request: pytest.FixtureRequest,
) -> None:
    client: Client = request.getfixturevalue(persona)
    url = reverse("staff-overview")
    enrol_many(shared, school_a, consent_text, emitted, 2, prefix="A")
    interest_register(school=school_a, programme=kies)
    assert client.get(url).status_code == 200
    few = query_count(lambda: client.get(url))
    enrol_many(shared, school_a, consent_text, emitted, 10, prefix="B")
    other = make_published_group(kies, school_a)
    enrol_many(other, school_a, consent_text, emitted, 3, prefix="C")
    for _ in range(4):
        interest_register(school=school_a, programme=kies)
    assert query_count(lambda: client.get(url)) == few


def test_the_trainers_overview_stays_flat_with_more_groups(
    kies: Any, host: Any, dave: Any, as_dave: Client
) -> None:
    make_published_group(kies, host).trainers.add(dave)
    assert as_dave.get(reverse("staff-overview")).status_code == 200
    few = query_count(lambda: as_dave.get(reverse("staff-overview")))
    for _ in range(4):
        make_published_group(kies, host).trainers.add(dave)
    assert query_count(lambda: as_dave.get(reverse("staff-overview"))) == few

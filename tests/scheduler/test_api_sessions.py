"""Sessions through the API: the schedule with its filters, moving, cancelling, checking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from scheduler.models import Group, Session, SessionStatus
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def group(kies: Any, year: Any, school_a: Any, trainer_pair: Any) -> Group:
    return factories.make_group(
        kies, year=year, school=school_a, trainers=trainer_pair, first_date=dt.date(2027, 1, 11)
    )


def child(group: Group, sequence: int) -> Session:
    return group.sessions.get(kind="child", sequence=sequence)


def ids(client: Client, **params: Any) -> list[int]:
    response = client.get(f"{API}/sessions/", params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_the_schedule_filters_by_group_days_trainer_and_school(
    as_alice: Client, kies: Any, year: Any, school_a: Any, school_b: Any, trainer_pair: Any
) -> None:
    tessa, umar = trainer_pair
    at_a = factories.make_group(
        kies, year=year, school=school_a, trainers=[tessa], first_date=dt.date(2027, 1, 11)
    )
    at_b = factories.make_group(
        kies,
        year=year,
        school=school_b,
        trainers=[umar],
        weekday=2,
        first_date=dt.date(2027, 1, 13),
    )
    a_ids = list(at_a.sessions.values_list("pk", flat=True))
    b_ids = list(at_b.sessions.values_list("pk", flat=True))

    assert ids(as_alice, group=at_a.pk) == a_ids
    assert ids(as_alice, trainer=umar.pk) == b_ids
    assert ids(as_alice, school=school_a.pk) == a_ids
    # Amsterdam days, both ends inclusive: Monday 18 and Wednesday 20 January.
    assert ids(as_alice, **{"from": "2027-01-18", "to": "2027-01-20"}) == [
        child(at_a, 1).pk,
        child(at_b, 1).pk,
    ]
    # The parent evening of 11 January (19:30) is on that day, however late.
    assert ids(as_alice, **{"from": "2027-01-11", "to": "2027-01-11"}) == [a_ids[0]]
    assert ids(as_alice, kind="parent", group=at_b.pk) == [b_ids[0], b_ids[-1]]

    row = as_alice.get(f"{API}/sessions/{a_ids[1]}/").json()
    assert row["group"] == at_a.pk
    assert row["host_school"]["id"] == school_a.pk
    assert row["programme"]["code"] == "kies-test"
    assert row["trainers"] == [{"id": tessa.pk, "display_name": "Tessa Kok"}]
    assert row["starts_at"] == "2027-01-18T13:00:00+01:00"


def test_an_invalid_day_filter_is_a_400_naming_it(as_alice: Client) -> None:
    response = as_alice.get(f"{API}/sessions/", {"from": "gisteren"})
    assert response.status_code == 400
    assert list(response.json()) == ["from"]


def test_the_manager_moves_a_session_and_it_keeps_its_length(
    as_alice: Client, group: Group
) -> None:
    session = child(group, 3)
    response = post(
        as_alice,
        f"{API}/sessions/{session.pk}/move/",
        {"starts_at": "2027-02-03T10:00:00+01:00"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["starts_at"], body["ends_at"]) == (
        "2027-02-03T10:00:00+01:00",
        "2027-02-03T11:00:00+01:00",
    )
    assert body["revision"] == 1
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2027, 2, 3, 9, tzinfo=dt.UTC)
    assert session.revision == 1


def test_a_move_that_ends_before_it_starts_is_refused(as_alice: Client, group: Group) -> None:
    session = child(group, 3)
    response = post(
        as_alice,
        f"{API}/sessions/{session.pk}/move/",
        {"starts_at": "2027-02-03T10:00:00+01:00", "ends_at": "2027-02-03T09:00:00+01:00"},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"ends_at"}
    assert Session.objects.get(pk=session.pk).revision == 0


def test_cancelling_a_session_with_a_replacement_adds_one_after_the_series(
    as_alice: Client, group: Group
) -> None:
    session = child(group, 2)
    last_child = child(group, 8)
    evening = group.sessions.get(kind="parent", sequence=2)
    # The parent evening of 22 March follows the children: with no week free before it the
    # replacement is refused, and the answer says to move the evening first.
    refused = post(as_alice, f"{API}/sessions/{session.pk}/cancel/", {"add_replacement": True})
    assert refused.status_code == 400
    assert "Verplaats eerst die ouderbijeenkomst" in str(refused.json())
    moved = post(
        as_alice, f"{API}/sessions/{evening.pk}/move/", {"starts_at": "2027-04-05T19:30:00+02:00"}
    )
    assert moved.status_code == 200, moved.json()
    response = post(as_alice, f"{API}/sessions/{session.pk}/cancel/", {"add_replacement": True})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["cancelled"]["id"] == session.pk
    assert body["cancelled"]["status"] == "cancelled"
    assert body["cancelled"]["revision"] == 1
    replacement = body["replacement"]
    assert replacement["replaces"] == session.pk
    assert replacement["kind"] == "child" and replacement["sequence"] == 9
    assert last_child.starts_at.date() == dt.date(2027, 3, 15)
    # The week the evening left, before the evening (29 March is Easter Monday).
    assert replacement["starts_at"] == "2027-03-22T13:00:00+01:00"
    assert group.sessions.filter(status=SessionStatus.SCHEDULED).count() == 10


def test_cancelling_a_session_without_a_replacement_adds_none(
    as_alice: Client, group: Group
) -> None:
    session = child(group, 2)
    response = post(as_alice, f"{API}/sessions/{session.pk}/cancel/")
    assert response.status_code == 200, response.json()
    assert response.json()["replacement"] is None
    assert group.sessions.count() == 10
    assert post(as_alice, f"{API}/sessions/{session.pk}/cancel/").status_code == 400


def test_the_conflict_check_lists_conflicts_and_saves_nothing(
    as_alice: Client, kies: Any, year: Any, school_b: Any, group: Group, trainer_pair: Any
) -> None:
    other = factories.make_group(
        kies,
        year=year,
        school=school_b,
        trainers=[trainer_pair[0]],
        weekday=1,
        first_date=dt.date(2027, 1, 12),
    )
    session = child(group, 1)
    url = f"{API}/sessions/{session.pk}/conflicts/"

    # Tuesday 19 January at 13:00 is when the other group meets with Tessa.
    response = post(as_alice, url, {"starts_at": "2027-01-19T13:00:00+01:00"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["can_override"] is False
    [overlap] = body["conflicts"]
    assert overlap["kind"] == "trainer_overlap"
    assert overlap["severity"] == "hard"
    assert overlap["trainer_id"] == trainer_pair[0].pk
    assert overlap["other_session_id"] == child(other, 1).pk
    assert overlap["starts_at"] == "2027-01-19T13:00:00+01:00"
    assert "Tessa Kok geeft op dinsdag 19 januari 2027 13:00 al" in overlap["message"]

    # Christmas: the school is closed.
    closed = post(as_alice, url, {"starts_at": "2026-12-22T13:00:00+01:00"}).json()
    assert [c["kind"] for c in closed["conflicts"]] == ["school_closed"]

    # A free slot: no conflicts.
    free = post(as_alice, url, {"starts_at": "2027-01-20T10:00:00+01:00"}).json()
    assert free == {"conflicts": [], "can_override": False}

    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2027, 1, 18, 12, tzinfo=dt.UTC)
    assert session.revision == 0

"""The programme manager plans groups through the API: create, read, list, change, preview."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from programmes.models import SchoolType
from scheduler.models import Group, GroupStatus, Session, SessionStatus
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"
MONDAY_11_JAN_2027 = dt.date(2027, 1, 11)
# The spring holiday of regio noord in 2027 runs 20 to 28 February.
SPRING_HOLIDAY_MONDAY = "2027-02-22"


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def new_group_payload(kies: Any, school: Any, trainers: list[Any], **extra: Any) -> dict:
    return {
        "programme": kies.pk,
        "host_school": school.pk,
        "school_year": "2026-2027",
        "round_label": "voorjaar 2027",
        "weekday": 0,
        "start_time": "13:00",
        "first_date": "2027-01-11",
        "trainers": [t.pk for t in trainers],
        **extra,
    }


def test_the_manager_creates_a_group_whose_sessions_skip_the_spring_holiday(
    as_alice: Client, kies: Any, year: Any, school_a: Any, school_b: Any, trainer_pair: Any
) -> None:
    response = post(
        as_alice,
        f"{API}/groups/",
        new_group_payload(kies, school_a, trainer_pair, admitted_schools=[school_b.pk], room="3"),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    group = Group.objects.get()
    assert body["id"] == group.pk
    assert body["status"] == "draft"
    assert body["capacity"] == 10  # the programme's maximum
    assert body["school_year"] == "2026-2027"
    assert {t["display_name"] for t in body["trainers"]} == {"Tessa Kok", "Umar Ali"}
    assert {s["id"] for s in body["admitted_schools"]} == {school_a.pk, school_b.pk}
    assert body["admits_host_only"] is False
    assert body["session_count"] == 10
    assert [s["kind"] for s in body["sessions"]] == ["parent"] + ["child"] * 8 + ["parent"]
    days = [s["starts_at"][:10] for s in body["sessions"]]
    assert SPRING_HOLIDAY_MONDAY not in days
    assert days[0] == "2027-01-11" and body["sessions"][0]["starts_at"].endswith("19:30:00+01:00")
    assert body["sessions"][1]["starts_at"] == "2027-01-18T13:00:00+01:00"
    assert group.created_by.username == "alice"
    assert group.sessions.count() == 10


def test_a_group_that_breaks_a_rule_is_refused_with_field_messages(
    as_alice: Client, kies: Any, year: Any, school_a: Any, trainer_pair: Any
) -> None:
    # 12 January 2027 is a Tuesday, not the chosen Monday.
    response = post(
        as_alice,
        f"{API}/groups/",
        new_group_payload(kies, school_a, trainer_pair, first_date="2027-01-12", capacity=12),
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"capacity", "first_date"}
    assert "18-01-2027" in body["first_date"][0]
    assert not Group.objects.exists()


def test_the_group_detail_shows_trainers_admitted_schools_and_sessions(
    as_alice: Client, kies: Any, year: Any, school_a: Any, trainer_pair: Any
) -> None:
    group = factories.make_group(
        kies, year=year, school=school_a, trainers=trainer_pair, first_date=MONDAY_11_JAN_2027
    )
    body = as_alice.get(f"{API}/groups/{group.pk}/").json()
    assert body["programme"] == {"id": kies.pk, "code": "kies-test", "name": "KIES"}
    assert body["host_school"]["name"] == "Basisschool De Esch"
    assert [s["id"] for s in body["admitted_schools"]] == [school_a.pk]
    assert len(body["trainers"]) == 2
    assert len(body["sessions"]) == 10
    first = body["sessions"][0]
    assert set(first) >= {"uid", "kind", "sequence", "starts_at", "ends_at", "status", "revision"}


def test_the_group_list_filters_by_year_programme_school_status_and_trainer(
    as_alice: Client, kies: Any, think: Any, year: Any, school_a: Any, school_b: Any
) -> None:
    # A special-education school hosts programmes of primary and secondary schools alike.
    school_b.school_type = SchoolType.SO
    school_b.save()
    tessa, umar = (factories.TrainerFactory(qualifications=[kies, think]) for _ in range(2))
    at_a = factories.make_group(
        kies, year=year, school=school_a, trainers=[tessa], first_date=MONDAY_11_JAN_2027
    )
    at_b = factories.make_group(
        kies,
        year=year,
        school=school_b,
        trainers=[umar],
        first_date=MONDAY_11_JAN_2027,
        round_label="najaar 2027",
    )
    think_at_b = factories.make_group(
        think,
        year=year,
        school=school_b,
        trainers=[umar],
        first_date=MONDAY_11_JAN_2027,
        start_time=dt.time(9, 0),
        class_name="1B",
        class_size=28,
        mentor_name="Mevr. de Boer",
    )
    Group.objects.filter(pk=at_b.pk).update(status=GroupStatus.PUBLISHED)

    def ids(**params: Any) -> list[int]:
        response = as_alice.get(f"{API}/groups/", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [at_a.pk, at_b.pk, think_at_b.pk]  # by first date, then as created
    assert ids(school_year="2026-2027", programme=think.pk) == [think_at_b.pk]
    assert ids(school_year="2027-2028") == []
    assert set(ids(host_school=school_b.pk)) == {at_b.pk, think_at_b.pk}
    assert ids(status="published") == [at_b.pk]
    assert ids(trainer=tessa.pk) == [at_a.pk]
    assert set(ids(trainer=umar.pk)) == {at_b.pk, think_at_b.pk}
    assert ids(search="najaar") == [at_b.pk]
    assert ids(search="1B") == [think_at_b.pk]
    assert ids(ordering="round_label")[0] == at_b.pk  # "najaar" before "voorjaar"
    listed = as_alice.get(f"{API}/groups/", {"trainer": umar.pk}).json()["results"]
    assert {row["session_count"] for row in listed} == {10, 6}
    assert listed[0]["trainers"] == [{"id": umar.pk, "display_name": umar.display_name}]


def test_the_manager_publishes_a_group_but_cannot_skip_ahead_to_completed(
    as_alice: Client, kies: Any, year: Any, school_a: Any, trainer_pair: Any
) -> None:
    group = factories.make_group(
        kies, year=year, school=school_a, trainers=trainer_pair, first_date=MONDAY_11_JAN_2027
    )
    url = f"{API}/groups/{group.pk}/transition/"

    published = post(as_alice, url, {"to": "published"})
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"

    refused = post(as_alice, url, {"to": "completed"})
    assert refused.status_code == 400
    assert "afgerond" in refused.json()["non_field_errors"][0]
    assert post(as_alice, url, {"to": "finished"}).status_code == 400
    group.refresh_from_db()
    assert group.status == GroupStatus.PUBLISHED


def test_cancelling_a_group_cancels_its_sessions(
    as_alice: Client, kies: Any, year: Any, school_a: Any, trainer_pair: Any
) -> None:
    group = factories.make_group(
        kies, year=year, school=school_a, trainers=trainer_pair, first_date=MONDAY_11_JAN_2027
    )
    response = post(as_alice, f"{API}/groups/{group.pk}/cancel/", {"reason": "Te weinig kinderen"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["session_count"] == 0
    assert {s["status"] for s in body["sessions"]} == {"cancelled"}
    assert not Session.objects.filter(status=SessionStatus.SCHEDULED).exists()
    # A cancelled group stays cancelled.
    assert post(as_alice, f"{API}/groups/{group.pk}/cancel/").status_code == 400


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_the_manager_replaces_a_trainer_on_the_coming_sessions(
    as_alice: Client, kies: Any, year: Any, school_a: Any, trainer_pair: Any
) -> None:
    tessa, umar = trainer_pair
    group = factories.make_group(
        kies, year=year, school=school_a, trainers=trainer_pair, first_date=MONDAY_11_JAN_2027
    )
    vera = factories.TrainerFactory(
        user=factories.UserFactory(first_name="Vera", last_name="Smit"), qualifications=[kies]
    )
    response = post(
        as_alice, f"{API}/groups/{group.pk}/replace-trainer/", {"old": umar.pk, "new": vera.pk}
    )
    assert response.status_code == 200, response.json()
    assert {t["display_name"] for t in response.json()["trainers"]} == {"Tessa Kok", "Vera Smit"}
    assert set(group.trainers.all()) == {tessa, vera}
    assert {s["revision"] for s in response.json()["sessions"]} == {1}


def test_replacing_a_trainer_who_is_not_on_the_group_is_refused(
    as_alice: Client, kies: Any, year: Any, school_a: Any, trainer_pair: Any
) -> None:
    tessa, umar = trainer_pair
    group = factories.make_group(
        kies, year=year, school=school_a, trainers=[tessa], first_date=MONDAY_11_JAN_2027
    )
    unqualified = factories.TrainerFactory()
    url = f"{API}/groups/{group.pk}/replace-trainer/"

    stranger = post(as_alice, url, {"old": umar.pk, "new": umar.pk})
    assert stranger.status_code == 400
    assert set(stranger.json()) == {"old"}

    response = post(as_alice, url, {"new": unqualified.pk})
    assert response.status_code == 400
    assert "niet gekwalificeerd" in response.json()["trainers"][0]
    assert list(group.trainers.all()) == [tessa]


def test_the_preview_shows_sessions_skipped_dates_and_conflicts_but_saves_nothing(
    as_alice: Client, kies: Any, year: Any, school_a: Any, school_b: Any, trainer_pair: Any
) -> None:
    factories.make_group(
        kies, year=year, school=school_b, trainers=trainer_pair, first_date=MONDAY_11_JAN_2027
    )
    payload = {
        "programme": kies.pk,
        "host_school": school_a.pk,
        "weekday": 0,
        "start_time": "13:30",
        "first_date": "2027-01-11",
        "trainers": [trainer_pair[0].pk],
    }
    response = post(as_alice, f"{API}/groups/preview/", payload)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["sessions"]) == 10
    assert body["sessions"][1] == {
        "kind": "child",
        "sequence": 1,
        "starts_at": "2027-01-18T13:30:00+01:00",
        "ends_at": "2027-01-18T14:30:00+01:00",
    }
    skipped = {row["date"]: row["reasons"] for row in body["skipped"]}
    assert "Voorjaarsvakantie" in " ".join(skipped[SPRING_HOLIDAY_MONDAY])
    kinds = {c["kind"] for c in body["conflicts"]}
    assert "trainer_overlap" in kinds
    overlap = next(c for c in body["conflicts"] if c["kind"] == "trainer_overlap")
    assert overlap["severity"] == "hard"
    assert overlap["trainer_id"] == trainer_pair[0].pk
    assert Session.objects.filter(pk=overlap["other_session_id"]).exists()
    assert "Tessa Kok" in overlap["message"]
    assert Group.objects.count() == 1
    assert Session.objects.count() == 10

"""Coordinators ask for programmes at their own school; the programme manager sees every request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.relations import PrimaryKeyRelatedField

from scheduler.models import PlanningRequest, PlanningRequestStatus
from scheduler.services import planning_request_create
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def does_not_exist(pk: int) -> str:
    """DRF's answer for an id that does not exist (in Dutch, the API's default language)."""
    with translation.override("nl"):
        return str(PrimaryKeyRelatedField.default_error_messages["does_not_exist"]).format(
            pk_value=pk
        )


def payload(kies: Any, school: Any, **extra: Any) -> dict[str, Any]:
    return {
        "school": school.pk,
        "programme": kies.pk,
        "school_year": "2026-2027",
        "round_label": "voorjaar 2027",
        "window_start": "2027-01-11",
        "window_end": "2027-04-30",
        "preferred_weekdays": [1, 3],
        "earliest_start": "09:00",
        "latest_start": "14:00",
        "expected_children": 8,
        **extra,
    }


def make_request(kies: Any, year: Any, school: Any) -> PlanningRequest:
    coordinator = school.coordinators.first() or factories.UserFactory()
    return planning_request_create(
        school=school,
        programme=kies,
        school_year=year,
        round_label="voorjaar 2027",
        window_start=dt.date(2027, 1, 11),
        window_end=dt.date(2027, 4, 30),
        preferred_weekdays=[0],
        expected_children=7,
        requested_by=coordinator,
    )


def test_a_coordinator_asks_for_a_programme_at_their_own_school(
    as_bob: Client, bob: Any, kies: Any, year: Any, school_a: Any
) -> None:
    response = post(as_bob, f"{API}/planning-requests/", payload(kies, school_a))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open"
    assert body["school_name"] == "Basisschool De Esch"
    assert body["programme_name"] == "KIES"
    assert body["preferred_weekdays"] == [1, 3]
    assert body["requested_by"] == bob.pk
    stored = PlanningRequest.objects.get()
    assert (stored.school, stored.requested_by, stored.expected_children) == (school_a, bob, 8)
    assert as_bob.get(f"{API}/planning-requests/{stored.pk}/").json()["id"] == stored.pk


def test_a_coordinator_naming_another_school_gets_the_nonexistent_answer(
    as_bob: Client, kies: Any, year: Any, school_b: Any
) -> None:
    out_of_scope = post(as_bob, f"{API}/planning-requests/", payload(kies, school_b))
    nonexistent = post(
        as_bob, f"{API}/planning-requests/", {**payload(kies, school_b), "school": 999_999}
    )
    assert (out_of_scope.status_code, nonexistent.status_code) == (400, 400)
    assert out_of_scope.json() == {"school": [does_not_exist(school_b.pk)]}
    assert nonexistent.json() == {"school": [does_not_exist(999_999)]}
    assert not PlanningRequest.objects.exists()


def test_a_request_outside_the_school_year_or_without_weekdays_is_refused(
    as_bob: Client, kies: Any, year: Any, school_a: Any
) -> None:
    outside = post(
        as_bob, f"{API}/planning-requests/", payload(kies, school_a, window_end="2027-09-30")
    )
    assert outside.status_code == 400
    assert "2026-2027" in outside.json()["window_start"][0]
    no_days = post(
        as_bob, f"{API}/planning-requests/", payload(kies, school_a, preferred_weekdays=[])
    )
    assert no_days.status_code == 400
    assert set(no_days.json()) == {"preferred_weekdays"}
    saturday = post(
        as_bob, f"{API}/planning-requests/", payload(kies, school_a, preferred_weekdays=[5])
    )
    assert saturday.status_code == 400
    assert not PlanningRequest.objects.exists()


def test_the_manager_sees_every_request_and_a_coordinator_only_their_schools(
    as_alice: Client, as_bob: Client, kies: Any, year: Any, school_a: Any, school_b: Any
) -> None:
    at_a = make_request(kies, year, school_a)
    at_b = make_request(kies, year, school_b)
    listed = as_alice.get(f"{API}/planning-requests/").json()
    assert [row["id"] for row in listed["results"]] == [at_a.pk, at_b.pk]
    filtered = as_alice.get(f"{API}/planning-requests/", {"school": school_b.pk}).json()
    assert [row["id"] for row in filtered["results"]] == [at_b.pk]

    own = as_bob.get(f"{API}/planning-requests/").json()
    assert [row["id"] for row in own["results"]] == [at_a.pk]
    assert as_bob.get(f"{API}/planning-requests/{at_b.pk}/").status_code == 404


def test_a_coordinator_withdraws_their_open_request_once(
    as_bob: Client, kies: Any, year: Any, school_a: Any
) -> None:
    request = make_request(kies, year, school_a)
    url = f"{API}/planning-requests/{request.pk}/withdraw/"
    response = post(as_bob, url)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "withdrawn"
    request.refresh_from_db()
    assert request.status == PlanningRequestStatus.WITHDRAWN
    again = post(as_bob, url)
    assert again.status_code == 400
    assert again.json()["non_field_errors"]


def test_a_coordinator_cannot_withdraw_another_schools_request(
    as_bob: Client, kies: Any, year: Any, school_b: Any
) -> None:
    request = make_request(kies, year, school_b)
    assert post(as_bob, f"{API}/planning-requests/{request.pk}/withdraw/").status_code == 404
    request.refresh_from_db()
    assert request.status == PlanningRequestStatus.OPEN


def test_requests_are_not_changed_or_deleted_in_place(
    as_alice: Client, kies: Any, year: Any, school_a: Any
) -> None:
    request = make_request(kies, year, school_a)
    url = f"{API}/planning-requests/{request.pk}/"
    patched = as_alice.patch(url, {"expected_children": 9}, content_type="application/json")
    assert patched.status_code == 405
    assert as_alice.delete(url).status_code == 405
    assert PlanningRequest.objects.get().expected_children == 7

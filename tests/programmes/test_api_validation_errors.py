"""Refused writes answer 400 with field messages, as JSON, and change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import Client

from programmes import services
from programmes.models import (
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"
MODELS = [
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
]


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, data, content_type="application/json")


@contextmanager
def nothing_changes() -> Iterator[None]:
    before = {model.__name__: model.objects.count() for model in MODELS}
    yield
    assert {model.__name__: model.objects.count() for model in MODELS} == before


PROGRAMME = {
    "code": "kies",
    "name_nl": "KIES",
    "name_en": "KIES",
    "audience": "po",
    "grade_min": 4,
    "grade_max": 8,
    "age_min": 7,
    "age_max": 12,
    "enrolment_mode": "individual",
    "group_size_min": 6,
    "group_size_max": 10,
    "child_sessions": 8,
    "session_minutes": 60,
}


def test_an_age_range_upside_down_is_a_400_on_age_max(as_alice: Client) -> None:
    with nothing_changes():
        response = post(as_alice, f"{API}/programmes/", {**PROGRAMME, "age_min": 12, "age_max": 7})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["age_max"]
    assert "minimumleeftijd" in response.json()["age_max"][0]


def test_several_impossible_combinations_are_reported_together(as_alice: Client) -> None:
    with nothing_changes():
        response = post(
            as_alice,
            f"{API}/programmes/",
            {**PROGRAMME, "group_size_min": 12, "grade_min": 8, "grade_max": 4},
        )
    assert response.status_code == 400
    assert set(response.json()) == {"group_size_max", "grade_max"}


def test_a_class_programme_that_asks_for_consent_is_refused(as_alice: Client) -> None:
    with nothing_changes():
        response = post(as_alice, f"{API}/programmes/", {**PROGRAMME, "enrolment_mode": "class"})
    assert response.status_code == 400
    assert set(response.json()) == {"consent_guardians", "consent_child"}


def test_a_shape_error_is_reported_by_field_before_any_service_runs(as_alice: Client) -> None:
    with nothing_changes():
        response = post(
            as_alice,
            f"{API}/programmes/",
            {**PROGRAMME, "age_min": 2, "calendar_colour": "blue", "audience": "hbo"},
        )
    assert response.status_code == 400
    assert set(response.json()) == {"age_min", "calendar_colour", "audience"}


def test_an_invalid_update_leaves_the_programme_as_it_was(as_alice: Client) -> None:
    programme = factories.ProgrammeFactory(age_min=7, age_max=12)
    with nothing_changes():
        response = patch(as_alice, f"{API}/programmes/{programme.pk}/", {"age_min": 14})
    assert response.status_code == 400
    assert "age_max" in response.json()
    programme.refresh_from_db()
    assert (programme.age_min, programme.age_max) == (7, 12)


def test_a_duplicate_brin_and_branch_is_a_non_field_error(as_alice: Client) -> None:
    factories.SchoolFactory(brin="44DD", branch="00")
    payload = {
        "name": "Tweede",
        "brin": "44DD",
        "branch": "00",
        "school_type": "po",
        "holiday_region": "noord",
        "city": "Zwolle",
        "municipality": "Zwolle",
    }
    with nothing_changes():
        response = post(as_alice, f"{API}/schools/", payload)
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert "BRIN" in response.json()["non_field_errors"][0]


def test_a_badly_formed_brin_code_is_a_field_error(as_alice: Client) -> None:
    with nothing_changes():
        response = post(
            as_alice,
            f"{API}/schools/",
            {
                "name": "X",
                "brin": "ab12",
                "school_type": "po",
                "holiday_region": "noord",
                "city": "Zwolle",
                "municipality": "Zwolle",
            },
        )
    assert response.status_code == 400
    assert list(response.json()) == ["brin"]


def test_a_school_year_label_of_two_unrelated_years_is_refused(as_alice: Client) -> None:
    with nothing_changes():
        bad_pair = post(as_alice, f"{API}/school-years/", {"label": "2030-2035"})
        bad_shape = post(as_alice, f"{API}/school-years/", {"label": "30-31"})
        duplicate = post(as_alice, f"{API}/school-years/", {"label": "2026-2027"})
    assert bad_pair.status_code == 400
    assert list(bad_pair.json()) == ["label"]
    assert bad_shape.status_code == 400
    assert list(bad_shape.json()) == ["label"]
    assert duplicate.status_code == 400
    assert list(duplicate.json()) == ["label"]


def test_a_second_autumn_holiday_for_a_region_and_year_is_refused(as_alice: Client) -> None:
    year = factories.SchoolYearFactory(label="2030-2031", holidays=False)
    services.school_holiday_create(
        school_year=year,
        region="noord",
        kind="herfst",
        start_date=dt.date(2030, 10, 12),
        end_date=dt.date(2030, 10, 20),
    )
    with nothing_changes():
        response = post(
            as_alice,
            f"{API}/school-holidays/",
            {
                "school_year": "2030-2031",
                "region": "noord",
                "kind": "herfst",
                "start_date": "2030-10-19",
                "end_date": "2030-10-27",
            },
        )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_holiday_ending_before_it_starts_is_refused(as_alice: Client) -> None:
    factories.SchoolYearFactory(label="2030-2031", holidays=False)
    with nothing_changes():
        response = post(
            as_alice,
            f"{API}/school-holidays/",
            {
                "school_year": "2030-2031",
                "region": "zuid",
                "kind": "overig",
                "name": "Extra",
                "start_date": "2030-10-19",
                "end_date": "2030-10-12",
            },
        )
    assert response.status_code == 400
    assert list(response.json()) == ["end_date"]


def test_a_closure_ending_before_it_starts_is_refused(as_bob: Client, school_a: Any) -> None:
    with nothing_changes():
        response = post(
            as_bob,
            f"{API}/school-closures/",
            {
                "school": school_a.pk,
                "start_date": "2026-11-12",
                "end_date": "2026-11-11",
                "reason": "x",
            },
        )
    assert response.status_code == 400
    assert list(response.json()) == ["end_date"]


def test_an_unavailability_that_ends_before_it_starts_is_refused(
    as_dave: Client, dave: Any
) -> None:
    with nothing_changes():
        response = post(
            as_dave,
            f"{API}/trainer-unavailabilities/",
            {
                "trainer": dave.pk,
                "starts_at": "2026-12-01T17:00:00+01:00",
                "ends_at": "2026-12-01T09:00:00+01:00",
            },
        )
    assert response.status_code == 400
    assert list(response.json()) == ["ends_at"]


def test_a_user_who_is_already_a_trainer_cannot_become_one_twice(
    as_alice: Client, dave: Any
) -> None:
    with nothing_changes():
        response = post(as_alice, f"{API}/trainers/", {"user_id": dave.user_id})
    assert response.status_code == 400
    assert list(response.json()) == ["user_id"]


def test_a_trainer_stays_linked_to_the_same_user(as_alice: Client, dave: Any) -> None:
    other = factories.UserFactory()
    response = patch(as_alice, f"{API}/trainers/{dave.pk}/", {"user_id": other.pk})
    assert response.status_code == 400
    assert list(response.json()) == ["user_id"]
    dave.refresh_from_db()
    assert dave.user.username == "dave"


def test_an_unknown_qualification_code_is_a_field_error(as_alice: Client) -> None:
    user = factories.UserFactory()
    with nothing_changes():
        response = post(
            as_alice, f"{API}/trainers/", {"user_id": user.pk, "qualifications": ["nope"]}
        )
    assert response.status_code == 400
    assert list(response.json()) == ["qualifications"]


def test_deleting_a_programme_still_in_use_is_refused_with_a_message(
    as_alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db.models import ProtectedError

    programme = factories.ProgrammeFactory()

    def protected_delete(self: Programme, *args: Any, **kwargs: Any) -> None:
        raise ProtectedError("in use", {programme})

    monkeypatch.setattr(Programme, "delete", protected_delete)
    response = as_alice.delete(f"{API}/programmes/{programme.pk}/")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert Programme.objects.filter(pk=programme.pk).exists()


def test_a_malformed_json_body_is_a_json_400(as_alice: Client) -> None:
    response = as_alice.post(f"{API}/programmes/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_an_unknown_api_address_is_a_json_404(as_alice: Client) -> None:
    response = as_alice.get(f"{API}/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_an_unknown_object_is_a_json_404(as_alice: Client) -> None:
    response = as_alice.get(f"{API}/programmes/999999/")
    assert response.status_code == 404
    assert "detail" in response.json()
    assert as_alice.get(f"{API}/programmes/abc/").status_code == 404


def test_an_unexpected_error_is_a_json_500(
    as_alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "programme_create", broken)
    response = post(as_alice, f"{API}/programmes/", PROGRAMME)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "boom" not in response.content.decode()
    assert "detail" in response.json()

"""Each role sees and changes only its own scope in the API; the rest does not exist for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.relations import PrimaryKeyRelatedField

from programmes.models import Programme, School, SchoolClosure, TrainerUnavailability
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, data, content_type="application/json")


def does_not_exist(pk: int) -> str:
    """DRF's answer for an id that does not exist (in Dutch, the API's default language)."""
    with translation.override("nl"):
        return str(PrimaryKeyRelatedField.default_error_messages["does_not_exist"]).format(
            pk_value=pk
        )


# --- bob, coordinator of school A ---------------------------------------------------------


def test_a_coordinator_lists_only_their_own_school(
    as_bob: Client, school_a: Any, school_b: Any
) -> None:
    body = as_bob.get(f"{API}/schools/").json()
    assert [row["id"] for row in body["results"]] == [school_a.pk]


def test_a_coordinator_gets_404_on_another_schools_school_record(
    as_bob: Client, school_b: Any
) -> None:
    response = as_bob.get(f"{API}/schools/{school_b.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"]}
    # A write is refused before any lookup: the same 403 for every id, so nothing leaks.
    assert patch(as_bob, f"{API}/schools/{school_b.pk}/", {"name": "X"}).status_code == 403
    assert patch(as_bob, f"{API}/schools/999999/", {"name": "X"}).status_code == 403
    assert School.objects.get(pk=school_b.pk).name == "Basisschool Het Anker"


def test_a_coordinator_gets_404_on_another_schools_closure(as_bob: Client, school_b: Any) -> None:
    closure = factories.SchoolClosureFactory(school=school_b)
    url = f"{API}/school-closures/{closure.pk}/"
    assert as_bob.get(url).status_code == 404
    assert patch(as_bob, url, {"reason": "Gehackt"}).status_code == 404
    assert as_bob.delete(url).status_code == 404
    assert SchoolClosure.objects.get(pk=closure.pk).reason == "Studiedag"


def test_a_coordinator_lists_only_their_own_schools_closures(
    as_bob: Client, school_a: Any, school_b: Any
) -> None:
    own = factories.SchoolClosureFactory(school=school_a)
    factories.SchoolClosureFactory(school=school_b)
    body = as_bob.get(f"{API}/school-closures/").json()
    assert [row["id"] for row in body["results"]] == [own.pk]
    # Filtering on the other school finds nothing rather than revealing it.
    assert as_bob.get(f"{API}/school-closures/", {"school": school_b.pk}).json()["count"] == 0


def test_a_coordinator_adds_changes_and_removes_a_closure_of_their_own_school(
    as_bob: Client, school_a: Any
) -> None:
    created = post(
        as_bob,
        f"{API}/school-closures/",
        {"school": school_a.pk, "start_date": "2026-11-11", "reason": "Studiedag"},
    )
    assert created.status_code == 201, created.json()
    url = f"{API}/school-closures/{created.json()['id']}/"
    assert patch(as_bob, url, {"end_date": "2026-11-12"}).status_code == 200
    assert SchoolClosure.objects.get(school=school_a).end_date == dt.date(2026, 11, 12)
    assert as_bob.delete(url).status_code == 204
    assert not SchoolClosure.objects.exists()


def test_a_coordinator_naming_another_school_for_a_closure_gets_the_nonexistent_answer(
    as_bob: Client, school_b: Any
) -> None:
    payload = {"start_date": "2026-11-11", "reason": "Studiedag"}
    out_of_scope = post(as_bob, f"{API}/school-closures/", {**payload, "school": school_b.pk})
    nonexistent = post(as_bob, f"{API}/school-closures/", {**payload, "school": 999_999})

    assert (out_of_scope.status_code, nonexistent.status_code) == (400, 400)
    assert out_of_scope.json() == {"school": [does_not_exist(school_b.pk)]}
    assert nonexistent.json() == {"school": [does_not_exist(999_999)]}
    assert not SchoolClosure.objects.exists()


def test_a_coordinator_cannot_move_their_closure_to_another_school(
    as_bob: Client, school_a: Any, school_b: Any
) -> None:
    closure = factories.SchoolClosureFactory(school=school_a)
    response = patch(as_bob, f"{API}/school-closures/{closure.pk}/", {"school": school_b.pk})
    assert response.status_code == 400
    assert "school" in response.json()
    assert SchoolClosure.objects.get(pk=closure.pk).school == school_a


def test_a_coordinator_may_read_but_not_change_their_school_or_the_catalogue(
    as_bob: Client, school_a: Any
) -> None:
    programme = factories.ProgrammeFactory()
    assert as_bob.get(f"{API}/schools/{school_a.pk}/").status_code == 200
    assert as_bob.get(f"{API}/programmes/{programme.pk}/").status_code == 200

    assert patch(as_bob, f"{API}/schools/{school_a.pk}/", {"name": "X"}).status_code == 403
    assert as_bob.delete(f"{API}/schools/{school_a.pk}/").status_code == 403
    assert patch(as_bob, f"{API}/programmes/{programme.pk}/", {"active": False}).status_code == 403
    assert post(as_bob, f"{API}/school-years/", {"label": "2031-2032"}).status_code == 403
    assert School.objects.get(pk=school_a.pk).name == "Basisschool De Esch"
    assert Programme.objects.get(pk=programme.pk).active


# --- dave, trainer ------------------------------------------------------------------------


def test_a_trainer_sees_only_their_own_trainer_record(as_dave: Client, dave: Any) -> None:
    other = factories.TrainerFactory()
    body = as_dave.get(f"{API}/trainers/").json()
    assert [row["id"] for row in body["results"]] == [dave.pk]
    assert body["results"][0]["user"]["username"] == "dave"
    assert as_dave.get(f"{API}/trainers/{other.pk}/").status_code == 404


def test_a_trainer_cannot_change_their_own_trainer_record(as_dave: Client, dave: Any) -> None:
    response = patch(as_dave, f"{API}/trainers/{dave.pk}/", {"max_sessions_per_week": 40})
    assert response.status_code == 403
    dave.refresh_from_db()
    assert dave.max_sessions_per_week == 6


def test_a_trainer_adds_their_own_unavailability(as_dave: Client, dave: Any) -> None:
    response = post(
        as_dave,
        f"{API}/trainer-unavailabilities/",
        {
            "trainer": dave.pk,
            "starts_at": "2026-12-01T09:00:00+01:00",
            "ends_at": "2026-12-01T17:00:00+01:00",
            "reason": "Tandarts",
        },
    )
    assert response.status_code == 201, response.json()
    assert TrainerUnavailability.objects.get().trainer == dave


def test_a_trainer_cannot_add_an_unavailability_for_someone_else(as_dave: Client) -> None:
    other = factories.TrainerFactory()
    response = post(
        as_dave,
        f"{API}/trainer-unavailabilities/",
        {
            "trainer": other.pk,
            "starts_at": "2026-12-01T09:00:00+01:00",
            "ends_at": "2026-12-01T17:00:00+01:00",
        },
    )
    assert response.status_code == 400
    assert response.json() == {"trainer": [does_not_exist(other.pk)]}
    assert not TrainerUnavailability.objects.exists()


def test_a_trainer_gets_404_on_someone_elses_unavailability(as_dave: Client, dave: Any) -> None:
    own = factories.TrainerUnavailabilityFactory(trainer=dave)
    other = factories.TrainerUnavailabilityFactory()
    body = as_dave.get(f"{API}/trainer-unavailabilities/").json()
    assert [row["id"] for row in body["results"]] == [own.pk]
    url = f"{API}/trainer-unavailabilities/{other.pk}/"
    assert as_dave.get(url).status_code == 404
    assert as_dave.delete(url).status_code == 404
    assert TrainerUnavailability.objects.filter(pk=other.pk).exists()


def test_a_trainer_removes_their_own_unavailability(as_dave: Client, dave: Any) -> None:
    own = factories.TrainerUnavailabilityFactory(trainer=dave)
    assert as_dave.delete(f"{API}/trainer-unavailabilities/{own.pk}/").status_code == 204
    assert not TrainerUnavailability.objects.exists()


def test_a_coordinator_cannot_add_unavailabilities(as_bob: Client, dave: Any) -> None:
    response = post(
        as_bob,
        f"{API}/trainer-unavailabilities/",
        {
            "trainer": dave.pk,
            "starts_at": "2026-12-01T09:00:00+01:00",
            "ends_at": "2026-12-01T17:00:00+01:00",
        },
    )
    assert response.status_code == 403
    assert not TrainerUnavailability.objects.exists()


# --- eve, signed in without a role ----------------------------------------------------------


def test_a_user_without_a_role_sees_no_schools_trainers_or_calendars(
    as_eve: Client, school_a: Any, dave: Any
) -> None:
    factories.SchoolClosureFactory(school=school_a)
    factories.TrainerUnavailabilityFactory(trainer=dave)
    for resource in [
        "schools",
        "trainers",
        "trainer-unavailabilities",
        "school-years",
        "school-holidays",
        "school-closures",
    ]:
        response = as_eve.get(f"{API}/{resource}/")
        assert response.status_code == 200, resource
        assert response.json()["count"] == 0, resource
    assert as_eve.get(f"{API}/schools/{school_a.pk}/").status_code == 404


def test_a_user_without_a_role_sees_only_active_programmes(as_eve: Client) -> None:
    active = factories.ProgrammeFactory(active=True)
    factories.ProgrammeFactory(active=False)
    body = as_eve.get(f"{API}/programmes/").json()
    assert [row["id"] for row in body["results"]] == [active.pk]


def test_a_user_without_a_role_gets_403_on_every_write(as_eve: Client, school_a: Any) -> None:
    programme = factories.ProgrammeFactory()
    attempts = [
        post(as_eve, f"{API}/programmes/", {"code": "x"}),
        patch(as_eve, f"{API}/programmes/{programme.pk}/", {"active": False}),
        as_eve.delete(f"{API}/programmes/{programme.pk}/"),
        post(as_eve, f"{API}/schools/", {"name": "x"}),
        post(as_eve, f"{API}/trainers/", {}),
        post(as_eve, f"{API}/school-years/", {"label": "2031-2032"}),
        post(as_eve, f"{API}/school-holidays/", {}),
        post(
            as_eve,
            f"{API}/school-closures/",
            {"school": school_a.pk, "start_date": "2026-11-11", "reason": "x"},
        ),
        post(as_eve, f"{API}/trainer-unavailabilities/", {}),
    ]
    assert [response.status_code for response in attempts] == [403] * len(attempts)
    assert all("detail" in response.json() for response in attempts)
    assert Programme.objects.get(pk=programme.pk).active
    assert not SchoolClosure.objects.exists()


# --- anonymous ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource",
    [
        "programmes",
        "schools",
        "trainers",
        "trainer-unavailabilities",
        "school-years",
        "school-holidays",
        "school-closures",
    ],
)
def test_an_anonymous_request_gets_401_with_an_authenticate_header(
    client: Client, resource: str
) -> None:
    response = client.get(f"{API}/{resource}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()
    assert client.post(f"{API}/{resource}/", {}).status_code == 401

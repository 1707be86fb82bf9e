"""The programme manager lists, reads, creates, changes and deletes every catalogue resource."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

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


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, data, content_type="application/json")


def put(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.put(url, data, content_type="application/json")


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


def test_the_manager_creates_reads_changes_and_deletes_a_programme(as_alice: Client) -> None:
    created = post(as_alice, f"{API}/programmes/", PROGRAMME)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["code"] == "kies"
    assert body["consent_guardians"] == "all_with_authority"  # model default
    url = f"{API}/programmes/{body['id']}/"

    assert as_alice.get(url).json()["name_nl"] == "KIES"
    listed = as_alice.get(f"{API}/programmes/").json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == body["id"]

    changed = patch(as_alice, url, {"group_size_max": 8, "active": False})
    assert changed.status_code == 200, changed.json()
    programme = Programme.objects.get(pk=body["id"])
    assert (programme.group_size_max, programme.active) == (8, False)

    replaced = put(as_alice, url, {**PROGRAMME, "name_en": "Children in divorce"})
    assert replaced.status_code == 200, replaced.json()
    assert Programme.objects.get(pk=body["id"]).name_en == "Children in divorce"

    assert as_alice.delete(url).status_code == 204
    assert not Programme.objects.exists()
    assert as_alice.get(url).status_code == 404


def test_the_manager_creates_reads_changes_and_deletes_a_school(as_alice: Client, bob: Any) -> None:
    created = post(
        as_alice,
        f"{API}/schools/",
        {
            "name": "OBS De Vlonder",
            "brin": "33CC",
            "school_type": "po",
            "holiday_region": "noord",
            "city": "Zwolle",
            "municipality": "Zwolle",
            "coordinators": [bob.pk],
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["branch"] == "00"
    assert body["brin_full"] == "33CC00"
    assert body["coordinators"] == [bob.pk]
    url = f"{API}/schools/{body['id']}/"

    assert as_alice.get(url).json()["name"] == "OBS De Vlonder"
    assert as_alice.get(f"{API}/schools/", {"brin": "33CC"}).json()["count"] == 1

    changed = patch(as_alice, url, {"postcode": "8012 AB", "coordinators": []})
    assert changed.status_code == 200, changed.json()
    school = School.objects.get(pk=body["id"])
    assert school.postcode == "8012 AB"
    assert not school.coordinators.exists()

    assert as_alice.delete(url).status_code == 204
    assert not School.objects.filter(pk=body["id"]).exists()


def test_the_manager_creates_reads_changes_and_deletes_a_trainer(as_alice: Client) -> None:
    user = factories.UserFactory(
        username="frank", first_name="Frank", last_name="Mulder", email="frank@example.org"
    )
    kies = factories.ProgrammeFactory(code="kies")
    jes = factories.ProgrammeFactory(code="jes")

    created = post(
        as_alice,
        f"{API}/trainers/",
        {"user_id": user.pk, "qualifications": ["kies"], "max_sessions_per_week": 4},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["user"] == {
        "id": user.pk,
        "username": "frank",
        "first_name": "Frank",
        "last_name": "Mulder",
        "full_name": "Frank Mulder",
        "email": "frank@example.org",
    }
    assert body["qualifications"] == ["kies"]
    assert "user_id" not in body
    url = f"{API}/trainers/{body['id']}/"

    assert as_alice.get(url).json()["display_name"] == "Frank Mulder"

    changed = patch(as_alice, url, {"qualifications": ["kies", "jes"], "phone": "038-1234567"})
    assert changed.status_code == 200, changed.json()
    assert sorted(changed.json()["qualifications"]) == ["jes", "kies"]
    trainer = Trainer.objects.get(pk=body["id"])
    assert set(trainer.qualifications.all()) == {kies, jes}
    assert trainer.phone == "038-1234567"

    assert as_alice.delete(url).status_code == 204
    assert not Trainer.objects.exists()
    assert type(user).objects.filter(pk=user.pk).exists()  # the user account stays


def test_the_manager_keeps_any_trainers_unavailability(as_alice: Client, dave: Any) -> None:
    created = post(
        as_alice,
        f"{API}/trainer-unavailabilities/",
        {
            "trainer": dave.pk,
            "starts_at": "2026-11-02T08:00:00+01:00",
            "ends_at": "2026-11-06T17:00:00+01:00",
            "reason": "Cursus",
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["trainer_name"] == "Dave Visser"
    url = f"{API}/trainer-unavailabilities/{body['id']}/"

    assert as_alice.get(url).json()["reason"] == "Cursus"
    changed = patch(as_alice, url, {"reason": "Ziek"})
    assert changed.status_code == 200, changed.json()
    assert TrainerUnavailability.objects.get(pk=body["id"]).reason == "Ziek"

    assert as_alice.delete(url).status_code == 204
    assert not TrainerUnavailability.objects.exists()


def test_the_manager_creates_a_school_year_from_its_label_only(as_alice: Client) -> None:
    created = post(
        as_alice,
        f"{API}/school-years/",
        {"label": "2031-2032", "start_date": "2031-01-01", "end_date": "2031-12-31"},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    # The dates follow from the label; any dates sent along are ignored.
    assert (body["start_date"], body["end_date"]) == ("2031-08-01", "2032-07-31")
    url = f"{API}/school-years/{body['id']}/"
    assert as_alice.get(url).json()["label"] == "2031-2032"
    listed = as_alice.get(f"{API}/school-years/", {"label": "2031-2032"}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_a_school_year_is_not_changed_afterwards_but_can_be_deleted(as_alice: Client) -> None:
    year = factories.SchoolYearFactory(label="2030-2031", holidays=False)
    factories.SchoolHolidayFactory(
        school_year=year, start_date=dt.date(2030, 10, 12), end_date=dt.date(2030, 10, 20)
    )
    url = f"{API}/school-years/{year.pk}/"

    assert patch(as_alice, url, {"label": "2032-2033"}).status_code == 405
    assert put(as_alice, url, {"label": "2032-2033"}).status_code == 405
    assert SchoolYear.objects.get(pk=year.pk).label == "2030-2031"

    assert as_alice.delete(url).status_code == 204
    assert not SchoolYear.objects.filter(pk=year.pk).exists()
    assert not SchoolHoliday.objects.filter(school_year_id=year.pk).exists()


def test_the_manager_creates_reads_changes_and_deletes_a_school_holiday(
    as_alice: Client,
) -> None:
    factories.SchoolYearFactory(label="2030-2031", holidays=False)
    created = post(
        as_alice,
        f"{API}/school-holidays/",
        {
            "school_year": "2030-2031",
            "region": "noord",
            "kind": "herfst",
            "start_date": "2030-10-12",
            "end_date": "2030-10-20",
            "advisory": True,
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["school_year"] == "2030-2031"
    url = f"{API}/school-holidays/{body['id']}/"

    assert as_alice.get(url).json()["kind"] == "herfst"
    changed = patch(as_alice, url, {"advisory": False, "source": "rijksoverheid.nl"})
    assert changed.status_code == 200, changed.json()
    holiday = SchoolHoliday.objects.get(pk=body["id"])
    assert (holiday.advisory, holiday.source) == (False, "rijksoverheid.nl")

    assert as_alice.delete(url).status_code == 204
    assert not SchoolHoliday.objects.filter(pk=body["id"]).exists()


def test_the_manager_creates_reads_changes_and_deletes_a_school_closure(
    as_alice: Client, school_b: Any
) -> None:
    created = post(
        as_alice,
        f"{API}/school-closures/",
        {"school": school_b.pk, "start_date": "2027-03-10", "reason": "Biddag"},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["end_date"] == "2027-03-10"  # a single day when no end is given
    assert body["school_name"] == school_b.name
    url = f"{API}/school-closures/{body['id']}/"

    assert as_alice.get(url).json()["reason"] == "Biddag"
    changed = patch(as_alice, url, {"end_date": "2027-03-11"})
    assert changed.status_code == 200, changed.json()
    assert SchoolClosure.objects.get(pk=body["id"]).end_date == dt.date(2027, 3, 11)

    assert as_alice.delete(url).status_code == 204
    assert not SchoolClosure.objects.exists()


def test_the_api_root_lists_every_resource(as_alice: Client) -> None:
    root = as_alice.get(f"{API}/").json()
    assert set(root) == {
        "programmes",
        "schools",
        "trainers",
        "trainer-unavailabilities",
        "school-years",
        "school-holidays",
        "school-closures",
    }

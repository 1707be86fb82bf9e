"""Lists filter, search and sort, always within what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from programmes.models import HolidayKind, HolidayRegion
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"


def ids(client: Client, resource: str, **params: Any) -> list[int]:
    response = client.get(f"{API}/{resource}/", params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_programmes_filter_by_audience_and_active_and_search_by_name(as_alice: Client) -> None:
    kies = factories.ProgrammeFactory(code="kies", name_nl="KIES", audience="po")
    think = factories.ProgrammeFactory(
        code="think", name_nl="THINK op school", audience="vo", grade_min=1, grade_max=2
    )
    old = factories.ProgrammeFactory(code="oud", name_nl="Oud programma", active=False)

    assert ids(as_alice, "programmes", audience="vo") == [think.pk]
    assert ids(as_alice, "programmes", active="false") == [old.pk]
    assert ids(as_alice, "programmes", search="think") == [think.pk]
    assert ids(as_alice, "programmes", ordering="code") == [kies.pk, old.pk, think.pk]
    assert ids(as_alice, "programmes", ordering="-code") == [think.pk, old.pk, kies.pk]


def test_an_invalid_filter_value_is_a_400_with_the_parameter_named(as_alice: Client) -> None:
    response = as_alice.get(f"{API}/school-holidays/", {"region": "oost"})
    assert response.status_code == 400
    assert list(response.json()) == ["region"]


def test_schools_filter_by_type_region_and_municipality_and_search(as_alice: Client) -> None:
    po = factories.SchoolFactory(name="De Esch", school_type="po", municipality="Zwolle")
    vo = factories.SchoolFactory(
        name="Carolus Clusius", school_type="vo", holiday_region="midden", municipality="Kampen"
    )
    assert ids(as_alice, "schools", school_type="vo") == [vo.pk]
    assert ids(as_alice, "schools", holiday_region="noord") == [po.pk]
    assert ids(as_alice, "schools", municipality="kampen") == [vo.pk]
    assert ids(as_alice, "schools", search="clusius") == [vo.pk]
    assert ids(as_alice, "schools", search=po.brin) == [po.pk]


def test_a_coordinators_filters_stay_within_their_own_school(
    as_bob: Client, school_a: Any, school_b: Any
) -> None:
    assert ids(as_bob, "schools", search="Anker") == []
    assert ids(as_bob, "schools", search="Esch") == [school_a.pk]


def test_trainers_filter_by_qualification_and_search_by_name(as_alice: Client) -> None:
    kies = factories.ProgrammeFactory(code="kies")
    anna = factories.TrainerFactory(
        user=factories.UserFactory(first_name="Anna", last_name="Bos"), qualifications=[kies]
    )
    piet = factories.TrainerFactory(user=factories.UserFactory(first_name="Piet", last_name="Dam"))
    assert ids(as_alice, "trainers", qualification="kies") == [anna.pk]
    assert ids(as_alice, "trainers", search="dam") == [piet.pk]
    assert ids(as_alice, "trainers", ordering="-user__last_name") == [piet.pk, anna.pk]


def test_unavailabilities_filter_by_trainer_and_overlapping_dates(
    as_alice: Client, dave: Any
) -> None:
    other = factories.TrainerFactory()
    november = factories.TrainerUnavailabilityFactory(
        trainer=dave,
        starts_at=dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 11, 6, 17, tzinfo=dt.UTC),
    )
    december = factories.TrainerUnavailabilityFactory(
        trainer=dave,
        starts_at=dt.datetime(2026, 12, 7, 8, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 7, 17, tzinfo=dt.UTC),
    )
    factories.TrainerUnavailabilityFactory(trainer=other)
    assert ids(as_alice, "trainer-unavailabilities", trainer=dave.pk) == [november.pk, december.pk]
    assert ids(as_alice, "trainer-unavailabilities", trainer=dave.pk, date_from="2026-11-06") == [
        november.pk,
        december.pk,
    ]
    assert ids(as_alice, "trainer-unavailabilities", trainer=dave.pk, date_from="2026-11-07") == [
        december.pk
    ]
    assert ids(
        as_alice,
        "trainer-unavailabilities",
        trainer=dave.pk,
        date_from="2026-11-01",
        date_to="2026-11-02",
    ) == [november.pk]


def test_holidays_filter_by_school_year_label_region_kind_and_advisory(as_alice: Client) -> None:
    year = factories.SchoolYearFactory(label="2030-2031", holidays=False)
    noord = factories.SchoolHolidayFactory(
        school_year=year,
        region=HolidayRegion.NOORD,
        kind=HolidayKind.AUTUMN,
        start_date=dt.date(2030, 10, 12),
        end_date=dt.date(2030, 10, 20),
        advisory=True,
    )
    zuid = factories.SchoolHolidayFactory(
        school_year=year,
        region=HolidayRegion.ZUID,
        kind=HolidayKind.AUTUMN,
        start_date=dt.date(2030, 10, 19),
        end_date=dt.date(2030, 10, 27),
    )
    christmas = factories.SchoolHolidayFactory(
        school_year=year,
        region=HolidayRegion.NOORD,
        kind=HolidayKind.CHRISTMAS,
        start_date=dt.date(2030, 12, 21),
        end_date=dt.date(2031, 1, 5),
    )
    this_year = {"school_year": "2030-2031"}
    assert ids(as_alice, "school-holidays", **this_year) == [noord.pk, zuid.pk, christmas.pk]
    assert ids(as_alice, "school-holidays", **this_year, region="zuid") == [zuid.pk]
    assert ids(as_alice, "school-holidays", **this_year, kind="kerst") == [christmas.pk]
    assert ids(as_alice, "school-holidays", **this_year, advisory="true") == [noord.pk]
    assert ids(
        as_alice, "school-holidays", **this_year, date_from="2030-10-21", date_to="2030-12-31"
    ) == [zuid.pk, christmas.pk]
    assert ids(as_alice, "school-holidays", school_year="1999-2000") == []


def test_the_shipped_advisory_holidays_can_be_listed_for_checking(as_alice: Client) -> None:
    response = as_alice.get(
        f"{API}/school-holidays/", {"school_year": "2026-2027", "advisory": "true"}
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, "the 2026-2027 holidays are shipped as advisory"
    assert all(row["advisory"] and row["school_year"] == "2026-2027" for row in rows)


def test_closures_filter_by_school_and_overlapping_dates(
    as_alice: Client, school_a: Any, school_b: Any
) -> None:
    study_day = factories.SchoolClosureFactory(school=school_a, start_date=dt.date(2026, 11, 11))
    biddag = factories.SchoolClosureFactory(
        school=school_a, start_date=dt.date(2027, 3, 10), reason="Biddag"
    )
    other = factories.SchoolClosureFactory(school=school_b, start_date=dt.date(2026, 11, 11))
    assert ids(as_alice, "school-closures", school=school_a.pk) == [study_day.pk, biddag.pk]
    assert ids(as_alice, "school-closures", date_from="2026-11-01", date_to="2026-11-30") == [
        study_day.pk,
        other.pk,
    ]
    assert ids(as_alice, "school-closures", search="biddag") == [biddag.pk]
    assert ids(as_alice, "school-closures", ordering="-start_date")[0] == biddag.pk


def test_lists_are_paginated(as_alice: Client) -> None:
    for _ in range(51):
        factories.ProgrammeFactory()
    first = as_alice.get(f"{API}/programmes/").json()
    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["next"]
    second = as_alice.get(first["next"]).json()
    assert len(second["results"]) == 1

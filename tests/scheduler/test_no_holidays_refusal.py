"""Planning refuses a school year without holidays for the school's region, unless the
programme manager confirms the year has none: in the services, the API and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from programmes.models import HolidayRegion, SchoolHoliday
from programmes.selectors import school_year_has_holidays, school_year_regions_without_holidays
from scheduler.models import Group, PlannerRun, PlanningRequest
from scheduler.services import group_create, planner_run_start, planning_request_create
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"
MONDAY = dt.date(2027, 1, 11)
REFUSAL = "heeft nog geen schoolvakanties voor regio noord"


@pytest.fixture
def bare_year(year: Any) -> Any:
    """2026-2027 without the holidays of regio noord (school A's region)."""
    SchoolHoliday.objects.filter(school_year=year, region=HolidayRegion.NOORD).delete()
    return year


def fields(kies: Any, year: Any, school: Any, trainers: list[Any]) -> dict[str, Any]:
    return {
        "programme": kies,
        "host_school": school,
        "school_year": year,
        "round_label": "voorjaar 2027",
        "weekday": 0,
        "start_time": dt.time(13, 0),
        "first_date": MONDAY,
        "trainers": trainers,
    }


# --- the rule -----------------------------------------------------------------------------


def test_the_selector_names_the_regions_without_holidays(bare_year: Any, school_a: Any) -> None:
    assert school_year_regions_without_holidays(school_year=bare_year) == ["noord"]
    assert not school_year_has_holidays(bare_year, region="noord")
    assert school_year_has_holidays(bare_year, region="zuid")


# --- the service --------------------------------------------------------------------------


def test_group_create_refuses_a_year_without_holidays_for_the_schools_region(
    kies: Any, bare_year: Any, school_a: Any, trainer_pair: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        group_create(**fields(kies, bare_year, school_a, trainer_pair))

    error = refused.value.error_dict["confirm_no_holidays"][0]
    assert error.code == "no_holidays"
    assert REFUSAL in error.messages[0]
    assert not Group.objects.exists()


def test_group_create_plans_when_the_manager_confirms_the_year_has_none(
    kies: Any, bare_year: Any, school_a: Any, trainer_pair: Any
) -> None:
    created = group_create(
        **fields(kies, bare_year, school_a, trainer_pair), confirm_no_holidays=True
    )

    assert created.group.sessions.count() == 10
    # The confirmation is per action: the year still lacks holidays.
    assert school_year_regions_without_holidays(school_year=bare_year) == ["noord"]


def test_another_regions_missing_holidays_do_not_refuse(
    kies: Any, year: Any, school_a: Any, trainer_pair: Any
) -> None:
    SchoolHoliday.objects.filter(school_year=year, region=HolidayRegion.ZUID).delete()

    created = group_create(**fields(kies, year, school_a, trainer_pair))

    assert created.group.pk


def test_the_planner_refuses_a_year_without_holidays_for_a_requesting_school(
    kies: Any, bare_year: Any, school_a: Any, bob: Any
) -> None:
    request_at(kies, bare_year, school_a, bob)

    with pytest.raises(ValidationError) as refused:
        planner_run_start(school_year=bare_year, started_by=None)

    assert refused.value.error_dict["confirm_no_holidays"][0].code == "no_holidays"
    assert not PlannerRun.objects.exists()
    assert planner_run_start(school_year=bare_year, started_by=None, confirm_no_holidays=True)


def request_at(kies: Any, year: Any, school: Any, coordinator: Any) -> PlanningRequest:
    return planning_request_create(
        school=school,
        programme=kies,
        school_year=year,
        round_label="voorjaar 2027",
        window_start=MONDAY,
        window_end=dt.date(2027, 6, 30),
        preferred_weekdays=[0],
        expected_children=8,
        requested_by=coordinator,
    )


# --- the API ------------------------------------------------------------------------------


def payload(kies: Any, school: Any, trainers: list[Any], **extra: Any) -> dict[str, Any]:
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


def test_the_api_answers_400_on_the_confirmation_field(
    as_alice: Client, kies: Any, bare_year: Any, school_a: Any, trainer_pair: Any
) -> None:
    response = as_alice.post(
        f"{API}/groups/", payload(kies, school_a, trainer_pair), content_type="application/json"
    )

    assert response.status_code == 400
    assert REFUSAL in response.json()["confirm_no_holidays"][0]
    assert not Group.objects.exists()


def test_the_api_creates_the_group_when_the_manager_confirms(
    as_alice: Client, kies: Any, bare_year: Any, school_a: Any, trainer_pair: Any
) -> None:
    response = as_alice.post(
        f"{API}/groups/",
        payload(kies, school_a, trainer_pair, confirm_no_holidays=True),
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()


def test_a_coordinators_confirmation_is_not_enough(
    as_bob: Client, kies: Any, bare_year: Any, school_a: Any, trainer_pair: Any
) -> None:
    response = as_bob.post(
        f"{API}/groups/",
        payload(kies, school_a, trainer_pair, confirm_no_holidays=True),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "confirm_no_holidays" in response.json()


def test_the_planner_api_refuses_and_accepts_the_confirmation(
    as_alice: Client,
    kies: Any,
    bare_year: Any,
    school_a: Any,
    bob: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    request_at(kies, bare_year, school_a, bob)
    body = {"school_year": "2026-2027", "time_limit_seconds": 5}

    refused = as_alice.post(f"{API}/planner-runs/", body, content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        started = as_alice.post(
            f"{API}/planner-runs/",
            {**body, "confirm_no_holidays": True},
            content_type="application/json",
        )

    assert refused.status_code == 400
    assert REFUSAL in refused.json()["confirm_no_holidays"][0]
    assert started.status_code == 202, started.json()
    assert PlannerRun.objects.count() == 1


# --- the pages ----------------------------------------------------------------------------


def form_data(kies: Any, year: Any, school: Any, trainers: list[Any], **extra: Any) -> dict:
    return {
        "programme": kies.pk,
        "host_school": school.pk,
        "school_year": year.pk,
        "round_label": "voorjaar 2027",
        "weekday": 0,
        "start_time": "13:00",
        "first_date": "2027-01-11",
        "parent_meeting_time": "19:30",
        "trainers": [t.pk for t in trainers],
        "action": "create",
        **extra,
    }


def test_the_group_form_shows_the_refusal_at_the_checkbox(
    as_alice: Client, kies: Any, bare_year: Any, school_a: Any, trainer_pair: Any
) -> None:
    response = as_alice.post(
        reverse("planning-group-create"), form_data(kies, bare_year, school_a, trainer_pair)
    )

    assert response.status_code == 200
    assert REFUSAL in response.text
    assert 'name="confirm_no_holidays"' in response.text
    assert "Ik bevestig dat dit schooljaar geen schoolvakanties heeft" in response.text
    assert not Group.objects.exists()


def test_the_group_form_creates_the_group_once_confirmed(
    as_alice: Client, kies: Any, bare_year: Any, school_a: Any, trainer_pair: Any
) -> None:
    response = as_alice.post(
        reverse("planning-group-create"),
        form_data(kies, bare_year, school_a, trainer_pair, confirm_no_holidays="on"),
    )

    assert response.status_code == 302
    assert Group.objects.count() == 1


def test_a_coordinator_has_no_checkbox_and_is_refused(
    as_bob: Client, kies: Any, bare_year: Any, school_a: Any, trainer_pair: Any
) -> None:
    page = as_bob.get(reverse("planning-group-create"))
    response = as_bob.post(
        reverse("planning-group-create"),
        form_data(kies, bare_year, school_a, trainer_pair, confirm_no_holidays="on"),
    )

    assert 'name="confirm_no_holidays"' not in page.text
    assert REFUSAL in response.text
    assert not Group.objects.exists()


def test_starting_the_planner_on_the_page_is_refused_then_confirmed(
    as_alice: Client, kies: Any, bare_year: Any, school_a: Any, bob: Any
) -> None:
    request_at(kies, bare_year, school_a, bob)

    refused = as_alice.post(
        reverse("planning-planner-start"), {"school_year": bare_year.pk}, follow=True
    )
    assert REFUSAL in refused.text
    assert not PlannerRun.objects.exists()

    as_alice.post(
        reverse("planning-planner-start"),
        {"school_year": bare_year.pk, "confirm_no_holidays": "on"},
    )
    assert PlannerRun.objects.count() == 1


def test_the_planning_page_warns_of_a_year_without_holidays(
    as_alice: Client, bare_year: Any, school_a: Any
) -> None:
    response = as_alice.get(reverse("planning-home"))

    assert "Schooljaar 2026-2027 heeft nog geen schoolvakanties voor regio noord." in (
        response.text
    )
    assert reverse("manage-school-year-detail", args=[bare_year.pk]) in response.text
    assert 'id="planner_confirm_no_holidays"' in response.text


def test_the_planning_page_does_not_warn_when_the_holidays_are_there(
    as_alice: Client, year: Any, school_a: Any
) -> None:
    response = as_alice.get(reverse("planning-home"))

    assert response.status_code == 200
    assert "nog geen schoolvakanties" not in response.text
    assert 'id="planner_confirm_no_holidays"' not in response.text


# --- the test factory ---------------------------------------------------------------------


def test_a_factory_year_beyond_the_shipped_table_gets_test_holidays_on_the_same_weekdays(
    school_a: Any,
) -> None:
    from tests import factories

    year = factories.SchoolYearFactory(label="2029-2030")
    bare = factories.SchoolYearFactory(label="2030-2031", holidays=False)

    holidays = list(year.holidays.all())
    assert len(holidays) == 15
    assert {h.source for h in holidays} == {"test"}
    assert {h.start_date.weekday() for h in holidays} == {5}  # Saturdays, as shipped
    assert all(year.contains(h.start_date) for h in holidays)
    assert school_year_has_holidays(year)
    assert not school_year_has_holidays(bare)

"""A date far outside any school calendar (a slip: 9999 for 2027) is refused with one
clear Dutch message on the page, in the API and in the admin."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import School, SchoolClosure, SchoolHoliday, SchoolYear
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1"
RANGE = "Kies een datum tussen 06-12-2021 en 06-12-2031."


def test_a_closure_ending_in_9999_is_refused_in_the_api(as_bob: Client, school_a: School) -> None:
    response = as_bob.post(
        f"{API}/school-closures/",
        json.dumps(
            {
                "school": school_a.pk,
                "start_date": "2026-12-10",
                "end_date": "9999-12-10",
                "reason": "x",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"end_date": [RANGE]}
    assert not SchoolClosure.objects.exists()


def test_a_closure_in_9999_is_refused_on_the_page(as_bob: Client, school_a: School) -> None:
    response = as_bob.post(
        reverse("manage-closure-create", args=[school_a.pk]),
        {"start_date": "9999-12-10", "end_date": "", "reason": "Studiedag"},
    )
    assert response.status_code == 200
    assert RANGE in response.text
    assert not SchoolClosure.objects.exists()


def test_a_closure_in_9999_is_refused_in_the_admin(as_alice: Client, school_a: School) -> None:
    response = as_alice.post(
        reverse("admin:programmes_schoolclosure_add"),
        {
            "school": school_a.pk,
            "start_date": "2026-12-10",
            "end_date": "9999-12-10",
            "reason": "Studiedag",
        },
    )
    assert response.status_code == 200
    assert RANGE in response.text
    assert not SchoolClosure.objects.exists()


def test_a_closure_next_year_is_still_accepted(as_bob: Client, school_a: School) -> None:
    as_bob.post(
        reverse("manage-closure-create", args=[school_a.pk]),
        {"start_date": "2027-06-02", "end_date": "2027-06-03", "reason": "Studiedagen"},
    )
    assert SchoolClosure.objects.filter(school=school_a).count() == 1


def test_a_holiday_ending_after_its_school_year_is_refused(as_alice: Client) -> None:
    SchoolYear.objects.get_or_create(label="2026-2027")
    before = SchoolHoliday.objects.count()
    response = as_alice.post(
        f"{API}/school-holidays/",
        json.dumps(
            {
                "school_year": "2026-2027",
                "region": "zuid",
                "kind": "overig",
                "name": "Extra",
                "start_date": "2027-01-11",
                "end_date": "9999-01-12",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"end_date": ["Deze vakantie eindigt niet in schooljaar 2026-2027."]}
    assert SchoolHoliday.objects.count() == before


def test_a_summer_holiday_may_run_into_august(as_alice: Client) -> None:
    SchoolYear.objects.get_or_create(label="2026-2027")
    response = as_alice.post(
        f"{API}/school-holidays/",
        json.dumps(
            {
                "school_year": "2026-2027",
                "region": "zuid",
                "kind": "overig",
                "name": "Zomer extra",
                "start_date": "2027-07-20",
                "end_date": "2027-08-30",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content

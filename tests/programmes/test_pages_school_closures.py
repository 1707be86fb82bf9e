"""A coordinator keeps their school's closed days and asks whether the school is open."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import School, SchoolClosure
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

WEDNESDAY = "2026-11-11"  # no holiday in any region, not a public holiday


def test_a_coordinator_adds_a_closed_day_and_the_lookup_then_says_closed_with_the_reason(
    as_bob: Client, school_a: School
) -> None:
    detail = reverse("manage-school-detail", args=[school_a.pk])
    before = as_bob.get(detail, {"datum": WEDNESDAY}).text
    assert "De school is open op" in before

    response = as_bob.post(
        reverse("manage-closure-create", args=[school_a.pk]),
        {"start_date": WEDNESDAY, "end_date": "", "reason": "Studiedag team"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == detail
    assert "Sluitingsdag toegevoegd: Studiedag team." in response.text
    closure = SchoolClosure.objects.get(school=school_a)
    assert closure.start_date == closure.end_date
    after = as_bob.get(detail, {"datum": WEDNESDAY}).text
    assert "De school is gesloten op" in after
    assert "Studiedag team" in after


def test_the_lookup_names_a_weekend_and_a_school_holiday(as_bob: Client, school_a: School) -> None:
    detail = reverse("manage-school-detail", args=[school_a.pk])

    saturday = as_bob.get(detail, {"datum": "2026-11-14"}).text
    autumn = as_bob.get(detail, {"datum": "2026-10-14"}).text  # shipped: noord 10-18 Oct 2026

    assert "gesloten" in saturday and "weekend" in saturday
    assert "gesloten" in autumn and "Herfstvakantie" in autumn


def test_a_coordinator_edits_and_deletes_their_schools_closed_day(
    as_bob: Client, school_a: School
) -> None:
    closure = factories.SchoolClosureFactory(school=school_a, reason="Studiedag")

    as_bob.post(
        reverse("manage-closure-update", args=[closure.pk]),
        {"start_date": "2026-11-11", "end_date": "2026-11-12", "reason": "Studiedagen"},
    )
    closure.refresh_from_db()
    assert closure.reason == "Studiedagen"

    confirmation = as_bob.get(reverse("manage-closure-delete", args=[closure.pk]))
    assert "Weet u zeker" in confirmation.text
    as_bob.post(reverse("manage-closure-delete", args=[closure.pk]))
    assert not SchoolClosure.objects.filter(pk=closure.pk).exists()


def test_a_closed_day_ending_before_it_starts_is_refused_and_nothing_changes(
    as_bob: Client, school_a: School
) -> None:
    response = as_bob.post(
        reverse("manage-closure-create", args=[school_a.pk]),
        {"start_date": "2026-11-12", "end_date": "2026-11-11", "reason": "Studiedag"},
    )

    assert response.status_code == 200
    assert "De laatste dag ligt" in response.text
    assert not SchoolClosure.objects.exists()


def test_a_second_closure_starting_the_same_day_is_refused_on_the_form(
    as_bob: Client, school_a: School
) -> None:
    factories.SchoolClosureFactory(school=school_a, start_date="2026-11-11")

    response = as_bob.post(
        reverse("manage-closure-create", args=[school_a.pk]),
        {"start_date": "2026-11-11", "reason": "Nog een"},
    )

    assert response.status_code == 200
    assert "Op deze dag begint al een sluiting van deze school." in response.text
    assert SchoolClosure.objects.count() == 1

"""Coordinators and trainers see only their own scope in the pages; the rest is a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import School, SchoolClosure, TrainerUnavailability
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


def test_a_coordinator_sees_only_their_own_school_in_the_list(
    as_bob: Client, school_a: School, school_b: School
) -> None:
    text = as_bob.get(reverse("manage-school-list")).text

    assert school_a.name in text
    assert school_b.name not in text


def test_a_coordinator_sees_their_own_schools_detail(as_bob: Client, school_a: School) -> None:
    response = as_bob.get(reverse("manage-school-detail", args=[school_a.pk]))

    assert response.status_code == 200
    assert school_a.name in response.text


def test_a_coordinator_gets_404_on_another_schools_detail(as_bob: Client, school_b: School) -> None:
    response = as_bob.get(reverse("manage-school-detail", args=[school_b.pk]))

    assert response.status_code == 404
    assert school_b.name not in response.text


def test_a_coordinator_gets_404_on_another_schools_closures(
    as_bob: Client, school_b: School
) -> None:
    closure = factories.SchoolClosureFactory(school=school_b, reason="Studiedag Anker")

    for name in ("manage-closure-update", "manage-closure-delete"):
        assert as_bob.get(reverse(name, args=[closure.pk])).status_code == 404, name
        assert as_bob.post(reverse(name, args=[closure.pk]), {}).status_code == 404, name
    response = as_bob.post(
        reverse("manage-closure-create", args=[school_b.pk]),
        {"start_date": "2026-11-11", "reason": "Sneaky"},
    )

    assert response.status_code == 404
    assert SchoolClosure.objects.filter(school=school_b).count() == 1
    assert SchoolClosure.objects.get(pk=closure.pk).reason == "Studiedag Anker"


def test_a_coordinator_does_not_see_the_edit_button_of_the_catalogue(
    as_bob: Client, school_a: School
) -> None:
    text = as_bob.get(reverse("manage-school-detail", args=[school_a.pk])).text

    assert reverse("manage-school-update", args=[school_a.pk]) not in text
    assert reverse("manage-closure-create", args=[school_a.pk]) in text


def test_a_trainer_sees_only_their_own_trainer_page(as_dave: Client, dave) -> None:
    other = factories.TrainerFactory()

    own = as_dave.get(reverse("manage-trainer-detail", args=[dave.pk]))
    foreign = as_dave.get(reverse("manage-trainer-detail", args=[other.pk]))

    assert own.status_code == 200
    assert foreign.status_code == 404


def test_a_trainers_shortcut_leads_to_their_own_page(as_dave: Client, dave) -> None:
    response = as_dave.get(reverse("manage-own-trainer"))

    assert response.status_code == 302
    assert response.url == reverse("manage-trainer-detail", args=[dave.pk])


def test_a_trainer_adds_and_deletes_their_own_unavailability(as_dave: Client, dave) -> None:
    response = as_dave.post(
        reverse("manage-unavailability-create", args=[dave.pk]),
        {"starts_at": "2026-11-02T08:00", "ends_at": "2026-11-06T17:00", "reason": "Vakantie"},
    )
    assert response.status_code == 302
    period = TrainerUnavailability.objects.get(trainer=dave)
    assert period.starts_at.date() == dt.date(2026, 11, 2)

    page = as_dave.get(reverse("manage-trainer-detail", args=[dave.pk])).text
    assert "Vakantie" in page

    assert as_dave.get(reverse("manage-unavailability-delete", args=[period.pk])).status_code == 200
    as_dave.post(reverse("manage-unavailability-delete", args=[period.pk]))
    assert not TrainerUnavailability.objects.filter(trainer=dave).exists()


def test_an_unavailability_ending_before_it_starts_is_refused(as_dave: Client, dave) -> None:
    response = as_dave.post(
        reverse("manage-unavailability-create", args=[dave.pk]),
        {"starts_at": "2026-11-06T17:00", "ends_at": "2026-11-02T08:00"},
    )

    assert response.status_code == 200
    assert "Het einde moet na het begin liggen." in response.text
    assert not TrainerUnavailability.objects.exists()


def test_a_trainer_gets_404_on_another_trainers_unavailability(as_dave: Client) -> None:
    other = factories.TrainerUnavailabilityFactory()

    assert as_dave.get(reverse("manage-unavailability-delete", args=[other.pk])).status_code == 404
    assert as_dave.post(reverse("manage-unavailability-delete", args=[other.pk])).status_code == 404
    assert (
        as_dave.post(
            reverse("manage-unavailability-create", args=[other.trainer.pk]),
            {"starts_at": "2026-11-02T08:00", "ends_at": "2026-11-06T17:00"},
        ).status_code
        == 404
    )
    assert TrainerUnavailability.objects.filter(pk=other.pk).exists()
    assert TrainerUnavailability.objects.count() == 1


def test_a_coordinator_gets_404_on_trainer_pages(as_bob: Client, dave) -> None:
    assert as_bob.get(reverse("manage-trainer-detail", args=[dave.pk])).status_code == 404


def test_a_trainer_sees_no_schools(as_dave: Client, school_a: School) -> None:
    assert as_dave.get(reverse("manage-school-detail", args=[school_a.pk])).status_code == 404
    assert as_dave.get(reverse("manage-school-list")).status_code == 403

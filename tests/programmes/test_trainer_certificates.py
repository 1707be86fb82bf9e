"""The manager records the certificate behind a trainer's qualification (issue 18, item 5):
on the trainer's page and in the API, refused with a clear message for a programme the
trainer is not qualified for or a date nobody means; the page marks an ended certificate."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import Qualification
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


@pytest.fixture
def kies(db: None) -> Any:
    return factories.ProgrammeFactory(code="kies-c", name_nl="KIES", name_en="KIES")


@pytest.fixture
def coach(kies: Any) -> Any:
    return factories.TrainerFactory(
        user=factories.UserFactory(first_name="Sanne", last_name="Coach"), qualifications=[kies]
    )


def test_the_manager_records_a_certificate_on_the_trainers_page(
    as_alice: Client, kies: Any, coach: Any
) -> None:
    url = reverse("manage-trainer-certificate", args=[coach.pk])
    answer = as_alice.post(
        url,
        {"programme": kies.pk, "certificate_number": "KIES-0042", "valid_until": "2027-06-30"},
        follow=True,
    )

    page = answer.content.decode()
    assert answer.redirect_chain[-1][0] == reverse("manage-trainer-detail", args=[coach.pk])
    assert "Het certificaat is opgeslagen." in page
    assert "certificaat KIES-0042" in page and "geldig tot en met 30 juni 2027" in page
    saved = Qualification.objects.get(trainer=coach, programme=kies)
    assert (saved.certificate_number, saved.valid_until) == ("KIES-0042", dt.date(2027, 6, 30))


def test_the_trainers_page_marks_an_ended_and_an_ending_certificate(
    as_alice: Client, kies: Any, coach: Any
) -> None:
    think = factories.ProgrammeFactory(code="think-c", name_nl="THINK", name_en="THINK")
    coach.qualifications.add(think)
    Qualification.objects.filter(trainer=coach, programme=kies).update(
        valid_until=dt.date(2026, 12, 1)
    )
    Qualification.objects.filter(trainer=coach, programme=think).update(
        valid_until=dt.date(2027, 1, 15)
    )
    page = as_alice.get(reverse("manage-trainer-detail", args=[coach.pk])).content.decode()
    assert "verlopen: leidt geen bijeenkomsten meer" in page
    assert "verloopt binnenkort" in page


def test_a_programme_the_trainer_is_not_qualified_for_is_refused(
    as_alice: Client, kies: Any, coach: Any
) -> None:
    other = factories.ProgrammeFactory(code="jes-c", name_nl="!JES", name_en="!JES")
    page = as_alice.post(
        reverse("manage-trainer-certificate", args=[coach.pk]),
        {"programme": other.pk, "valid_until": "2027-06-30"},
    )
    assert page.status_code == 200 and "Selecteer een geldige keuze" in page.content.decode()

    api = as_alice.post(
        f"/api/v1/trainers/{coach.pk}/certificate/",
        json.dumps({"programme": "jes-c", "valid_until": "2027-06-30"}),
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "Sanne Coach is niet gekwalificeerd voor !JES" in json.dumps(api.json())
    assert not Qualification.objects.filter(programme=other).exists()


def test_the_api_records_and_shows_certificates_and_refuses_a_date_nobody_means(
    as_alice: Client, kies: Any, coach: Any
) -> None:
    url = f"/api/v1/trainers/{coach.pk}/certificate/"
    send = {"programme": "kies-c", "certificate_number": "K-1", "valid_until": "9999-01-01"}
    refused = as_alice.post(url, json.dumps(send), content_type="application/json")
    assert refused.status_code == 400 and "valid_until" in refused.json()

    send["valid_until"] = "2027-06-30"
    answer = as_alice.post(url, json.dumps(send), content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["certificates"] == [
        {"programme": "kies-c", "certificate_number": "K-1", "valid_until": "2027-06-30"}
    ]


def test_only_the_manager_records_certificates(as_dave: Client, dave: Any, kies: Any) -> None:
    dave.qualifications.add(kies)
    assert as_dave.get(reverse("manage-trainer-certificate", args=[dave.pk])).status_code == 403
    api = as_dave.post(
        f"/api/v1/trainers/{dave.pk}/certificate/",
        json.dumps({"programme": "kies-c", "valid_until": "2030-01-01"}),
        content_type="application/json",
    )
    assert api.status_code == 403
    # The trainer sees their own certificates, without a change link.
    page = as_dave.get(reverse("manage-trainer-detail", args=[dave.pk])).content.decode()
    assert "KIES" in page and "verloopt niet" in page
    assert reverse("manage-trainer-certificate", args=[dave.pk]) not in page


def test_the_managers_start_page_lists_certificates_ending_within_sixty_days(
    as_alice: Client, kies: Any, coach: Any
) -> None:
    from tests.enrolment.staff_support import query_count

    Qualification.objects.filter(trainer=coach).update(valid_until=dt.date(2027, 1, 20))
    page = as_alice.get("/start/programmabeheer/").content.decode()
    assert "Certificaten die binnen 60 dagen verlopen" in page
    assert "Sanne Coach, KIES</a>: geldig tot en met 20 januari 2027" in page
    link = reverse("manage-trainer-certificate", args=[coach.pk])
    assert f'href="{link}?programme={kies.pk}"' in page

    few = query_count(lambda: as_alice.get("/start/programmabeheer/"))
    for number in range(5):
        other = factories.TrainerFactory(qualifications=[kies])
        Qualification.objects.filter(trainer=other).update(
            valid_until=dt.date(2026, 12, 10 + number)
        )
    assert query_count(lambda: as_alice.get("/start/programmabeheer/")) == few

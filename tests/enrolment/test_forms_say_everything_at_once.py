"""Forms say everything at once (issue 17, item 3): a bad e-mail address no longer hides
that the child is too young for the group until the next try; the enrolment form and the
public API name both problems in one answer, and save nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from enrolment.models import Enrolment
from tests.enrolment.test_public_enrolment_form import form_data, form_url

pytestmark = pytest.mark.django_db

TOO_YOUNG = "is op 02-11-2026 4 jaar; KIES is voor kinderen van 7 tot en met 17 jaar"


def test_the_form_names_the_bad_address_and_the_age_in_one_round(
    client: Client, group: Any, host: Any
) -> None:
    client.get(form_url(group, host))
    data = form_data(group, host)
    data.update({"email": "anna@", "child-0-date_of_birth": "2022-03-01"})

    page = client.post(form_url(group, host), data).content.decode()

    assert "e-mailadres" in page.lower() and "geldig" in page.lower()
    assert TOO_YOUNG in page
    assert Enrolment.objects.count() == 0


def test_the_api_names_every_problem_in_one_400(client: Client, group: Any, host: Any) -> None:
    from tests.enrolment.test_api_public_enrolment_flow import form, post

    body = form(group, host)
    body["enroller"]["email"] = "anna@"
    body["children"][0]["date_of_birth"] = "2022-03-01"

    answer = post(client, "public/enrolments/", body)

    assert answer.status_code == 400
    errors = json.dumps(answer.json(), ensure_ascii=False)
    assert "enroller" in answer.json() and TOO_YOUNG in errors
    assert Enrolment.objects.count() == 0


def test_a_child_whose_own_fields_are_wrong_gets_no_guess_about_eligibility(
    client: Client, group: Any, host: Any
) -> None:
    client.get(form_url(group, host))
    data = form_data(group, host)
    data.update({"email": "anna@", "child-0-date_of_birth": "niet een datum"})
    page = client.post(form_url(group, host), data).content.decode()
    assert "jaar; KIES is voor kinderen" not in page

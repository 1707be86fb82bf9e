"""A date of birth in the future or from before any child could join is refused with the
same message on the page and in the API (never "-7973 jaar")."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.clock import on_day
from tests.enrolment.test_api_public_enrolment_flow import counts, form, post
from tests.enrolment.test_public_enrolment_form import form_data, form_url

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

FUTURE = "De geboortedatum ligt in de toekomst. Kijk de datum na."
OLD = "Kijk de geboortedatum na: het jaar klopt niet."


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


@pytest.mark.parametrize(
    ("born", "message"), [("9999-03-01", FUTURE), ("2026-12-07", FUTURE), ("1995-03-01", OLD)]
)
def test_the_api_refuses_an_impossible_date_of_birth_in_words(
    client: Client, group: Any, host: Any, consent_text: Any, born: str, message: str
) -> None:
    before = counts()
    answer = post(client, "public/enrolments/", form(group, host, born=born))
    assert answer.status_code == 400
    assert answer.json()["children.0"] == [message]
    assert counts() == before


@pytest.mark.parametrize(("born", "message"), [("01-03-9999", FUTURE), ("01-03-1995", OLD)])
def test_the_page_refuses_it_with_the_same_message(
    client: Client, group: Any, host: Any, consent_text: Any, born: str, message: str
) -> None:
    response = client.post(
        form_url(group, host), form_data(group, host, **{"child-0-date_of_birth": born})
    )
    assert response.status_code == 200
    assert message in response.text
    assert "jaar;" not in response.text

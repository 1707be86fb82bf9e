"""The API's refusals speak the site's language: no "Expected available in 37 seconds."
and no "No Enrolment matches the given query." (which also names the model)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


@pytest.mark.parametrize(("language", "words"), [("nl", "Niet gevonden."), ("en", "Not found.")])
def test_an_unknown_object_is_not_found_without_the_models_name(
    as_alice: Client, language: str, words: str
) -> None:
    response = as_alice.get(f"{API}/programmes/999999/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"detail": words}


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("nl", "Te veel verzoeken. Probeer het over "),
        ("en", "Too many requests. Please try again in "),
    ],
)
def test_a_throttled_request_says_when_to_try_again_in_the_sites_language(
    client: Client, language: str, start: str, settings: Any
) -> None:
    settings.ENROLMENT_RATE_LIMITS = {**settings.ENROLMENT_RATE_LIMITS, "read-per-address": 30}
    for _i in range(30):
        client.get(f"{API}/public/schools/", HTTP_ACCEPT_LANGUAGE=language)
    refused = client.get(f"{API}/public/schools/", HTTP_ACCEPT_LANGUAGE=language)
    assert refused.status_code == 429
    detail = refused.json()["detail"]
    assert detail.startswith(start), detail
    assert "Expected" not in detail
    assert refused.headers["Retry-After"] in detail

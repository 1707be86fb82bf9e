"""The public enrolment endpoints are rate-limited per client; staff endpoints are not.

The mechanics with small limits; the production numbers and a shared network at an
opening: test_rate_limits_at_an_opening.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.enrolment.test_api_public_enrolment_flow import API, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters(settings: Any) -> None:
    settings.ENROLMENT_RATE_LIMITS = {
        **settings.ENROLMENT_RATE_LIMITS,
        "read-per-address": 30,
        "submit-per-address": 10,
        "link-per-address": 20,
    }
    cache.clear()


def test_the_31st_search_within_the_window_is_refused_with_429(client: Client, host: Any) -> None:
    for _i in range(30):
        assert client.get(f"{API}/public/schools/", {"search": "x"}).status_code == 200
    refused = client.get(f"{API}/public/schools/", {"search": "x"})
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    # Another client (address) still gets through.
    other = client.get(f"{API}/public/schools/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_limit_frees_up_after_the_window(client: Client, host: Any, _today: Any) -> None:
    for _i in range(30):
        client.get(f"{API}/public/schools/")
    assert client.get(f"{API}/public/schools/").status_code == 429
    _today.shift(601)
    assert client.get(f"{API}/public/schools/").status_code == 200


def test_enrolment_posts_have_their_own_stricter_limit(
    client: Client, settings: Any, consent_text: Any
) -> None:
    for _i in range(10):
        assert post(client, "public/enrolments/", {}).status_code == 400
    assert post(client, "public/enrolments/", {}).status_code == 429
    # Reading is a different budget.
    assert client.get(f"{API}/public/consent-text/").status_code == 200


def test_link_actions_are_limited_too(client: Client, settings: Any) -> None:
    for _i in range(20):
        assert post(client, "public/links/status/", {"token": "x" * 43}).status_code == 400
    assert post(client, "public/links/status/", {"token": "x" * 43}).status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client: Client, host: Any) -> None:
    for i in range(30):
        client.get(f"{API}/public/schools/", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    forged = client.get(f"{API}/public/schools/", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert forged.status_code == 429


def test_the_rate_follows_the_setting(client: Client, settings: Any, host: Any) -> None:
    settings.ENROLMENT_RATE_LIMITS = {**settings.ENROLMENT_RATE_LIMITS, "read-per-address": 2}
    assert client.get(f"{API}/public/schools/").status_code == 200
    assert client.get(f"{API}/public/schools/").status_code == 200
    assert client.get(f"{API}/public/schools/").status_code == 429


def test_staff_endpoints_are_not_throttled(as_alice: Client) -> None:
    for _i in range(40):
        assert as_alice.get(f"{API}/enrolments/").status_code == 200

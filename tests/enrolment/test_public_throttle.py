"""The public POSTs are rate-limited per client address in windows of 10 minutes, then a
friendly 429. The mechanics with a small limit (20); the production numbers and a shared
network at an opening: test_rate_limits_at_an_opening.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from enrolment.models import Interest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings: Any) -> Any:
    settings.ENROLMENT_RATE_LIMITS = {
        **settings.ENROLMENT_RATE_LIMITS,
        "submit-per-address": 20,
        "link-per-address": 20,
    }
    cache.clear()
    yield
    cache.clear()


def post_interest(client: Client, school: Any, programme: Any, address: str) -> Any:
    return client.post(
        f"/aanmelden/school/{school.pk}/belangstelling/",
        {"programme": programme.pk},
        REMOTE_ADDR=address,
    )


def test_the_21st_post_in_ten_minutes_is_refused_with_a_friendly_page(
    client: Client, kies: Any, school_a: Any
) -> None:
    for _ in range(20):
        assert post_interest(client, school_a, kies, "203.0.113.7").status_code == 302
    refused = post_interest(client, school_a, kies, "203.0.113.7")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Belangstelling doorgeven" in page  # the form again, with the refusal on it
    assert "Probeer het over ongeveer 10 minuten opnieuw." in page
    assert refused["Retry-After"] == "600"
    assert Interest.objects.count() == 20


def test_the_limit_is_per_client(client: Client, kies: Any, school_a: Any) -> None:
    for _ in range(21):
        post_interest(client, school_a, kies, "203.0.113.7")
    assert post_interest(client, school_a, kies, "198.51.100.4").status_code == 302


def test_reading_pages_is_never_limited(client: Client, kies: Any, school_a: Any) -> None:
    for _ in range(21):
        post_interest(client, school_a, kies, "203.0.113.7")
    response = client.get(f"/aanmelden/school/{school_a.pk}/", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200


def test_the_limit_lifts_after_the_window(
    client: Client, kies: Any, school_a: Any, _today: Any
) -> None:
    for _ in range(21):
        post_interest(client, school_a, kies, "203.0.113.7")
    _today.shift(dt.timedelta(minutes=11))
    assert post_interest(client, school_a, kies, "203.0.113.7").status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/aanmelden/groep/1/",
        "/aanmelden/link/whatever/",
        "/aanmelden/link/x/afmelden/6f1c1f43-5d5e-4f51-9a47-4f8e0d5e3a11/",
    ],
)
def test_the_enrolment_form_and_the_link_actions_are_limited_too(
    client: Client, db: None, url: str
) -> None:
    for _ in range(20):
        client.post(url, {}, REMOTE_ADDR="203.0.113.9")
    assert client.post(url, {}, REMOTE_ADDR="203.0.113.9").status_code == 429

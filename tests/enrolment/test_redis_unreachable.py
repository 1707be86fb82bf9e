"""While Redis cannot be reached, the cache answers as an empty one (core/cache.py):
parents still find their school and enrol, and staff stay signed in, from the database;
the rate limits let requests through; the outage is logged, but not once per request."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from core import cache as config_cache
from core.cache import count_hit
from enrolment.models import Enrolment
from tests.enrolment.test_api_public_enrolment_flow import API, form, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def redis_down(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedClientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setattr(config_cache, "_last_warning", 0.0)


def test_reads_are_misses_and_writes_are_dropped() -> None:
    cache.set("seats", 3)
    assert cache.get("seats", "none") == "none"
    assert cache.get_many(["seats", "other"]) == {}
    assert cache.add("seats", 4) is False
    assert cache.has_key("seats") is False
    assert cache.delete("seats") is False
    cache.set_many({"a": 1})
    cache.delete_many(["a"])


def test_the_rate_limit_lets_requests_through() -> None:
    assert [count_hit("throttle:test", 60) for _ in range(3)] == [1, 1, 1]


def test_a_parent_finds_the_school_and_enrols(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    found = client.get(f"{API}/public/schools/", {"search": host.name})
    assert found.status_code == 200
    assert [s["id"] for s in found.json()["results"]] == [host.pk]
    listed = client.get(f"{API}/public/schools/{host.pk}/groups/")
    assert [g["id"] for g in listed.json()] == [group.pk]
    assert client.get(f"{API}/public/consent-text/").json()["version"] == consent_text.version
    answer = post(client, "public/enrolments/", form(group, host))
    assert answer.status_code == 201, answer.content
    assert Enrolment.objects.get().status == "awaiting_consent"


def test_the_pages_answer(client: Client, group: Any, host: Any, consent_text: Any) -> None:
    assert client.get("/aanmelden/", {"q": host.name}).status_code == 200
    assert client.get(f"/aanmelden/school/{host.pk}/").status_code == 200
    page = client.get(f"/aanmelden/groep/{group.pk}/", {"school": host.pk})
    assert page.status_code == 200
    assert 'name="idempotency_key"' in page.content.decode()


def test_staff_stay_signed_in_from_the_database_sessions(as_alice: Client) -> None:
    # Sessions are `cached_db`: the dropped cache write leaves the database copy.
    assert as_alice.get("/inschrijvingen/").status_code == 200


def test_the_outage_is_logged_once_not_per_request(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(5):
            cache.get("seats")
    warnings = [r for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()

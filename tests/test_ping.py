"""`/api/v1/ping/` answers without touching the database, the cache or a log-in."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_answers_ok_without_logging_in_or_querying_the_database(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_it_never_asks_the_cache_or_redis(client: Client, settings: Any) -> None:
    # Were it throttled or authenticated by token, it would reach the cache or Redis.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    with (
        mock.patch("django.core.cache.cache.get", side_effect=AssertionError("cache read")),
        mock.patch("redis.Redis.from_url", side_effect=AssertionError("redis used")),
    ):
        response = client.get("/api/v1/ping/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 200


def test_it_only_answers_get(client: Client) -> None:
    response = client.post("/api/v1/ping/", data="{}", content_type="application/json")
    assert response.status_code == 405


def test_it_is_documented_in_the_schema_without_authentication(client: Client) -> None:
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    operation = schema["paths"]["/api/v1/ping/"]["get"]
    assert operation["operationId"] == "ping_retrieve"
    # Public operations carry no security requirement (the staff API lists tokenAuth).
    assert "security" not in operation

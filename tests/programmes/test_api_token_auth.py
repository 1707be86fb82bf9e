"""API clients sign in with a token obtained for a username and password."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from programmes.api import TokenRateThrottle
from programmes.api_tokens import api_token_create, hash_api_token
from programmes.models import ApiToken
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fast_passwords_and_a_fresh_throttle(settings: Any) -> None:
    # Runs before the personas are made, so their passwords use the fast hasher too.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


def test_a_username_and_password_give_a_token(client: Client, bob: Any) -> None:
    response = client.post(
        TOKEN_URL,
        {"username": "bob", "password": factories.PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "prefix", "expires_at"}
    stored = ApiToken.objects.get(user=bob)
    assert stored.key_hash == hash_api_token(body["token"])
    assert body["prefix"] == body["token"][:8] == stored.prefix


def test_the_token_opens_the_api_in_the_users_own_scope(
    client: Client, bob: Any, school_a: Any, school_b: Any
) -> None:
    key = client.post(TOKEN_URL, {"username": "bob", "password": factories.PASSWORD}).json()[
        "token"
    ]
    response = client.get("/api/v1/schools/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [school_a.pk]
    assert (
        client.get(f"/api/v1/schools/{school_b.pk}/", HTTP_AUTHORIZATION=f"Token {key}").status_code
        == 404
    )


def test_asking_twice_gives_two_different_tokens_that_both_work(client: Client, bob: Any) -> None:
    credentials = {"username": "bob", "password": factories.PASSWORD}
    first = client.post(TOKEN_URL, credentials).json()["token"]
    second = client.post(TOKEN_URL, credentials).json()["token"]
    assert first != second
    for key in (first, second):
        assert client.get("/api/v1/schools/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_a_wrong_password_gives_a_400_and_no_token(client: Client, bob: Any) -> None:
    response = client.post(TOKEN_URL, {"username": "bob", "password": "wrong"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ApiToken.objects.exists()


def test_a_wrong_or_missing_token_is_a_401(client: Client) -> None:
    wrong = client.get("/api/v1/programmes/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert wrong.status_code == 401
    assert "detail" in wrong.json()
    assert client.get("/api/v1/programmes/").status_code == 401


def test_a_token_user_may_write_without_a_csrf_token(bob: Any, school_a: Any) -> None:
    key = api_token_create(user=bob).raw
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/api/v1/school-closures/",
        {"school": school_a.pk, "start_date": "2026-11-11", "reason": "Studiedag"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 201, response.json()


def test_a_session_user_must_send_a_csrf_token_to_write(bob: Any, school_a: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(bob)
    response = strict.post(
        "/api/v1/school-closures/",
        {"school": school_a.pk, "start_date": "2026-11-11", "reason": "Studiedag"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_password_guessing_at_the_token_endpoint_is_slowed_down(
    client: Client, bob: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TokenRateThrottle, "rate", "3/min")
    statuses = [
        client.post(TOKEN_URL, {"username": "bob", "password": f"guess-{n}"}).status_code
        for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    refused = client.post(TOKEN_URL, {"username": "bob", "password": factories.PASSWORD})
    assert refused.status_code == 429
    assert "Retry-After" in refused

"""API tokens are stored hashed, expire, can be revoked, and stop with their user.

A token is shown once, when it is made; the database holds only its SHA-256. A token that
is unknown, expired or revoked, or whose user is no longer active, gets a 401 that says
why; `DELETE /api/v1/auth/token/` revokes the token it is sent with.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.api_tokens import (
    LAST_USED_RESOLUTION,
    MAX_ACTIVE_PER_USER,
    api_token_create,
    api_token_resolve,
    api_token_revoke,
    hash_api_token,
)
from programmes.models import ApiToken
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

TOKEN_URL = "/api/v1/auth/token/"
API = "/api/v1/programmes/"
# 10:00 in Amsterdam (winter time).
START = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def get(raw: str, url: str = API) -> Any:
    return Client().get(url, HTTP_AUTHORIZATION=f"Token {raw}")


def token_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "programmes_apitoken" in q["sql"]
    ]


# --- what is stored ---------------------------------------------------------------------


def test_a_new_token_opens_the_api(bob: Any) -> None:
    raw = api_token_create(user=bob).raw
    response = get(raw)
    assert response.status_code == 200
    assert response.json()["count"] >= 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/schools/",
        "/api/v1/groups/",
        "/api/v1/enrolments/",
        "/api/v1/cofinancing/agreements/",
    ],
)
def test_the_token_works_on_every_apps_staff_api(alice: Any, url: str) -> None:
    assert get(api_token_create(user=alice).raw, url).status_code == 200


def test_only_a_hash_of_the_token_is_stored(client: Client, bob: Any) -> None:
    body = client.post(
        TOKEN_URL,
        {"username": "bob", "password": factories.PASSWORD, "name": "Rapportage-script"},
        content_type="application/json",
    ).json()
    raw = body["token"]
    assert len(raw) >= 43  # 256 random bits

    row = ApiToken.objects.values().get()
    assert row["key_hash"] == hash_api_token(raw) != raw
    assert row["name"] == "Rapportage-script"
    assert not any(raw in str(value) for value in row.values())
    assert row["prefix"] == raw[:8]


def test_a_token_expires_after_the_configured_number_of_days(
    client: Client, bob: Any, settings: Any, clock: Any
) -> None:
    settings.API_TOKEN_TTL_DAYS = 7
    body = client.post(TOKEN_URL, {"username": "bob", "password": factories.PASSWORD}).json()

    assert dt.datetime.fromisoformat(body["expires_at"]) == START + dt.timedelta(days=7)
    assert ApiToken.objects.get().expires_at == START + dt.timedelta(days=7)


def test_an_inactive_user_gets_no_token(bob: Any) -> None:
    bob.is_active = False
    bob.save()
    with pytest.raises(ValidationError):
        api_token_create(user=bob)
    assert not ApiToken.objects.exists()


def test_beyond_the_maximum_the_oldest_working_token_is_revoked(bob: Any, clock: Any) -> None:
    raws = []
    for _ in range(MAX_ACTIVE_PER_USER + 1):
        raws.append(api_token_create(user=bob).raw)
        clock.shift(dt.timedelta(seconds=1))

    assert get(raws[0]).status_code == 401
    assert all(get(raw).status_code == 200 for raw in raws[1:])
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == MAX_ACTIVE_PER_USER


# --- refusals ---------------------------------------------------------------------------


def test_an_expired_token_gets_a_401_that_says_so(bob: Any, clock: Any, settings: Any) -> None:
    settings.API_TOKEN_TTL_DAYS = 30
    raw = api_token_create(user=bob).raw
    clock.shift(dt.timedelta(days=30) - dt.timedelta(seconds=1))
    assert get(raw).status_code == 200

    clock.shift(dt.timedelta(seconds=1))
    response = get(raw)

    assert response.status_code == 401
    assert response.json()["detail"] == "Dit token is verlopen; vraag een nieuw token aan."
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_gets_a_401_that_says_so(bob: Any) -> None:
    issued = api_token_create(user=bob)
    assert api_token_revoke(token=issued.token) is True

    response = get(issued.raw)

    assert response.status_code == 401
    assert response.json()["detail"] == "Dit token is ingetrokken; vraag een nieuw token aan."
    assert api_token_revoke(token=issued.token) is False  # already revoked


def test_the_token_of_a_deactivated_user_gets_a_401(bob: Any) -> None:
    raw = api_token_create(user=bob).raw
    bob.is_active = False
    bob.save()

    response = get(raw)

    assert response.status_code == 401
    assert response.json()["detail"] == "Dit account is niet actief."


@pytest.mark.parametrize(
    "header",
    [
        "Token not-a-real-token",
        "Token " + "x" * 500,
        "Token",
        "Token two parts",
        "Token tëst",
    ],
    ids=["unknown", "very-long", "no-value", "spaces", "not-ascii"],
)
def test_a_wrong_token_gets_a_401(bob: Any, header: str) -> None:
    api_token_create(user=bob)  # a real token exists; a wrong one must still not work
    response = Client().get(API, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"]


def test_a_request_without_a_token_gets_a_401_asking_for_one(client: Client) -> None:
    response = client.get(API)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# --- revoking through the API -----------------------------------------------------------


def test_delete_revokes_the_token_it_is_sent_with_and_no_other(bob: Any) -> None:
    kept = api_token_create(user=bob).raw
    issued = api_token_create(user=bob)
    client = Client(HTTP_AUTHORIZATION=f"Token {issued.raw}")

    response = client.delete(TOKEN_URL)

    assert response.status_code == 204
    assert client.get(API).status_code == 401
    assert client.delete(TOKEN_URL).status_code == 401
    assert get(kept).status_code == 200
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None


def test_delete_needs_the_token_itself_not_a_session(bob: Any, as_bob: Client) -> None:
    issued = api_token_create(user=bob)

    anonymous = Client().delete(TOKEN_URL)
    with_session = as_bob.delete(TOKEN_URL)

    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert with_session.status_code == 401
    assert get(issued.raw).status_code == 200


def test_a_client_still_sending_an_expired_token_can_get_a_new_one(
    bob: Any, clock: Any, settings: Any
) -> None:
    settings.API_TOKEN_TTL_DAYS = 1
    old = api_token_create(user=bob).raw
    clock.shift(dt.timedelta(days=2))
    client = Client(HTTP_AUTHORIZATION=f"Token {old}")

    response = client.post(TOKEN_URL, {"username": "bob", "password": factories.PASSWORD})

    assert response.status_code == 200
    assert get(response.json()["token"]).status_code == 200


# --- last use ---------------------------------------------------------------------------


def test_last_use_is_recorded_but_not_written_on_every_request(bob: Any, clock: Any) -> None:
    issued = api_token_create(user=bob)
    assert issued.token.last_used_at is None

    with CaptureQueriesContext(connection) as first:
        get(issued.raw)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == START
    assert len(token_writes(first)) == 1

    clock.shift(LAST_USED_RESOLUTION - dt.timedelta(seconds=1))
    with CaptureQueriesContext(connection) as soon_after:
        for _ in range(3):
            assert get(issued.raw).status_code == 200
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == START
    assert token_writes(soon_after) == []

    clock.shift(dt.timedelta(seconds=1))
    get(issued.raw)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == START + LAST_USED_RESOLUTION


def test_resolving_a_recently_used_token_is_one_query(
    bob: Any, clock: Any, django_assert_num_queries: Any
) -> None:
    raw = api_token_create(user=bob).raw
    with django_assert_num_queries(2):  # the token with its user, and the last use
        api_token_resolve(raw)
    with django_assert_num_queries(1):
        token = api_token_resolve(raw)
    assert token.user == bob


# --- documentation ----------------------------------------------------------------------


def test_the_schema_still_documents_the_token_scheme(client: Client) -> None:
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)

    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    endpoint = schema["paths"][TOKEN_URL]
    assert "security" not in endpoint["post"]
    assert endpoint["delete"]["security"] == [{"tokenAuth": []}]
    assert set(schema["components"]["schemas"]["Token"]["properties"]) == {
        "token",
        "prefix",
        "expires_at",
    }
    # Every app's staff API offers the token first (which also makes anonymous calls 401).
    secured = [
        (path, operation["security"])
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if "security" in operation
    ]
    assert {path.split("/")[3] for path, _ in secured} >= {
        "schools",
        "groups",
        "enrolments",
        "cofinancing",
        "reports",
    }
    assert all(security[0] == {"tokenAuth": []} for _, security in secured)


# --- the admin --------------------------------------------------------------------------

CHANGELIST = reverse("admin:programmes_apitoken_changelist")


def test_the_manager_sees_tokens_in_the_admin_without_their_secret(
    as_alice: Client, bob: Any
) -> None:
    issued = api_token_create(user=bob, name="Koppeling leerlingvolgsysteem")

    page = as_alice.get(CHANGELIST).content.decode()
    detail = as_alice.get(
        reverse("admin:programmes_apitoken_change", args=[issued.token.pk])
    ).content.decode()

    assert "Koppeling leerlingvolgsysteem" in page
    assert issued.token.prefix in page
    for html in (page, detail):
        assert issued.raw not in html
        assert issued.token.key_hash not in html


def test_the_manager_revokes_a_token_in_the_admin(as_alice: Client, bob: Any) -> None:
    issued = api_token_create(user=bob)

    response = as_alice.post(
        CHANGELIST,
        {"action": "revoke", "_selected_action": [issued.token.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 API-token ingetrokken." in response.content.decode()
    assert get(issued.raw).status_code == 401


@pytest.mark.parametrize("persona", ["as_bob", "as_dave", "as_eve"])
def test_other_roles_cannot_see_tokens_in_the_admin(
    persona: str, request: pytest.FixtureRequest
) -> None:
    client: Client = request.getfixturevalue(persona)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_token_list_takes_as_many_queries_for_ten_tokens_as_for_two(
    as_alice: Client, bob: Any, carol: Any
) -> None:
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_alice.get(CHANGELIST).status_code == 200
        return len(queries)

    api_token_create(user=bob)
    api_token_create(user=carol)
    with_two = queries_for_list()
    for user in (bob, carol):
        for _ in range(4):
            api_token_create(user=user)
    assert ApiToken.objects.count() == 10
    assert queries_for_list() == with_two

"""Log-in throttling: five wrong passwords lock one username from one address for 15 minutes.

django-axes counts failures per (username, address); the lock answers 429 with a Dutch page
that says when to try again, and a good log-in clears the count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

# 13:00 in Amsterdam (winter time), so the page must say 13:15.
NOON_UTC = dt.datetime(2026, 1, 12, 12, 0, tzinfo=dt.UTC)
LOGIN = reverse("login")


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with time_machine.travel(NOON_UTC, tick=False) as traveller:
        yield traveller


def log_in(client: Client, username: str, password: str, address: str = "192.0.2.10") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, address: str = "192.0.2.10") -> list[int]:
    return [log_in(client, username, "wrong", address).status_code for _ in range(times)]


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused(
    alice: Any,
) -> None:
    client = Client()

    assert fail(client, "alice", 4) == [200, 200, 200, 200]
    fifth = log_in(client, "alice", "wrong")
    right = log_in(client, "alice", factories.PASSWORD)

    assert fifth.status_code == 429
    assert right.status_code == 429
    assert not is_logged_in(client)
    page = right.text
    assert "Inloggen tijdelijk geblokkeerd" in page
    assert "Probeer het na 13:15 opnieuw (over 15 minuten)." in page
    assert right["Content-Security-Policy"]


def test_another_user_from_the_same_address_can_still_log_in(alice: Any, bob: Any) -> None:
    client = Client()
    fail(client, "alice", 5)

    response = log_in(client, "bob", factories.PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_same_user_from_another_address_can_still_log_in(alice: Any) -> None:
    fail(Client(), "alice", 5, address="192.0.2.10")
    client = Client()

    response = log_in(client, "alice", factories.PASSWORD, address="198.51.100.7")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(alice: Any) -> None:
    client = Client()
    fail(client, "alice", 5)

    response = client.post(
        LOGIN,
        {"username": "alice", "password": factories.PASSWORD},
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )

    assert response.status_code == 429


def test_after_the_cool_off_the_right_password_logs_in(alice: Any, _frozen_clock: Any) -> None:
    client = Client()
    fail(client, "alice", 5)

    _frozen_clock.shift(dt.timedelta(minutes=14))
    assert log_in(client, "alice", factories.PASSWORD).status_code == 429
    # That refused attempt counts as a failure, so the lock now runs 15 minutes from it.
    _frozen_clock.shift(dt.timedelta(minutes=14))
    assert log_in(client, "alice", factories.PASSWORD).status_code == 429
    _frozen_clock.shift(dt.timedelta(minutes=15, seconds=1))
    response = log_in(client, "alice", factories.PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_good_log_in_clears_the_failures(alice: Any) -> None:
    client = Client()
    fail(client, "alice", 4)
    assert log_in(client, "alice", factories.PASSWORD).status_code == 302
    client.post(reverse("logout"))

    assert fail(client, "alice", 4) == [200, 200, 200, 200]
    assert log_in(client, "alice", factories.PASSWORD).status_code == 302


def test_the_api_token_endpoint_is_locked_by_the_same_count(client: Client, bob: Any) -> None:
    cache.clear()  # the endpoint's own rate limit (20/min) must not be what refuses
    url = reverse("api-token")
    for _ in range(5):
        client.post(url, {"username": "bob", "password": "wrong"}, REMOTE_ADDR="192.0.2.10")

    right = {"username": "bob", "password": factories.PASSWORD}
    locked = client.post(url, right, REMOTE_ADDR="192.0.2.10")
    elsewhere = client.post(url, right, REMOTE_ADDR="198.51.100.7")

    # DRF turns the refusal into its usual 400; the lock shows in that the right password
    # gets no token from the locked address while it does from another one.
    assert locked.status_code == 400
    assert "token" not in locked.json()
    assert elsewhere.status_code == 200
    assert "token" in elsewhere.json()


def test_the_admin_log_in_is_locked_by_the_same_count(alice: Any) -> None:
    client = Client()
    fail(client, "alice", 5)

    response = client.post(
        reverse("admin:login"),
        {"username": "alice", "password": factories.PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="192.0.2.10",
    )

    assert response.status_code == 429
    assert not is_logged_in(client)

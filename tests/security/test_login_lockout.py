"""Log-in throttling: five wrong passwords lock one username from one address for 15 minutes;
twenty from any number of addresses lock the account everywhere (password spraying).

django-axes counts failures per (username, address) and per username; the lock answers 429
with a Dutch page (and from the API token endpoint) that says when to try again, the same
for a username with or without an account; the owner gets one e-mail per lock; a good
log-in clears the count.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from notifications.models import OutboxMessage
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

    # The lock answers 429 as the log-in page does; another address still gets a token.
    assert locked.status_code == 429
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


# --- password spraying: one account from many addresses -------------------------------------


def addresses(count: int) -> list[str]:
    return [f"198.51.100.{n}" for n in range(1, count + 1)]


def spray(username: str, *, addresses_used: int = 40, per_address: int = 4) -> list[int]:
    """`per_address` wrong passwords (one under the pair limit) from each address in turn."""
    statuses = []
    for address in addresses(addresses_used):
        statuses += fail(Client(), username, per_address, address=address)
    return statuses


def lock_mails() -> Any:
    return OutboxMessage.objects.filter(kind="account_locked")


def test_wrong_passwords_from_forty_addresses_lock_the_account(alice: Any) -> None:
    statuses = spray("alice")  # 160 wrong passwords, 4 from each address
    client = Client()

    right = log_in(client, "alice", factories.PASSWORD, address="203.0.113.200")

    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}  # the twentieth locks the account
    assert right.status_code == 429
    assert not is_logged_in(client)
    assert "Probeer het na 13:15 opnieuw" in right.text
    assert right["Retry-After"] == "900"


def test_the_account_lock_ends_after_the_cool_off(alice: Any, _frozen_clock: Any) -> None:
    spray("alice", addresses_used=5)
    _frozen_clock.shift(dt.timedelta(minutes=15, seconds=1))
    client = Client()

    assert log_in(client, "alice", factories.PASSWORD, address="203.0.113.200").status_code == 302


def test_the_owner_gets_one_mail_per_lock_saying_only_when(alice: Any) -> None:
    spray("alice")  # one lock, then 140 refused attempts that keep it

    (mail,) = lock_mails()
    assert mail.to_email == alice.email
    assert mail.subject == "Inloggen op uw account tijdelijk geblokkeerd"
    assert "om 13:00" in mail.body_text
    assert "Vanaf 13:15" in mail.body_text
    for address in [*addresses(40), "198.51.100"]:
        assert address not in mail.body_text + mail.body_html
    assert "wrong" not in mail.body_text


def test_a_lock_from_one_address_mails_the_owner_once(alice: Any) -> None:
    fail(Client(), "alice", 12)

    assert lock_mails().count() == 1


def test_a_new_lock_after_the_cool_off_mails_again(alice: Any, _frozen_clock: Any) -> None:
    fail(Client(), "alice", 5)
    _frozen_clock.shift(dt.timedelta(minutes=16))
    fail(Client(), "alice", 5)

    assert lock_mails().count() == 2


def test_mistakes_under_the_limit_send_nothing(alice: Any) -> None:
    spray("alice", addresses_used=4)  # 16 wrong passwords, 4 per address

    assert not lock_mails().exists()


def test_an_unknown_username_is_locked_alike_and_nobody_is_mailed(alice: Any) -> None:
    known = spray("alice", addresses_used=6)
    unknown = spray("nobody", addresses_used=6)
    known_page = log_in(Client(), "alice", factories.PASSWORD, address="203.0.113.200")
    unknown_page = log_in(Client(), "nobody", factories.PASSWORD, address="203.0.113.200")

    assert known == unknown
    assert known_page.status_code == unknown_page.status_code == 429
    assert known_page["Retry-After"] == unknown_page["Retry-After"]
    assert without_csrf(known_page.text) == without_csrf(unknown_page.text)
    assert [mail.to_email for mail in lock_mails()] == [alice.email]


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def token_request(username: str, password: str, address: str) -> Any:
    cache.clear()  # the endpoint's own rate limit (20/min) must not be what refuses
    return Client().post(
        reverse("api-token"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_api_token_endpoint_answers_a_sprayed_account_with_429(alice: Any) -> None:
    for address in addresses(5):
        for _ in range(4):
            token_request("alice", "wrong", address)

    locked = token_request("alice", factories.PASSWORD, "203.0.113.200")

    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert "token" not in locked.json()
    assert "Probeer het na 13:15 opnieuw." in locked.json()["detail"]
    assert lock_mails().count() == 1


def test_the_api_token_endpoint_answers_an_unknown_locked_username_alike(alice: Any) -> None:
    for username in ("alice", "nobody"):
        for _ in range(5):
            token_request(username, "wrong", "192.0.2.10")

    known = token_request("alice", factories.PASSWORD, "192.0.2.10")
    unknown = token_request("nobody", factories.PASSWORD, "192.0.2.10")

    assert known.status_code == unknown.status_code == 429
    assert known.json() == unknown.json()
    assert known["Retry-After"] == unknown["Retry-After"]
    assert [mail.to_email for mail in lock_mails()] == [alice.email]

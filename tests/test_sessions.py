"""Sessions are stored in the database and read through the cache (`cached_db`): a signed-in
user stays signed in when the cache is emptied or restarted, and signing out ends it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.test import Client


def test_sessions_are_read_through_the_cache() -> None:
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_signed_in_user_survives_an_emptied_cache_and_signing_out_ends_it(
    client: Client, alice: Any
) -> None:
    client.force_login(alice)
    assert client.get("/inschrijvingen/").status_code == 200
    cache.clear()  # Redis restarted, or its memory evicted the session
    assert client.get("/inschrijvingen/").status_code == 200
    client.post("/uitloggen/")
    assert client.get("/inschrijvingen/").status_code == 302

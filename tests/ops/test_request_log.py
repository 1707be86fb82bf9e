"""One JSON line per request, and never a name, e-mail address, token or query string."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.request_log import redact_path, redact_text
from notifications.feed_tokens import feed_token_regenerate
from notifications.models import FeedKind

pytestmark = pytest.mark.django_db


def test_a_logged_in_page_view_writes_one_line_with_the_agreed_fields(
    as_alice, alice, json_log, only
) -> None:
    response = as_alice.get(reverse("manage-home"))

    assert response.status_code == 200
    line = only("request")
    assert line["level"] == "INFO"
    assert line["logger"] == "config.request_log"
    assert line["method"] == "GET"
    assert line["path"] == "/beheer/"
    assert line["route"] == "beheer/"
    assert line["view"] == "manage-home"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] == alice.pk
    assert line["request_id"] == response["X-Request-ID"]
    assert dt.datetime.fromisoformat(line["timestamp"]).tzinfo is not None
    for personal in ("alice", "Alice", "de Vries", "alice@example.org"):
        assert personal not in json_log.text


def test_an_anonymous_request_is_logged_without_a_user(client, json_log, only) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    line = only("request")
    assert line["user_id"] is None
    assert line["route"] == "inloggen/"


def test_a_feed_token_and_a_query_string_never_reach_the_log(client, dave, json_log, only) -> None:
    link = feed_token_regenerate(owner=dave.user, kind=FeedKind.TRAINER, trainer=dave)
    response = client.get(
        f"/agenda/feed/{link.raw}.ics", {"email": "jan.jansen@example.org", "t": "geheim42"}
    )

    assert response.status_code == 200
    line = only("request")
    assert line["path"] == "/agenda/feed/<token>.ics"
    assert line["route"] == "agenda/feed/<str:token>.ics"
    for secret in (link.raw, "jan.jansen@example.org", "geheim42", "email="):
        assert secret not in json_log.text


def test_a_short_token_is_redacted_because_the_route_names_it_a_token(
    client, json_log, only
) -> None:
    response = client.get("/agenda/feed/abc.ics")

    assert response.status_code == 404
    assert only("request")["path"] == "/agenda/feed/<token>.ics"
    assert "abc" not in json_log.text


def test_a_consent_link_token_is_redacted(client, json_log, only) -> None:
    token = secrets.token_urlsafe(32)
    client.get(f"/aanmelden/link/{token}/")

    line = only("request")
    assert line["path"] == "/aanmelden/link/<token>/"
    assert line["route"] == "aanmelden/link/<str:token>/"
    assert token not in json_log.text


def test_an_unknown_path_with_an_email_and_a_token_leaks_neither_in_any_line(
    client, json_log, only
) -> None:
    token = secrets.token_urlsafe(24)
    response = client.get(f"/nergens/jan.jansen@example.org/{token}/?token={token}")

    assert response.status_code == 404
    line = only("request")
    assert line["path"] == "/nergens/<email>/<token>/"
    assert line["route"] is None
    # Django's own "Not Found: <path>" warning went through the same handler, redacted.
    assert any(entry.get("logger") == "django.request" for entry in json_log.lines())
    assert "jan.jansen" not in json_log.text
    assert token not in json_log.text


def test_a_sane_request_id_from_the_proxy_is_kept_and_echoed(client, json_log, only) -> None:
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="proxy-7f3a.42")

    assert response["X-Request-ID"] == "proxy-7f3a.42"
    assert only("request")["request_id"] == "proxy-7f3a.42"


@pytest.mark.parametrize("sent", ["jan@example.org", "x" * 300, "a b", ""])
def test_an_odd_request_id_is_replaced_by_a_fresh_one(client, json_log, only, sent) -> None:
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID=sent)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert only("request")["request_id"] == response["X-Request-ID"]
    if sent:
        assert sent not in json_log.text


def test_lines_logged_during_a_request_carry_its_request_id(client, json_log) -> None:
    response = client.get("/bestaat-niet/", HTTP_X_REQUEST_ID="req-1")

    assert response.status_code == 404
    django_lines = [line for line in json_log.lines() if line["logger"] == "django.request"]
    assert [line["request_id"] for line in django_lines] == ["req-1"]


def test_a_server_error_is_logged_at_error_level(client, json_log, only, monkeypatch) -> None:
    def broken(request: Any) -> None:
        raise RuntimeError("kapot")

    monkeypatch.setattr("config.health.database_status", broken)
    client.raise_request_exception = False
    response = client.get(reverse("healthz"))

    assert response.status_code == 500
    line = only("request")
    assert line["status"] == 500
    assert line["level"] == "ERROR"


def test_logging_adds_no_query_to_a_request_that_never_looked_up_the_user(
    as_alice, alice, settings, json_log, only
) -> None:
    # /healthz never reads request.user; asking for the user id would cost the session
    # and user queries on every such request.
    with CaptureQueriesContext(connection) as logged:
        as_alice.get(reverse("healthz"))
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "request_log" not in m]
    unlogged_client = Client()  # a client loads the middleware on its first request
    unlogged_client.force_login(alice)
    with CaptureQueriesContext(connection) as unlogged:
        unlogged_client.get(reverse("healthz"))

    assert len(logged) == len(unlogged)
    assert only("request")["user_id"] is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/beheer/scholen/12/", "/beheer/scholen/12/"),
        ("/planning/programmakleuren.css", "/planning/programmakleuren.css"),
        (
            "/static/vendor/utrecht/component-library.css",
            "/static/vendor/utrecht/component-library.css",
        ),
        ("/beheer/schooljaren/2026-2027/", "/beheer/schooljaren/2026-2027/"),
        (f"/inschrijvingen/{uuid.uuid4()}/intake/", "/inschrijvingen/<token>/intake/"),
        (
            f"/gegevens/mijn-gegevens/{secrets.token_urlsafe(32)}/",
            "/gegevens/mijn-gegevens/<token>/",
        ),
        (f"/x/{secrets.token_hex(32)}.ics", "/x/<token>.ics"),
        ("/x/jan@example.org", "/x/<email>"),
        ("/zoeken/?q=Jansen", "/zoeken/"),
    ],
    # The same ids in every process (pytest-xdist compares them): random parts named.
    ids=lambda value: re.sub(r"/[^/]{30,}", "/<random>", value),
)
def test_redact_path_spares_words_and_ids_but_not_tokens(path: str, expected: str) -> None:
    assert redact_path(path) == expected


SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"


def _logging_of(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, Any]:
    import runpy

    for name in ("DEBUG", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))["LOGGING"]


def test_production_logs_json_and_debug_logs_readable_lines(monkeypatch, tmp_path) -> None:
    assert _logging_of(monkeypatch, tmp_path)["handlers"]["console"]["formatter"] == "json"
    debug = _logging_of(monkeypatch, tmp_path, DEBUG="true")
    assert debug["handlers"]["console"]["formatter"] == "plain"
    forced = _logging_of(monkeypatch, tmp_path, DEBUG="true", LOG_FORMAT="json")
    assert forced["handlers"]["console"]["formatter"] == "json"


def test_an_unknown_log_format_stops_start_up(monkeypatch, tmp_path) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        _logging_of(monkeypatch, tmp_path, LOG_FORMAT="xml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail voor jan.jansen@example.org mislukt", "mail voor <email> mislukt"),
        (f"token {'Ab1' * 8} onbekend", "token <token> onbekend"),
        ('"GET /zoeken/?q=Jansen HTTP/1.1" 200', '"GET /zoeken/?<query> HTTP/1.1" 200'),
        # What must stay readable: a Celery task id, a broker URL, a node name.
        (
            "Task notifications.ping[76b12e7a-6844-4e53-a644-f3b89a6313fb] received",
            "Task notifications.ping[76b12e7a-6844-4e53-a644-f3b89a6313fb] received",
        ),
        ("Connected to redis://:**@redis:6379/0", "Connected to redis://:**@redis:6379/0"),
        ("celery@web-1 ready.", "celery@web-1 ready."),
    ],
)
def test_redact_text_hides_addresses_tokens_and_queries_in_other_loggers_lines(
    text: str, expected: str
) -> None:
    assert redact_text(text) == expected

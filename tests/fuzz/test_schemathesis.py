"""Schema fuzzing: every operation in /api/schema/, as every role, answers within its schema.

Schemathesis reads the OpenAPI schema from the app itself and generates requests for each
operation (valid ones and, in negative mode, invalid ones), sent in-process to the WSGI app
with each role's session cookie (and CSRF token, as a browser would). Path parameters
mostly name real objects of the demo data (`tests/fuzz/world.py`), so the requests get
past the 404 into the views. Each example runs in a savepoint that is rolled back, so
every example starts from the same data and a DELETE does not starve the next one.

Checks: no 5xx, the status code is one the schema lists, the content type and the body
match the schema. New endpoints are covered without changes here: the test walks the
schema. A failure prints the role, the operation and a curl command to reproduce it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.clock import on_day
from tests.fuzz.world import ROLES, World, seed_world

# Slow (about two minutes): `-m "not slow"` leaves it out of a quick local run; `make test`
# and CI select no markers, so they run it.
pytestmark = [pytest.mark.django_db, pytest.mark.slow, on_day("2026-12-06")]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
API_PREFIX = "/api/v1/"
# Examples per operation and role. Anonymous and role-less users are refused early, so
# fewer examples tell as much; the whole module stays within about two minutes.
EXAMPLES = {"anonymous": 4, "no-role": 4, "trainer": 6, "coordinator": 6, "manager": 8}


def api_schema() -> Any:
    # A fresh handler: its middleware reads the test settings (no HTTPS redirect).
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())


@pytest.fixture
def world(settings: Any) -> Iterator[World]:
    # A cache of its own: throttle counters are cleared before every example, without
    # touching a Redis that other test runs share.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "schema-fuzz",
        }
    }
    settings.DEBUG = False  # an unexpected error must answer 500, not a traceback page
    # The WSGI handler closes "old" connections at the start and end of each request, which
    # would close the test's own transaction on PostgreSQL; Django's test client does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield seed_world()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def credentials_for(role: str, world: World) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and cookies: the role's session, plus the CSRF cookie and header a browser
    sends (session-authenticated writes need both)."""
    user = world.user(role)
    if user is None:
        return {}, {}
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    cookies = {
        django_settings.SESSION_COOKIE_NAME: session,
        django_settings.CSRF_COOKIE_NAME: csrf,
    }
    return {"X-CSRFToken": csrf}, cookies


def real_path_parameters(path: str, world: World) -> dict[str, Any]:
    """Path parameter -> the id of a seeded object, found by the path segment before it."""
    segments = path.removeprefix(API_PREFIX).strip("/").split("/")
    found = {}
    for index, segment in enumerate(segments):
        if segment.startswith("{") and index:
            resource = segments[index - 1]
            if segments[0] == "public":
                resource = f"public/{resource}"
            if resource in world.ids:
                found[segment.strip("{}")] = world.ids[resource]
    return found


def strategy_for(operation: Any, real: dict[str, Any]) -> Any:
    """Mostly valid requests about real objects; some invalid ones; a few made-up ids."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real)]
    has_input = bool(operation.body) or any(True for _ in operation.iter_parameters())
    if has_input:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real))
    if real:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE))
    return st.one_of(strategies)


def fuzz(
    operation: Any, role: str, world: World, credentials: tuple[dict[str, str], dict[str, str]]
) -> tuple[set[int], str]:
    """Run the examples for one operation; return the status codes seen and any failure."""
    headers, cookies = credentials
    seen: set[int] = set()
    real = real_path_parameters(operation.path, world)

    @hypothesis_settings(
        max_examples=EXAMPLES[role],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the curl line is enough
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy_for(operation, real))
    def examples(case: Any) -> None:
        with transaction.atomic():
            cache.clear()
            response = case.call(headers=headers, cookies=cookies)
            seen.add(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            finally:
                transaction.set_rollback(True)

    try:
        examples()
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
        return seen, f"{role} {operation.method.upper()} {operation.path}:\n{exc}"
    return seen, ""


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_within_its_schema(role: str, world: World) -> None:
    started = time.monotonic()
    credentials = credentials_for(role, world)
    failures: list[str] = []
    statuses: dict[str, set[int]] = defaultdict(set)
    operations = [result.ok() for result in api_schema().get_all_operations()]
    assert len(operations) > 50, "the schema lost its operations"
    by_name = {f"{op.method.upper()} {op.path}": op for op in operations}
    for name, operation in by_name.items():
        seen, failure = fuzz(operation, role, world, credentials)
        statuses[name] |= seen
        if failure:
            failures.append(failure)
    print(f"{role}: {len(operations)} operations in {time.monotonic() - started:.1f} s")
    assert not failures, "\n\n".join(failures)

    if role == "manager":
        # The manager sees everything: each read about a real object must succeed at
        # least once, or the seeded ids no longer match the paths.
        missed = [
            name
            for name, seen in statuses.items()
            if name.startswith("GET ") and not any(200 <= code < 300 for code in seen)
        ]
        assert not missed, f"no 2xx for the manager (add a seeded id in world.py): {missed}"
    if role == "anonymous":
        # Whatever the schema says needs a log-in never answers 2xx without one.
        leaked = [
            name
            for name, operation in by_name.items()
            if operation.definition.raw.get("security")
            and {} not in operation.definition.raw["security"]
            and any(200 <= code < 300 for code in statuses[name])
        ]
        assert not leaked, f"anonymous requests succeeded on: {leaked}"


def test_a_server_error_fails_the_fuzzing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks bite: an endpoint that crashes is reported, with a way to reproduce it."""
    from programmes.api import ProgrammeViewSet

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(ProgrammeViewSet, "list", crash)
    operation = api_schema()[f"{API_PREFIX}programmes/"]["GET"]
    seen, failure = fuzz(operation, "manager", world, credentials_for("manager", world))
    assert seen == {500}
    assert "Server error" in failure and "curl" in failure

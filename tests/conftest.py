"""Shared fixtures: the suite's cast (who they are: tests/cast.py), the clock check
(tests/clock.py) and the real-services switch.

Personas: alice is the programme manager; bob coordinates school A; carol
coordinates school B; dave is a trainer; eve is logged in but has no role.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from core import domain_events
from tests import cast, clock, factories

USING_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
USING_REDIS = bool(os.environ.get("REDIS_URL"))

_NEEDS_POSTGRES = "needs PostgreSQL: set DATABASE_URL"
_NEEDS_REDIS = "needs Redis: set REDIS_URL"
_skipped_integration: list[str] = []
_travels_at_setup = pytest.StashKey[int]()
_session_travel: time_machine.travel | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        help="run the whole session as if it were that day, from 10:00 Europe/Amsterdam",
    )
    parser.addoption(
        "--skip-fixed-clock",
        action="store_true",
        help="leave out the tests whose clock a time_machine mark fixes (on_day): they run "
        "the same on every --today",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _session_travel
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (DATABASE_URL)")
    config.addinivalue_line("markers", "redis: needs Redis (REDIS_URL)")
    today = config.getoption("--today", None)
    if today:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            raise pytest.UsageError(f"--today={today}: give a day as YYYY-MM-DD") from None
        _session_travel = time_machine.travel(clock.moment(day), tick=True)
        _session_travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _session_travel
    if _session_travel is not None:
        _session_travel.stop()
        _session_travel = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    item.stash[_travels_at_setup] = clock.travels_so_far()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """A test that names a date must fix the clock (see tests/clock.py)."""
    result = yield
    named = clock.date_named_by(item)
    if named and clock.travels_so_far() == item.stash.get(_travels_at_setup, 0):
        pytest.fail(
            f"This test names a date ({named}) but runs on the wall clock: fix the clock "
            "with `pytestmark = on_day(...)` from tests.clock (or time_machine.travel), or "
            "write the dates relative to today.",
            pytrace=False,
        )
    return result


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--skip-fixed-clock", False):
        fixed = [item for item in items if item.get_closest_marker("time_machine")]
        if fixed:
            config.hook.pytest_deselected(items=fixed)
            items[:] = [item for item in items if not item.get_closest_marker("time_machine")]
    for item in items:
        if item.get_closest_marker("postgres") and not USING_POSTGRES:
            item.add_marker(pytest.mark.skip(reason=_NEEDS_POSTGRES))
        if item.get_closest_marker("redis") and not USING_REDIS:
            item.add_marker(pytest.mark.skip(reason=_NEEDS_REDIS))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Note the integration tests skipped for want of a service. Reports reach this hook in
    the process that prints the summary, also from parallel workers (make test: xdist)."""
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if _NEEDS_POSTGRES in reason or _NEEDS_REDIS in reason:
            _skipped_integration.append(report.nodeid)


def pytest_report_header(config: pytest.Config) -> list[str]:
    today = config.getoption("--today", None)
    return [
        "today: "
        + (
            f"{today} from 10:00 Europe/Amsterdam (--today)"
            if today
            else "the wall clock (run with --today=YYYY-MM-DD to travel)"
        ),
        "database: "
        + ("PostgreSQL (DATABASE_URL)" if USING_POSTGRES else "SQLite (no DATABASE_URL)"),
        "redis: " + ("REDIS_URL set" if USING_REDIS else "not configured; Redis tests are skipped"),
    ]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped_integration:
        terminalreporter.write_sep("-", "integration tests skipped (services not configured)")
        for nodeid in sorted(set(_skipped_integration)):
            terminalreporter.write_line(f"SKIPPED {nodeid}")


@pytest.fixture(autouse=True)
def _settings_for_tests(settings: Any, tmp_path: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Real hashing costs ~0.5 s per user; tests need many users, not strong hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_public_cache() -> None:
    """No test sees public answers cached by another (its rolled-back rows send no signal).

    A new catalogue version rather than cache.clear(): with REDIS_URL the cache shares its
    Redis database with the Celery broker."""
    from enrolment import public_cache

    public_cache.reset()


@pytest.fixture
def emitted() -> Iterator[list[Any]]:
    """Every domain event emitted while the test runs, in order."""
    seen: list[Any] = []
    domain_events.subscribe(object, seen.append)
    yield seen
    domain_events.unsubscribe(object, seen.append)


@pytest.fixture
def consent_text(db: None) -> Any:
    """The consent text shipped by the data migration (re-made after a transactional
    test flushed the database)."""
    from enrolment.models import ConsentText

    text, _ = ConsentText.objects.get_or_create(
        version="2026-1",
        defaults={
            "text_nl": "Ik geef toestemming voor deelname.",
            "text_en": "I consent to taking part.",
            "active_from": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    return text


@pytest.fixture
def school_a(db: None) -> Any:
    return factories.SchoolFactory(**cast.SCHOOL_A.fields())


@pytest.fixture
def school_b(db: None) -> Any:
    return factories.SchoolFactory(**cast.SCHOOL_B.fields())


@pytest.fixture
def alice(db: None) -> Any:
    return factories.make_manager(**cast.ALICE.names())


@pytest.fixture
def bob(school_a: Any) -> Any:
    user = factories.UserFactory(**cast.BOB.names())
    school_a.coordinators.add(user)
    return user


@pytest.fixture
def carol(school_b: Any) -> Any:
    user = factories.UserFactory(**cast.CAROL.names())
    school_b.coordinators.add(user)
    return user


@pytest.fixture
def dave(db: None) -> Any:
    return factories.TrainerFactory(user=factories.UserFactory(**cast.DAVE.names()))


@pytest.fixture
def eve(db: None) -> Any:
    return factories.UserFactory(**cast.EVE.names())


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_alice(alice: Any) -> Client:
    return _client_for(alice)


@pytest.fixture
def as_bob(bob: Any) -> Client:
    return _client_for(bob)


@pytest.fixture
def as_carol(carol: Any) -> Client:
    return _client_for(carol)


@pytest.fixture
def as_dave(dave: Any) -> Client:
    return _client_for(dave.user)


@pytest.fixture
def as_eve(eve: Any) -> Client:
    return _client_for(eve)

"""Settings come from the environment; a bad value stops start-up loudly.

Each test evaluates `config/settings.py` afresh under a controlled environment,
so it checks the real settings module, not a copy of its logic.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"
VARIABLES = [
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "EMAIL_HOST",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "PYTEST_XDIST_WORKER",
]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    return monkeypatch


def load_settings() -> dict[str, Any]:
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.mark.parametrize("raw", ["maybe", "ja", "2"])
def test_a_bad_boolean_fails_loudly(env: pytest.MonkeyPatch, raw: str) -> None:
    env.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        env_bool("DEBUG")
    with pytest.raises(ImproperlyConfigured):
        load_settings()


@pytest.mark.parametrize(("raw", "expected"), [("TRUE", True), (" on ", True), ("0", False)])
def test_booleans_are_read_case_insensitively(
    env: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    env.setenv("DEBUG", raw)
    assert env_bool("DEBUG") is expected


def test_a_bad_integer_fails_loudly(env: pytest.MonkeyPatch) -> None:
    env.setenv("SECURE_HSTS_SECONDS", "one year")
    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_SECONDS must be an integer"):
        env_int("SECURE_HSTS_SECONDS", 0)
    with pytest.raises(ImproperlyConfigured):
        load_settings()


def test_missing_values_fall_back_to_their_defaults(env: pytest.MonkeyPatch) -> None:
    env.delenv("SOME_UNSET_VARIABLE", raising=False)
    assert env_int("SOME_UNSET_VARIABLE", 7) == 7
    assert env_str("SOME_UNSET_VARIABLE", "x") == "x"
    env.setenv("SOME_UNSET_VARIABLE", " a, b ,,c ")
    assert env_list("SOME_UNSET_VARIABLE") == ["a", "b", "c"]


def test_without_database_url_it_uses_sqlite_under_var_dir(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = load_settings()["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == tmp_path / "db.sqlite3"


def test_database_url_selects_postgresql(env: pytest.MonkeyPatch) -> None:
    env.setenv("DATABASE_URL", "postgresql://app:s3cret@db.internal:5433/groepsplanner")
    database = load_settings()["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        5433,
        "groepsplanner",
    )
    assert (database["USER"], database["PASSWORD"]) == ("app", "s3cret")


def test_without_redis_url_celery_runs_eagerly_and_the_cache_is_local(
    env: pytest.MonkeyPatch,
) -> None:
    settings = load_settings()
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is True
    assert settings["CELERY_BROKER_URL"] == "memory://"
    assert settings["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_redis_url_makes_redis_the_broker_and_the_cache(env: pytest.MonkeyPatch) -> None:
    env.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    settings = load_settings()
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is False
    assert settings["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"
    assert settings["CACHES"]["default"]["BACKEND"].endswith("RedisCache")


@pytest.mark.parametrize(("worker", "database"), [("gw0", 1), ("gw1", 2), ("gw6", 7)])
def test_each_parallel_test_worker_takes_a_redis_database_of_its_own(
    env: pytest.MonkeyPatch, worker: str, database: int
) -> None:
    env.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    env.setenv("PYTEST_XDIST_WORKER", worker)
    settings = load_settings()
    assert settings["CELERY_BROKER_URL"] == f"redis://127.0.0.1:6379/{database}"
    assert settings["CACHES"]["default"]["LOCATION"] == f"redis://127.0.0.1:6379/{database}"


def test_an_eighth_parallel_test_worker_is_refused_rather_than_sharing_a_redis_database(
    env: pytest.MonkeyPatch,
) -> None:
    env.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    env.setenv("PYTEST_XDIST_WORKER", "gw7")
    with pytest.raises(ImproperlyConfigured, match="at most 7 parallel test workers"):
        load_settings()


def test_production_defaults_are_secure_when_debug_is_off(env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings["DEBUG"] is False
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] >= 31536000


def test_email_goes_to_files_unless_an_smtp_host_is_set(env: pytest.MonkeyPatch) -> None:
    assert load_settings()["EMAIL_BACKEND"] == "notifications.mail_files.EmlFileBackend"
    env.setenv("EMAIL_HOST", "mailpit")
    env.setenv("EMAIL_PORT", "1025")
    settings = load_settings()
    assert settings["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("mailpit", 1025)

"""Production settings are secure by default: cookies, HSTS, headers, CSP and log-in throttling.

Each test starts a fresh Python process with a production-like environment (DEBUG unset,
a real secret key, a real host name), so it checks what `config/settings.py` yields there,
not what the test settings of this process happen to be.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HOST = "groepsplanner.example.org"
# Variables a developer or CI may have set that would make the environment less production-like.
UNSET = [
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "AXES_FAILURE_LIMIT",
    "AXES_ACCOUNT_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "DJANGO_SETTINGS_MODULE",
    # Set by the browser tests (Playwright); check --deploy rightly flags it (async.E001).
    "DJANGO_ALLOW_ASYNC_UNSAFE",
]

READ_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
names = json.loads(input())
print(json.dumps({name: getattr(settings, name) for name in names}, default=str))
"""

FETCH = """
import json
import sys
import django
django.setup()
from django.test import Client
HOST = sys.argv[1]
client = Client()
out = {}
for name, path, secure in json.loads(input()):
    response = client.get(path, secure=secure, HTTP_HOST=HOST)
    out[name] = {
        "status": response.status_code,
        "location": response.get("Location"),
        "headers": dict(response.headers),
        "cookies": {key: dict(morsel.items()) for key, morsel in response.cookies.items()},
    }
print(json.dumps(out))
"""


def run_in_production(tmp_path: Path, code: str, stdin: str = "", *args: str) -> str:
    """Run `code` in a fresh interpreter under a production-like environment; its stdout."""
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        VAR_DIR=str(tmp_path),
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def production_settings(tmp_path: Path, *names: str) -> dict[str, Any]:
    out = run_in_production(tmp_path, READ_SETTINGS, json.dumps(names))
    return json.loads(out.strip().splitlines()[-1])


def test_cookies_are_secure_http_only_and_same_site(tmp_path: Path) -> None:
    settings = production_settings(
        tmp_path,
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
    )
    assert settings == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


def test_https_is_enforced_with_hsts_and_the_safe_headers(tmp_path: Path) -> None:
    settings = production_settings(
        tmp_path,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
    )
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert settings["X_FRAME_OPTIONS"] == "DENY"
    assert settings["SECURE_REFERRER_POLICY"] == "same-origin"


def test_login_throttling_and_the_content_security_policy_are_on(tmp_path: Path) -> None:
    settings = production_settings(
        tmp_path,
        "AUTHENTICATION_BACKENDS",
        "MIDDLEWARE",
        "AXES_FAILURE_LIMIT",
        "AXES_ACCOUNT_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "AXES_LOCKOUT_PARAMETERS",
        "AXES_HANDLER",
        "AXES_RESET_ON_SUCCESS",
    )
    assert settings["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert settings["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    assert "csp.middleware.CSPMiddleware" in settings["MIDDLEWARE"]
    assert settings["AXES_FAILURE_LIMIT"] == 5
    assert settings["AXES_COOLOFF_TIME"] == "0:15:00"
    assert settings["AXES_ACCOUNT_FAILURE_LIMIT"] == 20
    assert settings["AXES_LOCKOUT_PARAMETERS"] == [["username"], ["username", "ip_address"]]
    assert settings["AXES_HANDLER"] == "config.security.AccountLockoutHandler"
    assert settings["AXES_RESET_ON_SUCCESS"] is True


def test_responses_carry_the_headers_and_plain_http_is_redirected(tmp_path: Path) -> None:
    requests = [
        ["health", "/healthz", True],
        ["login", "/inloggen/", True],
        ["plain_http", "/inloggen/", False],
        ["plain_health", "/healthz", False],
    ]
    answers = json.loads(
        run_in_production(tmp_path, FETCH, json.dumps(requests), HOST).strip().splitlines()[-1]
    )

    health, login = answers["health"], answers["login"]
    for answer in (health, login):
        headers = answer["headers"]
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "script-src 'self';" in headers["Content-Security-Policy"] + ";"
    assert login["status"] == 200
    csrf = login["cookies"]["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    assert answers["plain_http"]["status"] == 301
    assert answers["plain_http"]["location"] == f"https://{HOST}/inloggen/"
    # Load balancers probe over plain HTTP inside the network.
    assert answers["plain_health"]["status"] in (200, 503)


def test_the_deploy_check_finds_nothing_but_the_deliberate_preload_choice(
    tmp_path: Path,
) -> None:
    """`check --deploy` flags every weak production setting. HSTS preload (W021) is left to
    the operator on purpose (README, on `check --deploy`): it binds every subdomain for long."""
    code = (
        "import django, sys\n"
        "django.setup()\n"
        "from django.core import checks\n"
        "found = checks.run_checks(include_deployment_checks=True)\n"
        "print(sorted({m.id for m in found if m.level >= checks.WARNING}))\n"
    )
    out = run_in_production(tmp_path, code)
    assert out.strip().splitlines()[-1] == "['security.W021']"

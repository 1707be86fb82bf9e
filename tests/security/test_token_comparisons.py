"""Secrets are compared in constant time, or looked up by a hash, never with `==`.

A `==` on a secret returns as soon as a character differs, so its timing tells an attacker
how much of a guess was right. Parent links and calendar feed tokens are stored only as a
SHA-256 hash and found by that hash; the parent link is then checked with
`hmac.compare_digest`.
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from enrolment.models import AccessLink, LinkPurpose
from enrolment.services import link_resolve
from notifications.feed_tokens import feed_token_resolve
from notifications.models import CalendarFeedToken
from tests.clock import on_day
from tests.security.world import TODAY, build_world

pytestmark = on_day("2026-12-06")

ROOT = Path(__file__).resolve().parents[2]
APPS = ["config", "programmes", "scheduler", "enrolment", "notifications", "reports"]
SECRET_NAME = re.compile(r"token|secret|digest|signature|password|api_?key", re.IGNORECASE)
# (file, comparison) pairs that compare no stored secret, with the reason.
ALLOWED = {
    # Two passwords typed at the console by the same person, to catch a typo.
    (
        "programmes/management/commands/create_manager.py",
        "password != getpass.getpass('Password (again): ')",
    ),
}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Call):
        return _name(node.func)
    return ""


def equality_on_secrets(source: str) -> list[str]:
    """Every `a == b` / `a != b` in `source` where a side is named like a secret."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
            continue
        if any(SECRET_NAME.search(_name(side)) for side in [node.left, *node.comparators]):
            found.append(ast.unparse(node))
    return found


def test_the_finder_sees_equality_on_a_secret() -> None:
    assert equality_on_secrets("ok = link.token == given") == ["link.token == given"]
    assert equality_on_secrets("ok = request.POST['api_key'] != key") != []
    assert equality_on_secrets("ok = hmac.compare_digest(a.token_hash, b)") == []
    assert equality_on_secrets("ok = token.kind == 'trainer'") == []


def test_no_secret_is_compared_with_double_equals() -> None:
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            for comparison in equality_on_secrets(path.read_text()):
                if (relative, comparison) not in ALLOWED:
                    offenders.append(f"{relative}: {comparison}")
    assert not offenders, "Use hmac.compare_digest or a lookup by hash:\n" + "\n".join(offenders)


@pytest.mark.django_db
def test_parent_links_are_stored_hashed_and_checked_in_constant_time(
    school_a: Any, bob: Any, dave: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with time_machine.travel(TODAY, tick=False):
        world = build_world(school_a=school_a, bob=bob, dave=dave)
        raw = world["link"]
        compared: list[tuple[str, str]] = []
        real = hmac.compare_digest

        def spy(a: str, b: str) -> bool:
            compared.append((a, b))
            return real(a, b)

        monkeypatch.setattr(hmac, "compare_digest", spy)

        link = link_resolve(raw, purposes=[LinkPurpose.CONFIRM])
        with pytest.raises(ValidationError):
            link_resolve(
                raw[:-1] + ("A" if raw[-1] != "A" else "B"), purposes=[LinkPurpose.CONFIRM]
            )

    digest = hashlib.sha256(raw.encode()).hexdigest()
    assert link.token_hash == digest
    assert compared == [(digest, digest)]
    assert not AccessLink.objects.filter(token_hash=raw).exists()


@pytest.mark.django_db
def test_calendar_feed_tokens_are_stored_hashed(school_a: Any, bob: Any, dave: Any) -> None:
    with time_machine.travel(TODAY, tick=False):
        raw = build_world(school_a=school_a, bob=bob, dave=dave)["feed"]

        assert feed_token_resolve(raw) is not None
        assert feed_token_resolve(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None

    stored = CalendarFeedToken.objects.get()
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(value) for value in CalendarFeedToken.objects.values().get().values()}

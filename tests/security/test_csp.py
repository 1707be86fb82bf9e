"""The Content Security Policy: sent on every page, and no page needs it loosened.

The policy allows scripts, styles and images from our own origin only. That only helps if
no page of ours holds inline code, so these tests render every page of the access matrix
(plus the admin pages the manager uses) and look for inline scripts, <style> blocks, on*=
handlers and style="" attributes, which the policy would block in the browser.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from config.security import SWAGGER_UI_STYLE_HASH, swagger_ui_dist
from tests.clock import on_day
from tests.security.test_access_matrix import PERSONAS, TABLE, all_routes, fetch, url_for
from tests.security.world import TODAY, build_world

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks: inline scripts and styles, handlers, style=""."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        # A JSON data block (json_script) is not executed, so the policy allows it.
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> block at line {self.getpos()[0]}")
        for name, _value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f'<{tag} {name}="..."> at line {self.getpos()[0]}')


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_pages_send_the_strict_policy(client: Client, as_alice: Client) -> None:
    for response in (
        client.get(reverse("home")),
        client.get(reverse("login")),
        client.get(reverse("enrol-start")),
        as_alice.get(reverse("manage-home")),
        client.get("/bestaat-niet/"),
    ):
        assert directives(response["Content-Security-Policy"]) == POLICY


def test_the_api_answers_carry_the_policy_too(as_alice: Client) -> None:
    response = as_alice.get("/api/v1/programmes/")
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_the_inline_code_finder_finds_what_the_policy_blocks() -> None:
    html = (
        '<script>alert(1)</script><script src="/static/a.js"></script>'
        '<script type="application/json" id="d">{}</script><style>p{}</style>'
        '<a href="#" onclick="x()">a</a><p style="color:red">p</p>'
    )
    assert len(inline_code(html)) == 4


@pytest.mark.parametrize("persona", ["anonymous", "dave", "alice"])
def test_no_page_holds_inline_code(
    persona: str, school_a: Any, school_b: Any, alice: Any, bob: Any, dave: Any, eve: Any
) -> None:
    """Every HTML answer of the access matrix for this persona (pages, 403 and 404 pages)."""
    client = Client()
    if persona != "anonymous":
        client.force_login({"dave": dave.user, "alice": alice}[persona])
    found = all_routes()
    column = PERSONAS.index(persona)
    problems: list[str] = []
    checked = 0
    with time_machine.travel(TODAY, tick=False):
        world = build_world(school_a=school_a, bob=bob, dave=dave)
        for row in TABLE:
            if row.key == "api-docs" or row.method != "GET" or row.key not in found:
                continue
            if row.expected[column] not in (200, 403, 404):
                continue
            response = fetch(client, row, url_for(found[row.key], row, world))
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            checked += 1
            assert "Content-Security-Policy" in response, row.key
            problems += [f"{row.key}: {problem}" for problem in inline_code(response.text)]
    assert checked >= 10, checked  # the matrix really rendered pages
    assert not problems, "\n".join(problems)


def test_the_admin_pages_hold_no_inline_code(as_alice: Client, school_a: Any) -> None:
    urls = [
        reverse("admin:index"),
        reverse("admin:programmes_school_changelist"),
        reverse("admin:programmes_school_change", args=[school_a.pk]),
        reverse("admin:programmes_schoolholiday_changelist"),
        reverse("admin:programmes_schoolholiday_import_ics"),
    ]
    for url in urls:
        response = as_alice.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.text) == [], url
    assert inline_code(Client().get(reverse("admin:login")).text) == []


def test_the_api_docs_alone_may_load_swagger_ui_from_its_pinned_release(client: Client) -> None:
    response = client.get(reverse("api-docs"))
    policy = directives(response["Content-Security-Policy"])
    release = swagger_ui_dist() + "/"

    assert "@latest" not in release
    assert policy["script-src"] == f"'self' {release}"
    assert policy["style-src"] == f"'self' {release} {SWAGGER_UI_STYLE_HASH}"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    # The start-up script is a file of our own, not inline; the one <style> block is
    # allowed by its hash, which must still match what drf-spectacular renders.
    problems = inline_code(response.text)
    assert problems and all(problem.startswith("<style>") for problem in problems)
    block = re.search(r"<style>(.*?)</style>", response.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(block.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" == SWAGGER_UI_STYLE_HASH
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert release not in client.get(reverse("home"))["Content-Security-Policy"]

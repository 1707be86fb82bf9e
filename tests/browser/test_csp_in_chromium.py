"""In a real browser the strict policy blocks nothing on our pages, and does block inline code.

Chromium reports every blocked script, stylesheet or image as a `securitypolicyviolation`
event; the pages are visited as the manager (who sees the most) and as a parent.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.browser.support import CHROMIUM, log_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def violations_on(page: Any, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    return page.evaluate("window.__violations")


def test_our_pages_run_under_the_policy_without_a_violation(
    page: Any, live_server: Any, alice: Any, school_a: Any
) -> None:
    page.add_init_script(COLLECT_VIOLATIONS)
    for path in ["/", "/inloggen/", "/aanmelden/"]:
        assert violations_on(page, live_server.url + path) == [], path
    log_in(page, live_server, alice)
    for path in ["/beheer/", "/beheer/scholen/", "/planning/agenda/", "/inschrijvingen/"]:
        assert violations_on(page, live_server.url + path) == [], path
    # The stylesheets did load: the page has the theme's layout, not the browser default.
    assert page.evaluate("getComputedStyle(document.body).margin") != "8px"


def test_an_injected_inline_script_is_blocked(page: Any, live_server: Any) -> None:
    page.add_init_script(COLLECT_VIOLATIONS)
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.body.appendChild(script);
        }"""
    )
    assert page.evaluate("window.__ran === true") is False
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))

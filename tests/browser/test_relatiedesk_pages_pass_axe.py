"""The relatiedesk's public pages in Chromium, at phone and desktop width: axe-core finds no
serious or critical WCAG 2.1 A/AA violation, nothing is wider than the screen, and printed
they show the text without the site's header, menu or footer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE_SOURCE = (Path(settings.BASE_DIR) / "node_modules/axe-core/axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = [(390, 844), (1280, 900)]
PATHS = [
    "/relatiedesk/",
    "/relatiedesk/ouders/",
    "/relatiedesk/kinderen/",
    "/relatiedesk/jongeren/",
    "/relatiedesk/kies/ouders/",
    "/relatiedesk/kies/kinderen/",
]


def serious_violations(page: Any) -> list[dict[str, Any]]:
    page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map((v) => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map((n) => n.target.join(' '))}));
        }""",
        WCAG_TAGS,
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_relatiedesk_pages_pass_axe_and_fit_the_screen(
    browser: Any, live_server: Any, width: int, height: int
) -> None:
    ProgrammeFactory(code="kies", name_nl="KIES (Kinderen in Scheiding)", age_min=7, age_max=12)
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="nl-NL", java_script_enabled=True
    )
    page = context.new_page()
    found = {}
    try:
        for path in PATHS:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            problems = serious_violations(page)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            if problems or overflow:
                found[path] = {"axe": problems, "wider than the screen": overflow}
    finally:
        context.close()
    assert not found, found


def test_a_printed_page_shows_the_text_and_the_checklist_without_the_site_around_it(
    browser: Any, live_server: Any
) -> None:
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    try:
        assert page.goto(live_server.url + "/relatiedesk/kinderen/").status == 200
        page.emulate_media(media="print")

        assert not page.is_visible("header")
        assert not page.is_visible("footer")
        assert not page.is_visible("nav.rd-audiences")
        assert page.is_visible("h1")
        assert page.is_visible(".rd-checklist")
        assert page.is_visible(".rd-print-address")
    finally:
        context.close()

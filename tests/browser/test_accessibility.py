"""Accessibility in Chromium: axe-core (WCAG 2.0/2.1 A and AA rules) finds no serious or
critical violation on any kind of page, for each role; and each role reaches its page's
main action with the keyboard alone, with the focus visible.

axe is evaluated through DevTools (`page.evaluate`), which the site's Content Security
Policy does not block, so the pages are checked exactly as users get them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from tests.browser.support import log_in

pytestmark = pytest.mark.django_db(transaction=True)

AXE_SOURCE = (Path(settings.BASE_DIR) / "node_modules/axe-core/axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every axe violation on the current page, with the elements it concerns."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target, html: n.html.slice(0, 200),
                                           summary: n.failureSummary})),
            }));
        }""",
        WCAG_TAGS,
    )


def duplicate_ids(page: Any) -> list[dict[str, Any]]:
    """Ids used more than once: a label's `for` then names the wrong control.

    axe 4.x no longer reports duplicate ids as such (WCAG 2.1 criterion 4.1.1), and its
    label rule passes as long as every control has some label, so this is checked here.
    """
    duplicates = page.evaluate(
        """() => {
            const seen = {};
            for (const el of document.querySelectorAll('[id]')) {
                seen[el.id] = (seen[el.id] || []).concat(el.outerHTML.slice(0, 120));
            }
            return Object.entries(seen).filter(([id, els]) => els.length > 1);
        }"""
    )
    return (
        [
            {
                "id": "duplicate-id",
                "impact": "serious",
                "help": "An id is used more than once, so labels and references are ambiguous",
                "nodes": [{"target": [f"#{name}"], "html": html} for name, html in duplicates],
            }
        ]
        if duplicates
        else []
    )


def check_pages(page: Any, live_server: Any, pages: dict[str, str | Callable[[], None]]) -> None:
    """Visit every page (a path, or a function that gets the page there) and collect what
    axe finds; fail on anything serious or critical, listing every violation found."""
    report: dict[str, list[dict[str, Any]]] = {}
    blocking = []
    for name, target in pages.items():
        if callable(target):
            target()
        else:
            response = page.goto(f"{live_server.url}{target}")
            assert response is not None and response.ok, f"{name}: {target} answered {response}"
            assert page.url.endswith(target), f"{name}: {target} went to {page.url}"
        found = axe_violations(page) + duplicate_ids(page)
        if found:
            report[f"{name} ({page.url})"] = found
        blocking += [(name, v["id"]) for v in found if v["impact"] in BLOCKING]
    print(json.dumps(report, indent=1))  # moderate and minor findings, shown with -s
    assert not blocking, f"serious/critical: {blocking}\n" + json.dumps(report, indent=1)


def url_or_skip(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        pytest.skip(f"page {name!r} does not exist yet")


# --- what axe finds -----------------------------------------------------------------------


def test_the_checks_report_serious_violations_when_there_are_some(
    page: Any, live_server: Any
) -> None:
    """The checks bite: an unlabeled field, an image without text and a second element
    with the id of the main landmark are caught."""
    page.goto(f"{live_server.url}{reverse('home')}")
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML(
            'beforeend', '<input type="text"><img src="/x.png"><p id="main">x</p>')"""
    )
    found = {v["id"]: v["impact"] for v in axe_violations(page) + duplicate_ids(page)}
    assert found.get("label") in BLOCKING and found.get("image-alt") in BLOCKING, found
    assert found.get("duplicate-id") in BLOCKING, found


def test_public_pages_have_no_serious_accessibility_violations(
    page: Any, live_server: Any, world: Any
) -> None:
    def enrolment_form_with_errors() -> None:
        page.goto(f"{live_server.url}{reverse('enrol-form', args=[world.kies.pk])}")
        with page.expect_navigation():
            page.get_by_role("button", name="Aanmelding versturen").click()
        assert page.locator(".gp-error-summary").count(), "no errors shown"

    check_pages(
        page,
        live_server,
        {
            "programmes (home)": reverse("home"),
            "find the school": reverse("enrol-start"),
            "school search results": f"{reverse('enrol-start')}?q=Regenboog",
            "the school's groups": reverse("enrol-school", args=[world.school.pk]),
            "enrolment form": reverse("enrol-form", args=[world.kies.pk]),
            "enrolment form with errors": enrolment_form_with_errors,
            "consent of the other parent": reverse("enrol-link", args=[world.consent_token]),
            "status for the enrolling parent": reverse("enrol-link", args=[world.confirm_token]),
            "log-in": reverse("login"),
        },
    )


def test_coordinator_pages_have_no_serious_accessibility_violations(
    page: Any, live_server: Any, world: Any
) -> None:
    log_in(page, live_server, world.users["coordinator"])
    check_pages(
        page,
        live_server,
        {
            "planning": reverse("planning-home"),
            "planning request form": reverse("planning-request-create"),
            "calendar": reverse("planning-calendar"),
            "groups": reverse("planning-group-list"),
            "group": reverse("planning-group-detail", args=[world.kies.pk]),
            "enrolments": reverse("staff-overview"),
            "my school": reverse("manage-school-list"),
        },
    )


def test_trainer_pages_have_no_serious_accessibility_violations(
    page: Any, live_server: Any, world: Any
) -> None:
    # On the day of the first session, so the attendance form is there to check.
    with time_machine.travel(world.session.starts_at + dt.timedelta(hours=2), tick=True):
        log_in(page, live_server, world.users["trainer"])
        roster = reverse("staff-roster", args=[world.kies.pk])
        check_pages(
            page,
            live_server,
            {
                "my schedule": reverse("planning-my-schedule"),
                "roster": roster,
                "attendance": reverse("staff-attendance", args=[world.kies.pk, world.session.pk]),
                "my availability": reverse("manage-trainer-detail", args=[world.trainer.pk]),
                "unavailability form": reverse(
                    "manage-unavailability-create", args=[world.trainer.pk]
                ),
            },
        )


def test_manager_pages_have_no_serious_accessibility_violations(
    page: Any, live_server: Any, world: Any
) -> None:
    log_in(page, live_server, world.users["manager"])
    check_pages(
        page,
        live_server,
        {
            "manage": reverse("manage-home"),
            "programmes": reverse("manage-programme-list"),
            "schools": reverse("manage-school-list"),
            "new school form": reverse("manage-school-create"),
            "trainers": reverse("manage-trainer-list"),
            "school years": reverse("manage-school-year-list"),
            "planning with the planner run": reverse("planning-home"),
            "audit log": reverse("staff-audit-log"),
            "failed messages": reverse("notifications:outbox-failed"),
        },
    )


def test_manager_reports_have_no_serious_accessibility_violations(
    page: Any, live_server: Any, world: Any
) -> None:
    pages = {
        "co-financing": url_or_skip("cofinancing-overview"),
        "participation": url_or_skip("participation-report"),
    }
    log_in(page, live_server, world.users["manager"])
    check_pages(page, live_server, pages)


def test_at_desktop_width_no_table_of_the_participation_reports_scrolls_sideways(
    page: Any, live_server: Any, world: Any
) -> None:
    """At 1280 px the occupancy table (five columns) sat beside its chart in a column too
    narrow for it and scrolled; it now goes below its chart."""
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, world.users["manager"])
    for name in ("participation-report", "participation-council"):
        page.goto(f"{live_server.url}{url_or_skip(name)}")
        crowded = page.evaluate(
            "() => [...document.querySelectorAll('.gp-table-container')]"
            ".filter((el) => el.scrollWidth > el.clientWidth + 1)"
            ".map((el) => el.getAttribute('aria-labelledby'))"
        )
        assert crowded == [], name


def test_wide_tables_on_a_phone_are_labelled_regions_the_keyboard_can_scroll(
    browser: Any, live_server: Any, world: Any
) -> None:
    """At 390 px the planning, the planner's proposals, the participation reports and the
    audit log hold tables wider than the screen: each scrolls inside a region that is named by
    its caption and focusable ("Scrollable region must have keyboard access" before)."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    log_in(phone, live_server, world.users["manager"])
    phone.goto(f"{live_server.url}{reverse('staff-roster', args=[world.kies.pk])}")  # audited
    pages = {
        "planning": reverse("planning-home"),
        "planner run": f"{reverse('planning-home')}?run={world.planner_run.pk}",
        "participation": url_or_skip("participation-report"),
        "participation for the council": url_or_skip("participation-council"),
        "audit log": reverse("staff-audit-log"),
    }
    check_pages(phone, live_server, pages)
    for name, target in pages.items():
        phone.goto(f"{live_server.url}{target}")
        regions = phone.evaluate(
            """() => [...document.querySelectorAll('.gp-table-container')].map((box) => ({
                wide: box.scrollWidth > box.clientWidth,
                role: box.getAttribute('role'),
                tabindex: box.getAttribute('tabindex'),
                name: (document.getElementById(box.getAttribute('aria-labelledby') || '')
                       || {textContent: ''}).textContent.trim(),
            }))"""
        )
        if name != "audit log":  # a few entries here: its table may fit
            assert any(r["wide"] for r in regions), f"{name}: no table wider than the phone"
        for region in regions:
            assert region["role"] == "region" and region["tabindex"] == "0", (name, region)
            assert region["name"], (name, region)
    context.close()


# --- the keyboard alone -------------------------------------------------------------------

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
    return {
        tag: el.tagName.toLowerCase(),
        name: (el.getAttribute('aria-label') || label || el.textContent || el.value || '')
            .replace(/\\s+/g, ' ').trim(),
        focusVisible: el.matches(':focus-visible'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
    };
}"""


def tab_to(page: Any, name: str, *, max_tabs: int = 80) -> dict[str, Any]:
    """Press Tab until the focused element's name contains `name`; it must show its focus."""
    seen = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "body":  # past the last element: the browser's own controls
            continue
        seen.append(focused["name"][:40])
        if name.lower() in focused["name"].lower():
            assert focused["focusVisible"], f"{name!r} has focus but not :focus-visible"
            assert focused["outline"] or focused["shadow"], f"no visible focus on {focused}"
            return focused
    raise AssertionError(f"{name!r} not reached with {max_tabs} tabs; focus went to {seen}")


def test_a_parent_finds_the_school_and_opens_the_form_with_the_keyboard(
    page: Any, live_server: Any, world: Any
) -> None:
    page.goto(f"{live_server.url}{reverse('enrol-start')}")
    tab_to(page, "Direct naar de inhoud")
    tab_to(page, "school")  # the search field, by its label
    page.keyboard.type("Regenboog")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, world.school.name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "Aanmelden voor deze groep")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert reverse("enrol-form", args=[world.kies.pk]) in page.url
    tab_to(page, "Voornaam")


def test_a_coordinator_submits_a_planning_request_with_the_keyboard(
    page: Any, live_server: Any, world: Any
) -> None:
    log_in(page, live_server, world.users["coordinator"])
    page.goto(f"{live_server.url}{reverse('planning-home')}")
    tab_to(page, "Nieuw verzoek")
    page.keyboard.press("Enter")  # jumps to the form on the same page
    tab_to(page, "Verzoek indienen", max_tabs=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Nothing filled in: the error summary says what to fix, and its links are reachable.
    assert page.get_by_role("alert").filter(has_text="Controleer de gegevens").count()


def test_a_trainer_takes_attendance_with_the_keyboard(
    page: Any, live_server: Any, world: Any
) -> None:
    # The afternoon of the first session: from that day on its attendance can be taken.
    with time_machine.travel(world.session.starts_at + dt.timedelta(hours=2), tick=True):
        log_in(page, live_server, world.users["trainer"])
        page.goto(f"{live_server.url}{reverse('staff-roster', args=[world.kies.pk])}")
        tab_to(page, "Bijeenkomst 1:")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert reverse("staff-attendance", args=[world.kies.pk, world.session.pk]) in page.url
        tab_to(page, "Aanwezig")
        page.keyboard.press("Space")
        tab_to(page, "Aanwezigheid opslaan")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "De aanwezigheid is opgeslagen" in page.inner_text("main")


def test_a_manager_opens_the_new_programme_form_with_the_keyboard(
    page: Any, live_server: Any, world: Any
) -> None:
    log_in(page, live_server, world.users["manager"])
    page.goto(f"{live_server.url}{reverse('manage-programme-list')}")
    tab_to(page, "Nieuw programma")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("manage-programme-create"))
    tab_to(page, "Code")

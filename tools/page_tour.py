"""The tour of every page kind, shared by `make screenshots` (tools/screenshots.py) and the
layout tests (tests/browser/test_layout_every_page.py): which pages there are, filled in
with the demo's objects, who walks them, and what a person would notice on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = ((390, 844), (1280, 900))
ROLES = {
    "bezoeker": None,
    "beheerder": ("beheerder", "beheerder-demo"),
    "coordinator": ("coordinator", "coordinator-demo"),
    "trainer": ("trainer", "trainer-demo"),
    "wijkteam": ("wijkteam", "wijkteam-demo"),
}
# Not pages: files, feeds, redirects and actions.
SKIP_SUFFIXES = (".csv", ".xlsx", ".css", ".ics")
SKIP_NAMES = {"healthz", "set_language", "logout", "api-schema", "api-docs"}
LAYOUT_CHECK = (ROOT / "tools" / "layout_check.js").read_text()


def page_paths() -> list[tuple[str, str]]:
    """(url name, path) of every page kind, with the demo's objects filled in (Django set
    up, the demo seeded: `seed_demo` and `seed_demo_groups`). Makes a parent's link."""
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    from enrolment.models import Enrolment, Guardian, LinkPurpose
    from enrolment.services import _make_link
    from evaluations.models import Questionnaire
    from programmes.models import (
        CoFinancingAgreement,
        Programme,
        School,
        SchoolClosure,
        SchoolHoliday,
        SchoolYear,
        Trainer,
        TrainerUnavailability,
    )
    from scheduler.models import Group, PlannerRun, PlanningRequest, Session, SessionKind

    enrolment = (
        Enrolment.objects.filter(erased_at__isnull=True)
        .select_related("group")
        .order_by("-group__first_date", "pk")
        .first()
    )
    group = enrolment.group if enrolment else Group.objects.order_by("pk").first()
    session = (
        Session.objects.filter(group=group, kind=SessionKind.CHILD).order_by("starts_at").first()
    )
    guardian = (
        Guardian.objects.filter(submission_id=enrolment.submission_id, is_enroller=True).first()
        if enrolment
        else None
    )
    token = _make_link(purpose=LinkPurpose.MANAGE, guardian=guardian) if guardian else None
    by_prefix: list[tuple[str, Any]] = [
        ("manage-school-year-", SchoolYear.objects.order_by("-start_date").first()),
        ("manage-programme-", Programme.objects.order_by("pk").first()),
        ("manage-school-", group.host_school if group else School.objects.first()),
        ("manage-closure-", SchoolClosure.objects.order_by("pk").first()),
        ("manage-trainer-", Trainer.objects.order_by("pk").first()),
        ("manage-unavailability-", TrainerUnavailability.objects.order_by("pk").first()),
        ("manage-holiday-", SchoolHoliday.objects.order_by("pk").first()),
        ("planning-request-", PlanningRequest.objects.order_by("pk").first()),
        ("planning-planner-", PlannerRun.objects.order_by("-pk").first()),
        ("planning-session-", session),
        ("planning-", group),
        ("privacy-retention-group", group),
        ("cofinancing-", CoFinancingAgreement.objects.order_by("pk").first()),
    ]
    questionnaire = Questionnaire.objects.order_by("-pk").first()
    question = questionnaire.questions.order_by("position").first() if questionnaire else None
    values = {
        "questionnaire_id": questionnaire.pk if questionnaire else None,
        "question_id": question.pk if question else None,
        "group_id": group.pk if group else None,
        "session_id": session.pk if session else None,
        "school_id": group.host_school_id if group else None,
        "public_id": enrolment.public_id if enrolment else None,
        "token": token,
        "code": Programme.objects.order_by("pk").values_list("code", flat=True).first(),
    }

    def walk(patterns: Any, ns: str | None = None, prefix: str = "") -> Any:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(("api/", "admin/")):
                continue
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or ns, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (f"{ns}:{pattern.name}" if ns else pattern.name), pattern

    pages = []
    for name, pattern in walk(get_resolver().url_patterns):
        route = str(pattern.pattern)
        if name in SKIP_NAMES or route.endswith(SKIP_SUFFIXES):
            continue
        kwargs: dict[str, Any] = {}
        for param in pattern.pattern.converters:
            if param == "pk":
                found = next((obj for prefix, obj in by_prefix if name.startswith(prefix)), None)
                kwargs[param] = found.pk if found else None
            else:
                kwargs[param] = values.get(param)
        if any(value is None for value in kwargs.values()):
            continue
        pages.append((name.replace(":", "-"), reverse(name, kwargs=kwargs)))
    return pages


def log_in(page: Any, base: str, credentials: tuple[str, str]) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("input[name=username]", credentials[0])
    page.fill("input[name=password]", credentials[1])
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")


def _visit(page: Any, url: str) -> Any:
    """Open `url`; None when it is no page (a download, or an answer such as a 405 that
    Chromium shows as its own error page). That error page may interrupt the next navigation,
    which is then tried again; the caller opens a new tab after a None (see walk)."""
    from playwright.sync_api import Error as PlaywrightError

    for _attempt in range(3):
        try:
            return page.goto(url)
        except PlaywrightError as error:
            if "interrupted by another navigation" not in str(error):
                return None
    return None


def walk(
    browser: Any, base: str, pages: list[tuple[str, str]], role: str, shots: Path | None = None
) -> list[str]:
    """Visit every page as `role` and look at it at both sizes; returns the layout findings.
    With `shots`, a full-page PNG of each page goes to shots/<role>/<name>-<width>.png.

    Each page is loaded once and then looked at in a phone and a desktop viewport: the
    site's layout is CSS alone (media queries and container widths; its one script copies a
    link), so resizing shows what a fresh load at that size would, at half the loads."""
    findings: list[str] = []
    credentials = ROLES[role]
    width, height = SIZES[0]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    page = context.new_page()
    if credentials:
        log_in(page, base, credentials)
    if shots is not None:
        (shots / role).mkdir(parents=True, exist_ok=True)
    for name, path in pages:
        response = _visit(page, base + path)
        if response is None:  # a download, or no page (405): its error page stays behind
            page.close()  # and would interrupt the next visits; a new tab keeps the log-in
            page = context.new_page()
            continue
        if response.status != 200:
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            if shots is not None:
                page.screenshot(path=shots / role / f"{name}-{width}.png", full_page=True)
            findings.extend(
                f"{role} {width}px {path}: {problem}" for problem in page.evaluate(LAYOUT_CHECK)
            )
    context.close()
    return findings

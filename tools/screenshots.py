"""`make screenshots`: a PNG of every page kind per role, at phone and desktop size.

Builds a fresh demo database in var/screenshots/ (the Zwolle demo of `make run`), serves it
on a free local port, and walks every named page of the site as each role sees it:
a visitor (and a parent through their own link), the programme manager, a school
coordinator and a trainer. Each page that answers 200 with HTML is captured at 390×844
and 1280×900 into var/screenshots/<role>/<url-name>-<width>.png, and checked for what a
person would notice and axe does not (`tools/layout_check.js`): text narrower than its
first word, a page that scrolls sideways outside a labelled scroll region, a form
control whose label is neither beside nor above it. The findings are printed and written
to var/screenshots/report.txt; they do not fail the command (the browser tests do that).

Needs Debian's Chromium (`apt-get install chromium`), as the browser tests do.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SIZES = ((390, 844), (1280, 900))
ROLES = {
    "bezoeker": None,
    "beheerder": ("beheerder", "beheerder-demo"),
    "coordinator": ("coordinator", "coordinator-demo"),
    "trainer": ("trainer", "trainer-demo"),
}
# Not pages: files, feeds, redirects and actions.
SKIP_SUFFIXES = (".csv", ".xlsx", ".css", ".ics")
SKIP_NAMES = {"healthz", "set_language", "logout", "api-schema", "api-docs"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(*args: str, env: dict[str, str]) -> None:
    # Our own manage.py with fixed arguments.
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _pages(env: dict[str, str]) -> list[tuple[str, str]]:
    """(url name, path) of every page kind, with the demo's objects filled in."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    from enrolment.models import Enrolment, Guardian, LinkPurpose
    from enrolment.services import _make_link
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
    values = {
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


def _log_in(page: Any, base: str, credentials: tuple[str, str]) -> None:
    page.goto(f"{base}/inloggen/")
    page.fill("input[name=username]", credentials[0])
    page.fill("input[name=password]", credentials[1])
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
        return 1
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "db" / "mail").mkdir(parents=True)
    env = {
        **os.environ,
        "VAR_DIR": str(OUT / "db"),
        "DEBUG": "true",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DATABASE_URL": "",
    }
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env["SITE_URL"] = base
    for command in ("migrate", "seed_demo", "seed_demo_groups"):
        _manage(command, "-v", "0", env=env)
    pages = _pages(env)
    server = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    findings: list[str] = []
    shots = 0
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        check = (ROOT / "tools" / "layout_check.js").read_text()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for role, credentials in ROLES.items():
                (OUT / role).mkdir(parents=True, exist_ok=True)
                for width, height in SIZES:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        locale="nl-NL",
                        timezone_id="Europe/Amsterdam",
                    )
                    page = context.new_page()
                    if credentials:
                        _log_in(page, base, credentials)
                    for name, path in pages:
                        try:
                            response = page.goto(base + path)
                        except PlaywrightError:  # a download, or an answer that is no page
                            continue
                        if response is None or response.status != 200:
                            continue
                        if "text/html" not in response.headers.get("content-type", ""):
                            continue
                        page.screenshot(path=OUT / role / f"{name}-{width}.png", full_page=True)
                        shots += 1
                        for problem in page.evaluate(check):
                            findings.append(f"{role} {width}px {path}: {problem}")
                    context.close()
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)
    report = "\n".join(findings) or "no findings"
    (OUT / "report.txt").write_text(report + "\n")
    print(report)
    print(json.dumps({"screenshots": shots, "findings": len(findings), "folder": str(OUT)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

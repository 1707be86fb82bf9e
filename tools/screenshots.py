"""`make screenshots`: a PNG of every page kind per role, at phone and desktop size.

Builds a fresh demo database in var/screenshots/ (the Zwolle demo of `make run`), serves it
on a free local port, and walks every named page of the site as each role sees it
(`tools/page_tour.py`): a visitor (and a parent through their own link), the programme
manager, a school coordinator and a trainer. Each page that answers 200 with HTML is
captured at 390×844 and 1280×900 into var/screenshots/<role>/<url-name>-<width>.png, and
checked for what a person would notice and axe does not (`tools/layout_check.js`): text
narrower than its first word, a page that scrolls sideways outside a labelled scroll
region, a form control whose label is neither beside nor above it. The findings are
printed and written to var/screenshots/report.txt; they do not fail the command (the
layout tests in tests/browser/ do that).

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

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(*args: str, env: dict[str, str]) -> None:
    # Our own manage.py with fixed arguments.
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
        return 1
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "db" / "mail").mkdir(parents=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "VAR_DIR": str(OUT / "db"),
        "DEBUG": "true",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DATABASE_URL": "",
        "SITE_URL": base,
    }
    for command in (
        "migrate",
        "seed_demo",
        "seed_demo_groups",
        "seed_demo_evaluations",
        "seed_demo_referrals",
    ):
        _manage(command, "-v", "0", env=env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from tools.page_tour import ROLES, page_paths, walk

    pages = page_paths()
    server = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    findings: list[str] = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for role in ROLES:
                findings += walk(browser, base, pages, role, shots=OUT)
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)
    shots = sum(1 for _ in OUT.glob("*/*.png"))
    report = "\n".join(findings) or "no findings"
    (OUT / "report.txt").write_text(report + "\n")
    print(report)
    print(json.dumps({"screenshots": shots, "findings": len(findings), "folder": str(OUT)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

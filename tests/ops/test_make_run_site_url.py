"""`make run RUN_ADDR=...`: the links it prints and mails (log-ins, e-mail, calendar feeds)
use the address the server listens on, unless SITE_URL is set.

The Makefile's `run` target is run for real with `setup` taken as done (`-o setup`) and
`manage.py` replaced by a probe that prints each step's command and the SITE_URL it receives.
Every start runs the demo seeds (they follow the calendar and add nothing when today's demo
is there), also in a VAR_DIR holding the `.seeded` marker of earlier versions."""

from __future__ import annotations

import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
# Make expands `$$` to `$`: the probe prints "<command> <SITE_URL>".
PROBE = """sh -c 'printf "%s " "$$1"; printenv SITE_URL' --"""


def steps_of_make_run(
    tmp_path: Path, *args: str, site_url: str | None = None
) -> list[tuple[str, str]]:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SITE_URL", "RUN_ADDR", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    }
    if site_url is not None:
        env["SITE_URL"] = site_url
    (tmp_path / ".seeded").touch()
    result = subprocess.run(
        [make, "-s", "-o", "setup", "run", f"VAR_DIR={tmp_path}", f"MANAGE={PROBE}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    steps = [line.partition(" ") for line in result.stdout.splitlines()]
    return [(command, url) for command, _, url in steps]


def site_urls_seen_by_make_run(tmp_path: Path, *args: str, site_url: str | None = None) -> set[str]:
    return {url for _, url in steps_of_make_run(tmp_path, *args, site_url=site_url)}


def test_every_start_migrates_seeds_the_demo_of_today_and_prints_the_log_ins(
    tmp_path: Path,
) -> None:
    steps = [command for command, _ in steps_of_make_run(tmp_path)]
    assert steps == [
        "migrate",
        "seed_demo",
        "seed_demo_groups",
        "seed_demo_evaluations",
        "seed_demo_referrals",
        "demo_logins",
        "runserver",
    ]


def test_the_site_address_follows_run_addr(tmp_path: Path) -> None:
    seen = site_urls_seen_by_make_run(tmp_path, "RUN_ADDR=127.0.0.1:8101")
    assert seen == {"http://127.0.0.1:8101"}


def test_a_bare_port_in_run_addr_is_served_on_localhost(tmp_path: Path) -> None:
    assert site_urls_seen_by_make_run(tmp_path, "RUN_ADDR=8102") == {"http://127.0.0.1:8102"}


def test_without_run_addr_the_site_is_on_port_8000(tmp_path: Path) -> None:
    assert site_urls_seen_by_make_run(tmp_path) == {"http://127.0.0.1:8000"}


def test_a_site_url_set_in_the_environment_wins(tmp_path: Path) -> None:
    seen = site_urls_seen_by_make_run(
        tmp_path, "RUN_ADDR=127.0.0.1:8101", site_url="https://planner.example.org"
    )
    assert seen == {"https://planner.example.org"}


@pytest.mark.django_db
def test_demo_logins_prints_the_log_in_links_at_the_site_address(settings: Any) -> None:
    settings.SITE_URL = "http://127.0.0.1:8101"
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "http://127.0.0.1:8101/" in out.getvalue()
    assert ":8000" not in out.getvalue()

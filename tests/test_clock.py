"""The suite's clock (tests/clock.py): --today travels, a named date needs a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests import clock

# This module writes dates as samples for the check, so it fixes its own clock too.
pytestmark = clock.on_day("2026-12-06")

PROBE = """
import datetime as dt

from django.utils import timezone

from tests.clock import on_day

WRITTEN_FOR = dt.date(2026, 11, 2)


def test_names_a_date_on_the_wall_clock():
    assert WRITTEN_FOR.year == 2026


@on_day("2026-11-02")
def test_names_a_date_with_the_clock_fixed():
    assert timezone.localdate() == WRITTEN_FOR
"""

OWN_LITERAL_PROBE = """
import datetime as dt


def test_writes_its_own_date_on_the_wall_clock():
    assert dt.date(2026, 11, 2).year == 2026


def test_beside_it_names_none():
    assert True
"""

RELATIVE_PROBE = """
from django.utils import timezone


def test_relative_to_today(request):
    today = request.config.getoption("--today")
    if today:
        assert timezone.localdate().isoformat() == today
        assert timezone.localtime().hour == 10
"""


@pytest.mark.parametrize(
    ("source", "literal"),
    [
        ("start = dt.date(2026, 11, 2)", "date(2026,"),
        ("at = datetime(2027, 3, 26, 10)", "datetime(2027,"),
        ('post(url, {"date_sent": "2026-11-02"})', '"2026-11-02'),
        ('SchoolYearFactory(label="2029-2030")', '"2029-2030"'),
        ('assert "vrijdag 4 december 2026" in text', "4 december 2026"),
    ],
)
def test_a_literal_date_is_found(source: str, literal: str) -> None:
    assert clock.literal_in(source) == literal


@pytest.mark.parametrize(
    "source",
    [
        "start = timezone.localdate() + dt.timedelta(weeks=6)",
        'label = SchoolYear.label_for(today)  # e.g. "2026-2027 is shipped"',
        "capacity = 2026",
        'phone = "0612345678"',
    ],
)
def test_relative_dates_and_other_numbers_are_not_literals(source: str) -> None:
    assert clock.literal_in(source) is None


def test_moment_is_that_day_at_ten_in_amsterdam() -> None:
    moment = clock.moment("2027-03-26")
    assert moment.isoformat() == "2027-03-26T10:00:00+01:00"
    assert clock.moment("2027-07-20").utcoffset() == dt.timedelta(hours=2)


def _run_probe(tmp_name: str, files: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Runs pytest in a child process on probe modules placed in tests/ (so the suite's
    conftest and its check apply), then removes them."""
    folder = Path(clock.TESTS_DIR) / tmp_name
    folder.mkdir()
    try:
        (folder / "__init__.py").write_text("")
        for name, text in files.items():
            (folder / name).write_text(text)
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        return subprocess.run(
            [sys.executable, "-m", "pytest", str(folder), "-p", "no:cacheprovider", *args],
            capture_output=True,
            text=True,
            cwd=clock.TESTS_DIR.parent,
            env=env,
            timeout=300,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_test_naming_a_date_on_the_wall_clock_fails_and_one_with_a_fixed_clock_passes() -> None:
    result = _run_probe(
        f"_clock_probe_{uuid.uuid4().hex[:8]}",
        {
            "test_probe.py": PROBE,
            "test_own.py": OWN_LITERAL_PROBE,
            "test_relative.py": RELATIVE_PROBE,
        },
        "--today=2029-10-26",
    )
    out = result.stdout
    assert "2 failed, 3 passed" in out, out
    assert "test_own.py::test_writes_its_own_date_on_the_wall_clock" in out, out
    assert "test_beside_it_names_none" not in out.split("short test summary")[-1], out
    assert "FAILED" in out and "test_names_a_date_on_the_wall_clock" in out, out
    assert "names a date ('date(2026,' in tests/_clock_probe_" in out, out
    assert "today: 2029-10-26 from 10:00 Europe/Amsterdam (--today)" in out, out


def test_a_bad_today_is_a_usage_error() -> None:
    result = _run_probe(
        f"_clock_probe_{uuid.uuid4().hex[:8]}",
        {"test_relative.py": RELATIVE_PROBE},
        "--today=2029-02-30",
    )
    assert result.returncode == 4, result.stdout + result.stderr
    assert "--today=2029-02-30: give a day as YYYY-MM-DD" in result.stderr


def test_skip_fixed_clock_leaves_out_only_the_tests_with_a_fixed_clock() -> None:
    result = _run_probe(
        f"_clock_probe_{uuid.uuid4().hex[:8]}",
        {"test_probe.py": PROBE, "test_relative.py": RELATIVE_PROBE},
        "--today=2029-10-26",
        "--skip-fixed-clock",
    )
    out = result.stdout
    assert "1 failed, 1 passed, 1 deselected" in out, out
    assert "test_names_a_date_with_the_clock_fixed" not in out, out

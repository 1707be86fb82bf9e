"""`.ci/pip_audit.sh`: a known vulnerability fails, an unreachable service only warns.

pip-audit is replaced by a stand-in that writes a chosen report, and the probe is pointed
at a local file, so these tests need no network and show each outcome of the script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "pip_audit.sh"
WARNING = "WARNING: pip-audit could NOT check the packages"

FAKE_PIP_AUDIT = """#!{python}
import os, sys
open(os.environ["FAKE_CALLED"], "w").write(" ".join(sys.argv[1:]))
output = sys.argv[sys.argv.index("--output") + 1]
open(output, "w").write(os.environ["FAKE_REPORT"])
sys.exit(int(os.environ["FAKE_EXIT"]))
"""

CLEAN = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}], "fixes": []}
VULNERABLE = {
    "dependencies": [
        {
            "name": "django",
            "version": "5.2.19",
            "vulns": [
                {
                    "id": "PYSEC-2099-1",
                    "fix_versions": ["5.2.20"],
                    "aliases": ["CVE-2099-0001"],
                    "description": "...",
                }
            ],
        },
        {"name": "celery", "version": "5.5.0", "vulns": []},
    ],
    "fixes": [],
}
ALL_SKIPPED = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    ],
    "fixes": [],
}


def run(tmp_path: Path, *, reachable: bool, report: dict[str, Any], exit_code: int = 0) -> Any:
    fake = tmp_path / "pip-audit"
    fake.write_text(FAKE_PIP_AUDIT.format(python=sys.executable))
    fake.chmod(0o755)
    probe = tmp_path / "django.json"
    if reachable:
        probe.write_text(json.dumps({"info": {"name": "Django"}, "vulnerabilities": []}))
    env = {
        **os.environ,
        "PIP_AUDIT": str(fake),
        "PYTHON": sys.executable,
        "PIP_AUDIT_PROBE_URL": probe.as_uri(),
        "FAKE_CALLED": str(tmp_path / "called"),
        "FAKE_REPORT": json.dumps(report),
        "FAKE_EXIT": str(exit_code),
    }
    return subprocess.run(
        ["bash", str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_a_known_vulnerability_fails_and_is_listed_with_its_fix(tmp_path: Path) -> None:
    result = run(tmp_path, reachable=True, report=VULNERABLE, exit_code=1)
    assert result.returncode == 1
    assert (
        "VULNERABLE django 5.2.19: PYSEC-2099-1 (CVE-2099-0001); fixed in: 5.2.20" in result.stdout
    )
    called = (tmp_path / "called").read_text()
    assert "-r requirements/dev.txt --no-deps --disable-pip --progress-spinner off" in called


def test_no_known_vulnerability_passes_quietly(tmp_path: Path) -> None:
    result = run(tmp_path, reachable=True, report=CLEAN)
    assert result.returncode == 0
    assert "1 packages audited, 0 skipped, 0 known vulnerabilities" in result.stdout
    assert WARNING not in result.stderr


def test_an_unreachable_service_warns_loudly_and_passes(tmp_path: Path) -> None:
    result = run(tmp_path, reachable=False, report=VULNERABLE, exit_code=1)
    assert result.returncode == 0
    assert WARNING in result.stderr
    assert not (tmp_path / "called").exists()  # pip-audit was not even started


def test_a_report_that_audited_nothing_warns_instead_of_passing_silently(tmp_path: Path) -> None:
    result = run(tmp_path, reachable=True, report=ALL_SKIPPED)
    assert result.returncode == 0
    assert WARNING in result.stderr
    assert "every one was skipped" in result.stderr


def test_a_failing_pip_audit_fails_the_script(tmp_path: Path) -> None:
    result = run(tmp_path, reachable=True, report=CLEAN, exit_code=2)
    assert result.returncode == 2

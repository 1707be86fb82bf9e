#!/usr/bin/env bash
# Known vulnerabilities in the pinned Python packages (requirements/dev.txt holds every
# runtime package too), checked by pip-audit against PyPI's vulnerability data.
#
#   exit 0  no known vulnerability, or the vulnerability service could not be reached
#           (then a loud warning says that nothing was checked)
#   exit 1  at least one known vulnerability (listed, with the versions that fix it)
#   exit 2  pip-audit itself failed
#
# Why the probe first: without its vulnerability service pip-audit skips every package
# ("Dependency not found on PyPI and could not be audited") and still prints "No known
# vulnerabilities found" with exit 0, which reads as a pass. Networks that reach only a
# package mirror (no PyPI JSON API, no api.osv.dev) look exactly like that.
#
# Overridable for tests and other set-ups: PIP_AUDIT, PYTHON, PIP_AUDIT_REQUIREMENTS,
# PIP_AUDIT_PROBE_URL (a JSON API page that must answer with "info" and "vulnerabilities").
set -euo pipefail

cd "$(dirname "$0")/.."

PIP_AUDIT=${PIP_AUDIT:-.venv/bin/pip-audit}
PYTHON=${PYTHON:-.venv/bin/python}
REQUIREMENTS=${PIP_AUDIT_REQUIREMENTS:-requirements/dev.txt}
# The same kind of request pip-audit makes for each package: Django at its pinned version.
django_version=$(sed -n 's/^django==\([^ ]*\).*/\1/p' "$REQUIREMENTS" | head -n 1)
PROBE_URL=${PIP_AUDIT_PROBE_URL:-https://pypi.org/pypi/django/${django_version:-5.2}/json}

unchecked() {
    {
        echo
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        echo "!! WARNING: pip-audit could NOT check the packages for known vulnerabilities."
        echo "!! Reason: $1"
        echo "!! Nothing was audited. Run .ci/pip_audit.sh where PyPI's JSON API is reachable."
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        echo
    } >&2
    exit 0
}

echo "pip-audit: probing the vulnerability service at ${PROBE_URL}"
if ! "$PYTHON" - "$PROBE_URL" <<'PY'; then
import json
import sys
import urllib.request

try:
    with urllib.request.urlopen(sys.argv[1], timeout=15) as answer:
        page = json.load(answer)
    sys.exit(0 if isinstance(page.get("info"), dict) and "vulnerabilities" in page else 1)
except Exception as error:  # any failure means: not reachable
    print(f"probe failed: {error!r}", file=sys.stderr)
    sys.exit(1)
PY
    unchecked "the PyPI JSON API (${PROBE_URL}) did not answer"
fi

report=$(mktemp)
trap 'rm -f "$report"' EXIT

set +e
"$PIP_AUDIT" -r "$REQUIREMENTS" --no-deps --disable-pip --progress-spinner off \
    --format json --output "$report"
status=$?
set -e
# pip-audit exits 1 when it found vulnerabilities; anything else non-zero is its own failure.
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "pip-audit failed (exit ${status})" >&2
    exit 2
fi

set +e
"$PYTHON" - "$report" <<'PY'
import json
import sys

dependencies = json.load(open(sys.argv[1]))["dependencies"]
skipped = [d for d in dependencies if d.get("skip_reason")]
audited = [d for d in dependencies if not d.get("skip_reason")]
vulnerable = [d for d in audited if d.get("vulns")]
if not audited:
    sys.exit(3)
for dep in skipped:
    print(f"pip-audit: not audited: {dep['skip_reason']}", file=sys.stderr)
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
        aliases = ", ".join(vuln.get("aliases") or [])
        print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']}"
              f"{f' ({aliases})' if aliases else ''}; fixed in: {fixes}")
print(f"pip-audit: {len(audited)} packages audited, {len(skipped)} skipped, "
      f"{sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities")
sys.exit(1 if vulnerable else 0)
PY
verdict=$?
set -e
case "$verdict" in
    0) exit 0 ;;
    1) exit 1 ;;
    3) unchecked "pip-audit could not audit a single package (every one was skipped)" ;;
    *) echo "could not read the pip-audit report (exit ${verdict})" >&2; exit 2 ;;
esac

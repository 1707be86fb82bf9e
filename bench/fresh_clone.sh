#!/usr/bin/env bash
# A new user's first minutes, timed: clone this repository (its committed HEAD) into a
# temporary folder and run the README's two quick-start commands there:
#
#   make test   the whole suite (FRESH_CLONE_QUICK=1: only tests/test_health.py, for a
#               fast check that setting up from nothing works)
#   make run    in the background on a free port (RUN_ADDR), probed until the home page
#               answers 200; then the public enrolment pages (a school search that needs
#               the migrated, seeded database), /healthz and the log-in page must answer
#               200; then it is stopped (its whole process group)
#
# and removes the folder again. It checks the README's prerequisites first (Python 3.11+,
# make, Node.js with npm, gettext's msgfmt, plus git and curl for itself), runs without
# DATABASE_URL, REDIS_URL or EMAIL_HOST (the quick start needs no servers), prints the time
# of each step and exits non-zero with the failing step's name and log on any failure.
#
#   bench/fresh_clone.sh
#   FRESH_CLONE_QUICK=1 bench/fresh_clone.sh
#   FRESH_CLONE_KEEP=1 bench/fresh_clone.sh     # keep the folder to look around afterwards
#
# Uncommitted changes in this checkout are not in the clone: it tests what was committed.
set -euo pipefail

PYTHON=${PYTHON:-python3}
QUICK=${FRESH_CLONE_QUICK:-0}
KEEP=${FRESH_CLONE_KEEP:-0}
RUN_TIMEOUT=${FRESH_CLONE_RUN_TIMEOUT:-300}

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=""
server_pid=""
current="prerequisites"
started=$(date +%s)
last=$started
timings=()

fail() {
    echo >&2
    echo "FRESH CLONE FAILED in step '$current': $*" >&2
    exit 1
}

done_step() {
    local now
    now=$(date +%s)
    timings+=("$(printf '%-44s %5ss' "$1" "$((now - last))")")
    last=$now
}

stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        # setsid made the server its own process group: make, manage.py and the
        # autoreloader's child all go.
        kill -TERM -- "-$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}

cleanup() {
    local status=$?
    stop_server
    if [ -n "$work" ] && [ -d "$work" ]; then
        if [ "$KEEP" = "1" ]; then
            echo "kept: $work"
        else
            rm -rf "$work"
        fi
    fi
    if [ "$status" -ne 0 ] && [ "$current" != "done" ]; then
        echo "==> fresh clone: FAILED in step '$current' after $(($(date +%s) - started)) s" >&2
    fi
}
trap cleanup EXIT
trap 'current="interrupted"; exit 130' INT TERM

# --- prerequisites (README, "Quick start") ----------------------------------------------

echo "==> prerequisites"
missing=()
command -v git >/dev/null || missing+=("git (to clone)")
command -v curl >/dev/null || missing+=("curl (to probe the server)")
command -v make >/dev/null || missing+=("make")
if ! command -v "$PYTHON" >/dev/null; then
    missing+=("Python 3.11 or newer as '$PYTHON' (set PYTHON=python3.11)")
elif ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    missing+=("Python 3.11 or newer: '$PYTHON' is $("$PYTHON" -V 2>&1) (set PYTHON=python3.11)")
fi
command -v node >/dev/null || missing+=("Node.js (for the NL Design System styles)")
command -v npm >/dev/null || missing+=("npm (comes with Node.js)")
command -v msgfmt >/dev/null || missing+=("gettext's msgfmt (Debian/Ubuntu: apt-get install gettext)")
if [ ${#missing[@]} -gt 0 ]; then
    printf '    missing: %s\n' "${missing[@]}" >&2
    fail "install the prerequisites above (README, Quick start)"
fi
echo "    $("$PYTHON" -V 2>&1), make $(make --version | head -1 | awk '{print $3}'), node $(node --version), npm $(npm --version)"
command -v chromium >/dev/null || echo "    note: no chromium, so the browser tests will be skipped (README)"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
    echo "    note: $repo has uncommitted changes; the clone holds only the committed HEAD"
fi
done_step "prerequisites"

# --- clone ------------------------------------------------------------------------------

current="git clone"
work=$(mktemp -d "${TMPDIR:-/tmp}/fresh-clone.XXXXXX")
clone="$work/groepsplanner"
echo "==> git clone $repo (HEAD $(git -C "$repo" rev-parse --short HEAD)) into $clone"
git clone --quiet "$repo" "$clone" || fail "git clone failed"
done_step "git clone"

# The quick start needs no database server, broker or mail server: none from this shell.
unset DATABASE_URL REDIS_URL EMAIL_HOST SECRET_KEY DEBUG ALLOWED_HOSTS VAR_DIR PYTEST_ADDOPTS
unset CELERY_TASK_ALWAYS_EAGER SECURE_SSL_REDIRECT DJANGO_SETTINGS_MODULE VIRTUAL_ENV

# --- make test --------------------------------------------------------------------------

if [ "$QUICK" = "1" ]; then
    current="make test (quick: tests/test_health.py)"
    echo "==> $current"
    make -C "$clone" --no-print-directory test PYTEST_ARGS='-x -q tests/test_health.py' ||
        fail "make test failed (output above)"
else
    current="make test"
    echo "==> $current (the whole suite)"
    make -C "$clone" --no-print-directory test || fail "make test failed (output above)"
fi
done_step "$current"

# --- make run ---------------------------------------------------------------------------

current="make run"
port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
address="127.0.0.1:$port"
log="$work/make-run.log"
echo "==> make run RUN_ADDR=$address (in the background; log $log)"
setsid make -C "$clone" --no-print-directory run RUN_ADDR="$address" >"$log" 2>&1 </dev/null &
server_pid=$!

show_log() {
    echo "---- last lines of make run ----" >&2
    tail -n 30 "$log" >&2 || true
}

deadline=$(($(date +%s) + RUN_TIMEOUT))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$address/" 2>/dev/null)" = "200" ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        show_log
        fail "make run stopped before the site answered"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
        show_log
        fail "the site did not answer 200 on http://$address/ within $RUN_TIMEOUT s"
    fi
    sleep 0.5
done
done_step "make run until / answers 200"

current="probing the running site"
for page in /aanmelden/ "/aanmelden/?q=Zwolle" /healthz /inloggen/; do
    code=$(curl -s -o "$work/page.html" -w '%{http_code}' "http://$address$page" || true)
    if [ "$code" != "200" ]; then
        show_log
        fail "http://$address$page answered $code instead of 200"
    fi
    echo "    $page: 200"
done
grep -q "Demo log-ins" "$log" || {
    show_log
    fail "make run did not print the demo log-ins"
}
# The database is migrated and seeded: searching for Zwolle finds the demo schools.
curl -s "http://$address/aanmelden/?q=Zwolle" | grep -q 'href="/aanmelden/school/' ||
    fail "/aanmelden/?q=Zwolle lists no school: the demo data is missing"
stop_server
done_step "probe /aanmelden/, /healthz, /inloggen/; stop"

if [ "$KEEP" != "1" ]; then
    current="removing the folder"
    rm -rf "$work"
    work=""
    done_step "remove the folder"
fi

current="done"
echo
echo "==> fresh clone: OK in $(($(date +%s) - started)) s"
printf '    %s\n' "${timings[@]}"

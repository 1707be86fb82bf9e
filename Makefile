# The two commands a new user runs: `make run` and `make test`.
# Everything else here is what they need, made on demand and only when stale.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
ASSETS := static/vendor/utrecht/.built
# Where the SQLite database and file e-mail live (settings read VAR_DIR too).
VAR_DIR ?= var
RUN_ADDR ?= 127.0.0.1:8000
# The address in the links `make run` prints and mails (log-ins, e-mail, calendar feeds):
# the one the server listens on (RUN_ADDR may be a bare port), unless SITE_URL is set.
RUN_SITE_URL = http://$(if $(findstring :,$(RUN_ADDR)),$(RUN_ADDR),127.0.0.1:$(RUN_ADDR))

.PHONY: run test setup lint fmt migrate seed messages assets lock clean help demo-data screenshots

help:
	@echo "make run    set up and serve the demo site on $(RUN_SITE_URL) (RUN_ADDR=host:port)"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff check and the layering (lint-imports)"
	@echo "make screenshots  a PNG of every page kind per role in var/screenshots/"
	@echo "make lock   recompile requirements/*.txt from pyproject.toml"

$(BIN)/.installed: requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| (echo "Python 3.11 or newer is needed (set PYTHON=python3.11)"; exit 1)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/dev.txt
	touch $@

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor/utrecht
	mkdir -p static/vendor/utrecht
	cp node_modules/@utrecht/component-library-css/dist/index.css static/vendor/utrecht/component-library.css
	cp node_modules/@utrecht/design-tokens/dist/theme.css static/vendor/utrecht/design-tokens.css
	touch $@

assets: $(ASSETS)

# Compiles the .po catalogues, if there are any yet; needs gettext's msgfmt.
messages: $(BIN)/.installed
	@if find . -name '*.po' -not -path './.venv/*' -not -path './node_modules/*' | grep -q .; then \
		command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext"; exit 1; }; \
		$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	fi

setup: $(BIN)/.installed $(ASSETS) messages
	mkdir -p $(VAR_DIR)/mail $(VAR_DIR)/static

# The demo site runs with DEBUG on (dev server serves static files, demo passwords allowed).
run: export DEBUG = true
run: export SITE_URL ?= $(RUN_SITE_URL)
# The demo follows the calendar on every start, also on a database seeded on an earlier day:
# seed_demo adds the current school year (and from May the next) with its closed days, and
# seed_demo_groups a new round of groups when none is open for enrolment or running today.
# Both add nothing when today's demo is there: about 1.5 s each, nearly all Django's start-up.
run: setup
	$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) seed_demo
	@$(MANAGE) seed_demo_groups
	@$(MANAGE) seed_demo_evaluations
	@$(MANAGE) seed_demo_referrals
	@$(MANAGE) demo_logins
	$(MANAGE) runserver $(RUN_ADDR)

# Parallel workers (pytest-xdist), one per core, at most 7: each takes a database of its own
# and, with REDIS_URL, a Redis database of its own (1 to 7; config/env.py). PYTEST_WORKERS=0
# runs everything in this one process (for pdb, or -x with a clean trace).
PYTEST_WORKERS ?= auto
test: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) --maxprocesses=7 $(PYTEST_ARGS)

# A large invented municipality (Vechtstede: 75 schools, ~300 groups, ~2,500 enrolments) on
# the same database as `make run` (var/db.sqlite3, or DATABASE_URL when set), next to the
# Zwolle demo and its log-ins. Runs once; a second run says so and adds nothing.
demo-data: export DEBUG = true
demo-data: export SITE_URL ?= $(RUN_SITE_URL)
demo-data: setup
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) seed_demo
	$(MANAGE) seed_large_municipality
	@$(MANAGE) demo_logins

# A PNG of every page kind per role at 390 and 1280 px in var/screenshots/, on a fresh demo
# database there, with a report of layout findings (tools/screenshots.py). Needs Chromium.
screenshots: setup
	$(PY) tools/screenshots.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock:
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

clean:
	rm -rf $(VENV) node_modules static/vendor var

# The two commands a new user runs: `make run` and `make test`.
# Everything else here is what they need, made on demand and only when stale.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
ASSETS := static/vendor/utrecht/.built

.PHONY: run test lint fmt migrate seed messages assets lock clean help demo-data

help:
	@echo "make run    set up and serve the demo site on http://127.0.0.1:8000"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff check"
	@echo "make lock   recompile requirements/*.txt from pyproject.toml"

$(BIN)/.installed: requirements/dev.txt
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

messages: $(BIN)/.installed
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

setup: $(BIN)/.installed $(ASSETS) messages
	mkdir -p var/mail

run: setup
	$(MANAGE) migrate --noinput -v 0
	@test -f var/.seeded || ($(MANAGE) seed_demo && touch var/.seeded)
	$(MANAGE) demo_logins
	$(MANAGE) runserver 127.0.0.1:8000

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock:
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

clean:
	rm -rf $(VENV) node_modules static/vendor var

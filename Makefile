# Tasker — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PORT ?= 8000
# The Nu HTML checker the browser tests validate every page with (tests/e2e/conftest.py).
VNU_VERSION := 26.9.27
VNU_STAMP := $(VENV)/vnu/.installed-$(VNU_VERSION)

.PHONY: run test serve lint format bench screenshots setup clean

# Django 6 needs Python >= 3.12; pyenv and uv pick it from .python-version.
$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Tasker needs Python 3.12 or newer (found " + sys.version.split()[0] + "). Install it, e.g. `pyenv install 3.12`, then run make again.")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# It needs npm and Java 17+; without npm the HTML check is skipped (under CI=true it fails).
# --ignore-scripts: the jar is in the package; its install script only looks for Java.
$(VNU_STAMP): | $(STAMP)
	@if command -v npm >/dev/null; then \
		npm install --prefix $(VENV)/vnu --no-audit --no-fund --ignore-scripts --silent vnu-jar@$(VNU_VERSION) \
		&& touch $@; \
	else \
		echo "npm not found: the browser tests will skip the HTML check (apt-get install npm default-jre-headless)."; \
	fi

setup: $(STAMP) $(VNU_STAMP)

.env:
	@echo "Writing a local .env for development (git-ignored)."
	@printf 'DEBUG=true\nSECRET_KEY=%s\n' "$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

run: $(STAMP) .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) $(VNU_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# Production on one machine: nginx on PORT in front of gunicorn (unix socket) and the task
# worker, DEBUG off; Ctrl-C stops all three. See deploy/serve and docs/deploying.md.
serve: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: $(STAMP) .env
	PORT=$(PORT) PY=$(PY) deploy/serve

# Pages at scale against the framework's floor; see docs/performance.md.
bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

# The README's pictures, as the browser tests take them (tests/e2e/test_pages.py).
SHOTS := test-artifacts/screenshots
screenshots: $(STAMP)
	$(PY) -m pytest -q tests/e2e/test_pages.py -k "visitor or customer"
	cp $(SHOTS)/visitor-home.png docs/screenshots/home.png
	cp $(SHOTS)/visitor-browse.png docs/screenshots/browse.png
	cp $(SHOTS)/customer-task-as-the-owner-with-bids.png docs/screenshots/task-owner-bids.png
	cp $(SHOTS)/customer-agreement-reviewed.png docs/screenshots/agreement.png
	cp $(SHOTS)/customer-conversation.png docs/screenshots/conversation.png
	cp $(SHOTS)/customer-dashboard.png docs/screenshots/dashboard.png
	cp $(SHOTS)/phone-customer-home.png docs/screenshots/phone-home.png
	cp $(SHOTS)/phone-visitor-browse.png docs/screenshots/phone-browse.png
	cp $(SHOTS)/phone-customer-dashboard.png docs/screenshots/phone-dashboard.png

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles var test_db*.sqlite3*

# `make run` serves the site with a worker and beat; `make test` runs the whole suite.
# Both install what is missing first (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python
UV := .venv/bin/uv
# Migrations, demo data, tests and backups run as the owner of the tables, which row-level
# security does not apply to (SECURITY.md); the web server and the worker log in as the
# application role (DATABASE_URL, default postgres://peercert_app@.../peercert). The owner's URL
# is MIGRATE_DATABASE_URL (from the environment or .env; .env.example), else a DATABASE_URL
# that names the owner (an older .env), else the local default.
MIGRATE_DATABASE_URL ?= $(shell sed -n 's/^MIGRATE_DATABASE_URL=//p' .env 2>/dev/null)
ENV_DATABASE_URL := $(or $(DATABASE_URL),$(shell sed -n 's/^DATABASE_URL=//p' .env 2>/dev/null))
OWNER_URL := $(or $(MIGRATE_DATABASE_URL),$(if $(findstring peercert_app@,$(ENV_DATABASE_URL)),,$(ENV_DATABASE_URL)),postgres://peercert@127.0.0.1:5432/peercert)
AS_OWNER := DATABASE_URL=$(OWNER_URL)

.PHONY: run test test-fast venv assets services chromium messages lint migrate seed check-migrations backup restore

run: venv assets services messages
	$(AS_OWNER) $(PY) manage.py migrate --noinput
	$(AS_OWNER) $(PY) manage.py seed_demo
	./scripts/run_all.sh

# Both print the 25 slowest tests at the end (the test budget: README.md, **Tests**) and run
# the tests in TEST_WORKERS processes (pytest-xdist; 2: the cores of the machine the budget is
# for). Each process has its own test database (test_<name>_gw0, ...), Celery queues, cache
# namespaces, ports and temporary folders (benchmarks/RESULTS.md, "Test suite time").
# PYTEST_ARGS="-n 0" runs them in this one process; PYTEST_ARGS adds to or overrides the rest.
TEST_WORKERS ?= 2
test: venv assets services chromium messages lint check-migrations
	$(AS_OWNER) ROW_LEVEL_SECURITY=switch CELERY_TASK_ALWAYS_EAGER=false $(PY) -m pytest -q -n $(TEST_WORKERS) --durations=25 $(PYTEST_ARGS)

# The quick loop: all but the `slow` tests (browser, Celery worker, transactional: tests/conftest.py).
test-fast: venv assets services messages lint check-migrations
	$(AS_OWNER) ROW_LEVEL_SECURITY=switch CELERY_TASK_ALWAYS_EAGER=false $(PY) -m pytest -q -n $(TEST_WORKERS) -m "not slow" --durations=25 $(PYTEST_ARGS)

venv: .venv/.installed

.venv/.installed: requirements.lock
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check uv==0.13.9
	$(UV) pip sync -q --python $(PY) requirements.lock
	touch $@

assets: static/vendor/.installed

static/vendor/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/uswds
	cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
	      node_modules/@uswds/uswds/dist/fonts node_modules/@uswds/uswds/dist/img static/vendor/uswds/
	touch $@

services:
	./scripts/ensure_services.sh

chromium:
	./scripts/ensure_chromium.sh

messages: venv
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# ruff; the layers and the front ends' independence (import-linter, contracts in pyproject.toml);
# types of core and of every rules, services and selectors module (mypy, cached in var/).
lint: venv
	.venv/bin/ruff check .
	.venv/bin/lint-imports --no-logo --cache-dir var/import_linter_cache
	.venv/bin/mypy

check-migrations: venv services
	$(AS_OWNER) $(PY) manage.py makemigrations --check --dry-run

migrate: venv services
	$(AS_OWNER) $(PY) manage.py migrate --noinput

seed: migrate
	$(AS_OWNER) $(PY) manage.py seed_demo

backup: services
	$(AS_OWNER) ./scripts/backup.sh

restore: services
	$(AS_OWNER) ./scripts/restore.sh

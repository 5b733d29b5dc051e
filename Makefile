# `make run` serves the site with a worker and beat; `make test` runs the whole suite.
# Both install what is missing first (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python
UV := .venv/bin/uv

.PHONY: run test venv assets services chromium messages lint migrate seed check-migrations backup restore

run: venv assets services messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	./scripts/run_all.sh

test: venv assets services chromium messages lint check-migrations
	CELERY_TASK_ALWAYS_EAGER=false $(PY) -m pytest -q $(PYTEST_ARGS)

venv: .venv/.installed

.venv/.installed: requirements.lock
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check uv==0.13.9
	$(UV) pip sync -q --python $(PY) requirements.lock
	touch $@

assets: static/vendor/.installed

static/vendor/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/uswds static/vendor/htmx static/vendor/axe
	cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
	      node_modules/@uswds/uswds/dist/fonts node_modules/@uswds/uswds/dist/img static/vendor/uswds/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/axe-core/axe.min.js static/vendor/axe/
	touch $@

services:
	./scripts/ensure_services.sh

chromium:
	./scripts/ensure_chromium.sh

messages: venv
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

lint: venv
	.venv/bin/ruff check .

check-migrations: venv services
	$(PY) manage.py makemigrations --check --dry-run

migrate: venv services
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

backup: services
	./scripts/backup.sh

restore: services
	./scripts/restore.sh

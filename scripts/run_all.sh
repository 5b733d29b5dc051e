#!/usr/bin/env bash
# `make run`: the web server, a Celery worker and Celery beat, all stopped together by Ctrl-C.
set -euo pipefail
PY=.venv/bin/python
mkdir -p var/mail var/log

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule &
pids+=($!)
$PY manage.py runserver 127.0.0.1:8000 &
pids+=($!)

echo "Serving on http://127.0.0.1:8000 (emails are written to var/mail/). Ctrl-C stops everything."
wait -n "${pids[@]}"

#!/usr/bin/env bash
# `make run`: the web server, two Celery workers and Celery beat, all stopped together by Ctrl-C.
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

# Queues by kind of work (CELERY_TASK_ROUTES in config/settings.py): one worker serves only
# `interactive` (a new certificate, a single email), so a mass mailing on `bulk` never holds
# it up; the other serves every queue.
.venv/bin/celery -A config worker --loglevel=INFO --queues=interactive --concurrency=1 \
  --hostname=interactive@%h &
pids+=($!)
.venv/bin/celery -A config worker --loglevel=INFO --queues=interactive,default,bulk \
  --concurrency=2 --hostname=work@%h &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule &
pids+=($!)
$PY manage.py runserver 127.0.0.1:8000 &
pids+=($!)

echo "Serving on http://127.0.0.1:8000 (emails are written to var/mail/). Ctrl-C stops everything."
wait -n "${pids[@]}"

"""GET /healthz: 200 naming each dependency when all are up, 503 naming the one that is down."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def test_healthz_is_200_when_database_and_broker_are_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_naming_the_broker_when_it_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_REDIS

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("down: ")


def _healthz_in_a_fresh_process(**environment: str) -> tuple[int, dict]:
    """Start Django in a new process with these environment variables and ask /healthz.
    `.env` is not read (its CELERY_BROKER_URL would come back), and the test client's host
    is allowed whatever ALLOWED_HOSTS the environment names."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(r.status_code, json.dumps(r.json()))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": os.devnull,
        "ALLOWED_HOSTS": "testserver",
        **environment,
    }
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    return int(status), json.loads(body)


def test_a_wrong_redis_url_reports_the_broker_down():
    status, body = _healthz_in_a_fresh_process(REDIS_URL=CLOSED_PORT_REDIS)

    assert status == 503
    assert body["down"] == ["broker"]
    assert body["checks"]["database"] == "ok"


def test_an_unreachable_database_is_reported_down():
    status, body = _healthz_in_a_fresh_process(
        DATABASE_URL="postgres://peercert@127.0.0.1:1/peercert"
    )

    assert status == 503
    assert body["down"] == ["database"]
    assert body["checks"]["broker"] == "ok"

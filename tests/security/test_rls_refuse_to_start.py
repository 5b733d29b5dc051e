"""Web and worker processes refuse to start when the row-level security wall cannot be in
force (SECURITY.md, "Roles"; `core.rls.wall_check`), unless ROW_LEVEL_SECURITY says
otherwise explicitly. Each case starts a fresh process against the test database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.rls import context_key
from tests.security.test_rls import APP_ROLE

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
START_WEB = (
    "import django; django.setup(); from django.test import Client; "
    "response = Client().get('/verify/'); print('STARTED', response.status_code)"
)


def _url(user: str) -> str:
    db = connection.settings_dict
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env(*, user: str, mode: str, key: str | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _url(user),
        "ROW_LEVEL_SECURITY": mode,
        "RLS_CONTEXT_KEY": key or context_key().hex(),
        "ALLOWED_HOSTS": "testserver",
    }


def _start_web(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", START_WEB],
        cwd=ROOT,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_web_refuses_to_start_when_the_login_role_escapes_the_wall():
    owner = connection.settings_dict["USER"]
    result = _start_web(user=owner, mode="enforce")

    assert result.returncode != 0
    assert "STARTED" not in result.stdout
    assert (
        f"Row-level security cannot be in force: the database login role {owner} owns tables"
        in result.stderr
    )


def test_the_web_starts_logged_in_as_the_application_role():
    result = _start_web(user=APP_ROLE, mode="enforce")

    assert result.returncode == 0, result.stderr
    assert "STARTED 200" in result.stdout


def test_the_web_refuses_to_start_with_another_context_key():
    owner = connection.settings_dict["USER"]
    result = _start_web(user=owner, mode="switch", key="00" * 32)

    assert result.returncode != 0
    assert "the database refused the context" in result.stderr
    assert "context key of this process differs" in result.stderr


def test_the_explicit_development_setting_turns_the_wall_off_with_a_warning():
    owner = connection.settings_dict["USER"]
    result = _start_web(user=owner, mode="off")

    assert result.returncode == 0, result.stderr
    assert "STARTED 200" in result.stdout
    assert "ROW_LEVEL_SECURITY=off: there is no row-level security wall" in result.stderr


def test_an_unknown_mode_is_refused():
    result = _start_web(user=APP_ROLE, mode="maybe")

    assert result.returncode != 0
    assert "ROW_LEVEL_SECURITY must be one of enforce, switch, off, not 'maybe'" in result.stderr


@pytest.mark.slow
def test_the_worker_refuses_to_start_when_the_login_role_escapes_the_wall():
    owner = connection.settings_dict["USER"]
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--queues=rls-refusal-test"],
        cwd=ROOT,
        env=_env(user=owner, mode="enforce"),
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip

    assert result.returncode != 0
    assert "Refusing to start: Row-level security cannot be in force" in (
        result.stdout + result.stderr
    )


@pytest.mark.slow
def test_gunicorn_refuses_to_start_when_the_login_role_escapes_the_wall():
    owner = connection.settings_dict["USER"]
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", "127.0.0.1:0", "--workers", "1",
         "config.wsgi"],
        cwd=ROOT,
        env=_env(user=owner, mode="enforce"),
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip

    assert result.returncode != 0
    assert "Row-level security cannot be in force" in result.stderr


def test_docker_compose_has_both_roles():
    """The deployment of docker-compose.yml: the owner migrates; web, worker and beat log in
    as the application role, in enforce mode; the role is created with the database."""
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    app_url = (
        "postgres://peercert_app:${APP_DB_PASSWORD:?set APP_DB_PASSWORD}@postgres:5432/peercert"
    )
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"] == app_url, name
        assert environment["ROW_LEVEL_SECURITY"] == "enforce", name
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://peercert:")
    assert "manage.py rls_app_role --password-from-env APP_DB_PASSWORD" in migrate["command"]
    assert "CREATE ROLE peercert_app LOGIN" in compose["configs"]["app-role"]["content"]
    assert services["postgres"]["configs"] == [
        {"source": "app-role", "target": "/docker-entrypoint-initdb.d/10-app-role.sh"}
    ]

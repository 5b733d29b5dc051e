"""The production-like stack the load, fault and soak scripts run against.

`Stack` starts, as subprocesses on this machine only:

- gunicorn serving `config.wsgi` on 127.0.0.1:<free port> with DEBUG off, a real (random)
  SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no HTTPS redirect (plain HTTP on the loopback), staff
  MFA off (the load accounts have no authenticator; `STAFF_MFA_REQUIRED=false` is the only
  production switch turned off), persistent database connections with health checks;
- a Celery worker (prefork, 2 processes) and Celery beat (the outbox sweeper runs every
  minute), on the broker named by REDIS_URL.

The Secure flag of the session and CSRF cookies stays on (production settings): the clients
send those cookies themselves, as a TLS-terminating proxy's clients would.

Every process gets the same environment, built from the caller's DATABASE_URL and REDIS_URL
(the caller's own database and Redis db) plus `Stack.env`; `django_setup()` configures Django
in the calling process with that same environment, so sessions it signs are valid for the
server. Logs go to `<run dir>/gunicorn.log`, `celery-worker.log` and `celery-beat.log`; emails
to `<run dir>/mail/`. `stop()` ends every process it started (SIGTERM, then SIGKILL after a
grace period), and so does leaving the `with` block.
"""

import datetime
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# Every script refuses to run against anything but the loopback.
HOST = "127.0.0.1"
STOP_GRACE_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def default_workers() -> int:
    """gunicorn's rule of thumb, 2 × cores + 1 (5 on this 2-core machine)."""
    return 2 * (os.cpu_count() or 1) + 1


def _require_local(url: str, name: str) -> None:
    if "@127.0.0.1:" not in url and "//127.0.0.1:" not in url:
        raise SystemExit(f"{name} must point at 127.0.0.1 (got {url!r}).")


def stack_env(run_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of the server, the worker, beat and the calling script's Django."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url or not redis_url:
        raise SystemExit("Set DATABASE_URL and REDIS_URL to your own database and Redis db.")
    _require_local(database_url, "DATABASE_URL")
    _require_local(redis_url, "REDIS_URL")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        # The load accounts are staff without an authenticator (documented in RESULTS.md).
        "STAFF_MFA_REQUIRED": "false",
        "CONN_MAX_AGE": "60",
        "CONN_HEALTH_CHECKS": "true",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(run_dir / "mail"),
        "MEDIA_ROOT": str(run_dir / "media"),
        "PYTHONUNBUFFERED": "1",
        # Row-level security: the caller's DATABASE_URL is the owner, which switches to the
        # application role per transaction; the stack's context key (from its SECRET_KEY) is
        # installed in the database by `Stack.start`.
        "ROW_LEVEL_SECURITY": os.environ.get("ROW_LEVEL_SECURITY", "switch"),
    }
    env.update(overrides)
    return env


def django_setup(env: dict[str, str]) -> None:
    """Configure Django in this process with the stack's environment (same SECRET_KEY)."""
    for name in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                 "DATABASE_URL", "REDIS_URL", "STAFF_MFA_REQUIRED", "SECURE_SSL_REDIRECT",
                 "EMAIL_BACKEND", "EMAIL_FILE_PATH", "MEDIA_ROOT"):  # fmt: skip
        os.environ[name] = env[name]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Stack:
    """gunicorn + Celery worker + beat. Use as a context manager, or call start()/stop()."""

    def __init__(
        self,
        run_dir: Path,
        *,
        workers: int | None = None,
        threads: int = 1,
        celery_concurrency: int = 2,
        celery: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self.run_dir = run_dir
        self.run_dir.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "mail").mkdir(exist_ok=True)
        self.port = free_port()
        self.workers = workers or default_workers()
        self.threads = threads
        self.celery_concurrency = celery_concurrency
        self.celery = celery
        self.env = stack_env(run_dir, **(env or {}))
        self.gunicorn: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None
        self._logs: list[Any] = []

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _spawn(self, args: list[str], log_name: str) -> subprocess.Popen:
        log = open(self.run_dir / log_name, "ab")  # noqa: SIM115 (closed in stop())
        self._logs.append(log)
        return subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def start(self) -> "Stack":
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "rls_key_install"],
            cwd=ROOT, env=self.env, check=True, capture_output=True,
        )  # fmt: skip
        worker_class = ["--worker-class", "gthread", "--threads", str(self.threads)]
        if self.threads == 1:
            worker_class = ["--worker-class", "sync"]
        self.gunicorn = self._spawn(
            [
                str(VENV_BIN / "gunicorn"),
                "--bind", f"{HOST}:{self.port}",
                "--workers", str(self.workers),
                *worker_class,
                # Django is imported once, in the master, before the workers fork: a worker
                # boots at once even on a busy machine (and shares the imported code).
                "--preload",
                "--timeout", "120",
                "--graceful-timeout", "10",
                "--no-control-socket",
                "--chdir", str(ROOT),
                "config.wsgi",
            ],
            "gunicorn.log",
        )  # fmt: skip
        if self.celery:
            self.worker = self._spawn(
                [
                    str(VENV_BIN / "celery"), "-A", "config", "worker",
                    "--loglevel", "INFO",
                    "--concurrency", str(self.celery_concurrency),
                    "--hostname", f"bench-{self.port}@%h",
                    "--without-gossip", "--without-mingle",
                ],
                "celery-worker.log",
            )  # fmt: skip
            self.beat = self._spawn(
                [
                    str(VENV_BIN / "celery"), "-A", "config", "beat",
                    "--loglevel", "INFO",
                    "--schedule", str(self.run_dir / "celerybeat-schedule"),
                ],
                "celery-beat.log",
            )  # fmt: skip
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 300) -> None:
        """Until /healthz answers 200 and (with Celery) the worker says it is ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn is not None and self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.run_dir / 'gunicorn.log'}")
            if self.healthy() and (not self.celery or self.worker_ready()):
                return
            time.sleep(0.5)
        raise RuntimeError(f"the stack was not ready after {timeout} s; logs in {self.run_dir}")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def worker_ready(self) -> bool:
        log = self.run_dir / "celery-worker.log"
        return log.exists() and b" ready." in log.read_bytes()

    def gunicorn_worker_pids(self) -> list[int]:
        import psutil

        if self.gunicorn is None:
            return []
        return sorted(child.pid for child in psutil.Process(self.gunicorn.pid).children())

    def celery_pids(self) -> list[int]:
        """The Celery worker's main process and its pool processes."""
        import psutil

        if self.worker is None:
            return []
        main = psutil.Process(self.worker.pid)
        return [main.pid, *sorted(child.pid for child in main.children())]

    def kill_worker(self) -> None:
        """SIGKILL the Celery worker and its pool processes: nothing is acknowledged."""
        pids = self.celery_pids()
        for pid in reversed(pids):
            os.kill(pid, signal.SIGKILL)
        assert self.worker is not None
        self.worker.wait(timeout=10)

    def restart_worker(self) -> None:
        """Start a new Celery worker (after `kill_worker`) and wait until it is ready."""
        log = self.run_dir / "celery-worker.log"
        log.rename(self.run_dir / f"celery-worker-{int(time.time())}.log")
        self.worker = self._spawn(
            [
                str(VENV_BIN / "celery"), "-A", "config", "worker",
                "--loglevel", "INFO",
                "--concurrency", str(self.celery_concurrency),
                "--hostname", f"bench-{self.port}-2@%h",
                "--without-gossip", "--without-mingle",
            ],
            "celery-worker.log",
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not self.worker_ready():
            if time.monotonic() > deadline:
                raise RuntimeError("the new Celery worker did not become ready")
            time.sleep(0.5)

    def stop(self) -> None:
        for process in (self.beat, self.worker, self.gunicorn):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.beat, self.worker, self.gunicorn):
            if process is None:
                continue
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for log in self._logs:
            log.close()
        self._logs.clear()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


# Load plans and locust runs ----------------------------------------------------------------

LOAD_ACCOUNT = "dhcs.viewer@example.org"
DASHBOARD_ACCOUNT = "alameda.admin@example.org"
DASHBOARD_COUNTY = "alameda"
LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"


def api_token(stack: Stack) -> str:
    """A state staff API key from `manage.py create_api_token` (the last word it prints)."""
    output = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "create_api_token", LOAD_ACCOUNT,
         "--days", "2", "--name", "load test"],
        cwd=ROOT, env=stack.env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return output.strip().split()[-1]


def signed_in_sessions(count: int) -> list[str]:
    """`count` sessions of the dashboard account, each as a sign-in would store it (user id,
    backend, password hash digest), signed with the stack's SECRET_KEY. Needs django_setup()."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(email=DASHBOARD_ACCOUNT)
    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def certification_numbers(count: int) -> list[str]:
    """`count` random certification numbers (any status). Needs django_setup()."""
    from certification.models import Certification

    return list(Certification.objects.order_by("?").values_list("number", flat=True)[:count])


def load_plan(
    stack: Stack, path: Path, *, clients: int, wait: tuple[float, float], record: Path | None
) -> Path:
    """Write the plan `benchmarks/locustfile.py` reads (see its docstring) and return it."""
    import json

    from counties.models import County

    plan = {
        "token": api_token(stack),
        "sessions": signed_in_sessions(clients),
        "numbers": certification_numbers(2000),
        "county": DASHBOARD_COUNTY,
        "county_name": County.objects.get(code=DASHBOARD_COUNTY).name,
        "wait": list(wait),
        "record": str(record) if record else None,
    }
    path.write_text(json.dumps(plan))
    return path


def run_locust(
    stack: Stack,
    plan: Path,
    *,
    clients: int,
    seconds: int,
    csv_prefix: Path,
    spawn_rate: float = 25,
    background: bool = False,
) -> subprocess.Popen | dict[str, dict[str, float]]:
    """Run locust headless for `seconds` against the stack. Returns the per-endpoint figures
    (see `locust_stats`), or with `background` the running process (wait on it, then call
    `locust_stats(csv_prefix)`)."""
    process = subprocess.Popen(
        [
            str(VENV_BIN / "locust"), "-f", str(LOCUSTFILE), "--headless",
            "--host", stack.base_url,
            "--users", str(clients), "--spawn-rate", str(spawn_rate),
            "--run-time", f"{seconds}s", "--stop-timeout", "15",
            "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING",
            "--exit-code-on-error", "0",
        ],
        cwd=ROOT, env={**stack.env, "LOAD_PLAN": str(plan)},
        stdout=open(f"{csv_prefix}.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
    )  # fmt: skip
    if background:
        return process
    process.wait(timeout=seconds + 120)
    return locust_stats(csv_prefix)


def locust_stats(csv_prefix: Path) -> dict[str, dict[str, float]]:
    """Per endpoint name (and "Aggregated"): requests, failures, req/s, p50, p99, max (ms)."""
    import csv

    rows = {}
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50_ms": float(row["50%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
            }
    return rows


def stats_table(stats: dict[str, dict[str, float]]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| endpoint | requests | errors | req/s | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in sorted(stats.items(), key=lambda item: item[0] == "Aggregated"):
        lines.append(
            f"| {'all' if name == 'Aggregated' else name} | {row['requests']:,} | "
            f"{row['failures']} | {row['rps']:.1f} | {row['p50_ms']:.0f} | "
            f"{row['p99_ms']:.0f} | {row['max_ms']:.0f} |"
        )
    return "\n".join(lines)


# Background work through the real app -------------------------------------------------------


class WorkspaceActor:
    """The Alameda admin suspending and lifting certifications through the workspace pages
    (GET the form, POST it with its CSRF token), as a browser does. Each action queues, via
    the outbox, one email to the holder and one certificate render (two PDFs)."""

    def __init__(self, stack: Stack, session_key: str) -> None:
        self.stack = stack
        self.session_key = session_key

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.stack.port, timeout=60)

    def act(self, pk: int, action: str, reason: str) -> int:
        """`action` is "suspend" or "lift-suspension". Returns the POST's HTTP status (302
        when done), or the form page's status when that failed (0: no connection)."""
        import re
        from http.cookies import SimpleCookie
        from urllib.parse import urlencode

        path = f"/county/{DASHBOARD_COUNTY}/certifications/{pk}/{action}/"
        connection = self._connection()
        try:
            connection.request("GET", path, headers={"Cookie": f"sessionid={self.session_key}"})
            form = connection.getresponse()
            page = form.read().decode()
            if form.status != 200:
                return form.status
            cookies = SimpleCookie(form.headers.get("Set-Cookie", ""))
            csrf_cookie = cookies["csrftoken"].value
            (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[:1]
            connection.request(
                "POST",
                path,
                body=urlencode({"csrfmiddlewaretoken": token, "reason": reason}),
                headers={
                    "Cookie": f"sessionid={self.session_key}; csrftoken={csrf_cookie}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            done = connection.getresponse()
            done.read()
            return done.status
        except OSError:
            return 0
        finally:
            connection.close()


def active_certification_ids(count: int) -> list[int]:
    """`count` random active certifications of the dashboard county that have no certificate
    file yet (one suspended and lifted by an earlier run would render a state it already has,
    storing nothing). Needs django_setup()."""
    from certification.models import Certification

    return list(
        Certification.objects.filter(
            issuing_county__code=DASHBOARD_COUNTY, status="active", certificate_files__isnull=True
        )
        .order_by("?")
        .values_list("pk", flat=True)[:count]
    )


def now() -> datetime.datetime:
    """Django's clock, which stamps the rows' created_at: count rows written after this."""
    from django.utils import timezone

    return timezone.now()

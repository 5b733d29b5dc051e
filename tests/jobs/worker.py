"""Real Celery workers for tests (a pytest plugin, registered in tests/conftest.py).

`celery_worker` starts one worker subprocess for the session, on demand: prefork with one
child, against the local Redis (settings.CELERY_BROKER_URL) and the pytest test database,
consuming a queue of this session's own. `celery_workers` starts more (the killed-worker
tests start and kill their own). Tests using them need
`@pytest.mark.django_db(transaction=True, serialized_rollback=True)` so the worker sees
committed rows, and `broker_queue` so what the test process sends goes to that queue.
"""

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app
from tests.jobs.routing import KINDS, kind_queue, routes_by_kind, routes_to_one

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
# Generous: on a loaded machine a worker takes a while to import Django and WeasyPrint.
READY_TIMEOUT = 90.0


def wait_for(predicate: Callable[[], object], *, timeout: float = 60.0, what: str = "") -> object:
    """Poll `predicate` until it returns something truthy; fail the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(0.1)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while " ready." not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"Celery worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the worker and its pool children (its own process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if it does not stop in time."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Workers:
    """Starts worker subprocesses on one queue; `stop_all` at the end of the session."""

    queue: str
    media_root: Path
    mail_dir: Path
    log_dir: Path
    started: list[Worker] = field(default_factory=list)

    def env(self, **overrides: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "TEST_CELERY_QUEUE": self.queue,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "STORAGE_BACKEND": "local",
            "MEDIA_ROOT": str(self.media_root),
            "SITE_URL": settings.SITE_URL,
            "CONN_MAX_AGE": "0",
            # Webhook receivers in tests listen on 127.0.0.1 (tests/employers/receiver.py).
            "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
            **overrides,
        }

    def launch(
        self,
        *,
        queue: str | None = None,
        kinds: tuple[str, ...] = (),
        concurrency: int = 1,
        **env_overrides: str,
    ) -> Worker:
        """Start a worker process without waiting. It consumes `queue` (default the
        session's), which takes every task; or with `kinds` (`"interactive"`, `"bulk"`,
        `"default"`) the session's queues of those kinds of work, the production routes
        renamed (tests/jobs/routing.py). `env_overrides` e.g. CELERY_VISIBILITY_TIMEOUT="3"."""
        name = f"test-{uuid.uuid4().hex[:8]}"
        log_path = self.log_dir / f"{name}.log"
        env = self.env(TEST_CELERY_QUEUE=queue or self.queue, **env_overrides)
        options = ["-c", str(concurrency)]
        if kinds:
            env["TEST_CELERY_BY_KIND"] = "true"
            options += ["-Q", ",".join(kind_queue(self.queue, kind) for kind in kinds)]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "config",
                    "worker",
                    "-P",
                    "prefork",
                    *options,
                    "-n",
                    f"{name}@%h",
                    "-I",
                    "tests.jobs.worker_tasks",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(name=name, process=process, log_path=log_path)
        self.started.append(worker)
        return worker

    def start(self, count: int = 1, **options: str) -> list[Worker]:
        """Start `count` workers at once (see `launch`) and wait until all consume."""
        workers = [self.launch(**options) for _ in range(count)]
        for worker in workers:
            worker.wait_ready()
        return workers

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()

    def emails_to(self, address: str) -> list:
        """Emails the workers wrote (file-based backend) addressed to `address`."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_bytes().split(b"-" * 79):
                if chunk.strip():
                    message = message_from_bytes(chunk.strip())
                    if message["To"] == address:
                        messages.append(message)
        return messages


@pytest.fixture(scope="session")
def celery_workers(django_db_setup, tmp_path_factory) -> Iterator[Workers]:
    """A factory of real Celery workers on this session's own queue (after `django_db_setup`
    the connection settings name the test database the workers use)."""
    base = tmp_path_factory.mktemp("celery")
    workers = Workers(
        queue=f"peercert-test-{uuid.uuid4().hex[:12]}",
        media_root=base / "media",
        mail_dir=base / "mail",
        log_dir=base,
    )
    workers.media_root.mkdir()
    workers.mail_dir.mkdir()
    try:
        yield workers
    finally:
        workers.stop_all()
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        client.delete(workers.queue, *(kind_queue(workers.queue, kind) for kind in KINDS))
        client.close()


@pytest.fixture(scope="session")
def celery_worker(celery_workers: Workers) -> Worker:
    """One real worker shared by the session's tests."""
    [worker] = celery_workers.start()
    return worker


@contextmanager
def routed(conf: dict) -> Iterator[None]:
    """While inside, this process's Celery app sends with `conf` (a default queue and
    routes, tests/jobs/routing.py) instead of the production routes; restored after."""
    previous = {name: app.conf[name] for name in conf}
    # `update` (not attribute assignment) makes Celery rebuild its router.
    app.conf.update(**conf)
    try:
        yield
    finally:
        app.conf.update(**previous)


@pytest.fixture
def broker_queue(celery_workers: Workers, settings) -> Iterator[str]:
    """Route what this test sends to the test workers' queue, and read worker-written
    files (certificates) from their media folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": celery_workers.media_root},
        },
    }
    with routed(routes_to_one(celery_workers.queue)):
        yield celery_workers.queue


@pytest.fixture
def kind_queues(celery_workers: Workers, settings) -> Iterator[dict[str, str]]:
    """Route what this test sends by kind of work, as in production, to the session's
    queues of each kind (workers started with `kinds=`); returns {kind: queue name}."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": celery_workers.media_root},
        },
    }
    with routed(routes_by_kind(celery_workers.queue, settings.CELERY_TASK_ROUTES)):
        yield {kind: kind_queue(celery_workers.queue, kind) for kind in KINDS}


@pytest.fixture
def broker_messages() -> Iterator[Callable[[], list[dict]]]:
    """For tests without a worker: what this test sends goes to a queue of its own that no
    worker consumes; the fixture returns the waiting messages' Celery headers, oldest first.
    The queue is deleted afterwards."""
    queue = f"peercert-test-inspect-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def messages() -> list[dict]:
        return [json.loads(raw)["headers"] for raw in reversed(client.lrange(queue, 0, -1))]

    try:
        with routed(routes_to_one(queue)):
            yield messages
    finally:
        client.delete(queue)
        client.close()


def closed_port_url() -> str:
    """A Redis URL on a local port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


# Celery reads these from the environment before its configuration
# (celery.app.utils.Settings.broker_url): an exported CELERY_BROKER_URL, or one read from
# `.env` by the settings, would win over `app.conf.broker_url`.
_BROKER_ENVIRONMENT = ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL")


@contextmanager
def broker_unreachable() -> Iterator[None]:
    """While inside, the Celery app of this process publishes to a closed port, as if
    Redis were down (the shared Redis server itself keeps running), whatever the environment
    holds: both the environment variables Celery reads first and the app's configuration
    point at the closed port."""
    closed = closed_port_url()
    with pytest.MonkeyPatch.context() as patch:
        for name in _BROKER_ENVIRONMENT:
            patch.setenv(name, closed)
        patch.setitem(app.conf, "broker_url", closed)
        yield

"""Read replicas (core/replica.py) against a real PostgreSQL streaming replica.

The machine's PostgreSQL cluster is shared, allows no replication connections (pg_hba.conf)
and cannot be reconfigured for them without touching every other database on it, so the test
builds its own small primary and standby with the machine's binaries
(`/usr/lib/postgresql/*/bin`, or `pg_config --bindir`), which works the same from a clean
clone in CI:

1. `initdb` a primary in a temporary directory (trust authentication on 127.0.0.1 only,
   wal_level=replica), start it on a free port, create the owner and application roles and
   an empty database;
2. `pg_basebackup -R` from it (writes `standby.signal` and `primary_conninfo`) and start the
   standby on another free port: a hot standby fed by streaming replication;
3. run `tests/core/replica_driver.py` in a process of its own with DATABASE_URL on the
   primary and DATABASE_REPLICA_URL on the standby (Django's settings cannot change inside
   this process): it migrates the primary as the owner (schema, policies, grants, functions
   and the context key reach the standby by replication; the test database's own contents
   depend on what other tests left), seeds a few certifications, drives the product through
   the test client and reports what it saw.

Both servers are stopped and the directory removed whatever happens. As root (the test
container), the servers run as the `postgres` user (`initdb` refuses root).
"""

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]),
    )
    if found:
        return Path(found[-1]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if (Path(bindir.stdout.strip()) / "initdb").exists():
            return Path(bindir.stdout.strip())
    pytest.fail("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A primary and its streaming standby in `directory`, run as `user` when root."""

    def __init__(self, directory: Path) -> None:
        self.bin = _bindir()
        self.directory = directory
        self.root = os.geteuid() == 0
        self.primary_port = _free_port()
        self.standby_port = _free_port()
        self.started: list[Path] = []

    def run(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        argv = [str(self.bin / command[0]), *command[1:]]
        if self.root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=120, **kwargs)
        if result.returncode:
            raise AssertionError(f"{' '.join(command)} failed: {result.stdout}{result.stderr}")
        return result

    def psql(self, port: int, sql: str, dbname: str = "postgres") -> None:
        self.run(
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            dbname,
            "-c",
            sql,
        )

    def start(self, data: Path, port: int) -> None:
        self.run(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(self.directory / f"{data.name}.log"),
            "-o",
            f"-p {port}",
            "-w",
            "-t",
            "60",
            "start",
        )
        self.started.append(data)

    def stop_all(self) -> None:
        for data in reversed(self.started):
            try:
                self.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "-t", "30", "stop")
            except (AssertionError, subprocess.TimeoutExpired):
                pid_file = data / "postmaster.pid"
                if pid_file.exists():
                    os.kill(int(pid_file.read_text().split()[0]), 9)
        self.started.clear()

    def build(self) -> str:
        primary = self.directory / "primary"
        standby = self.directory / "standby"
        if self.root:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        self.run(
            "initdb",
            "-D",
            str(primary),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        )
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.directory}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                "fsync = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
                "max_connections = 40\n"
            )
        self.start(primary, self.primary_port)
        owner = connection.settings_dict["USER"]
        app_role = settings.DATABASE_APP_ROLE or "peercert_app"
        self.psql(
            self.primary_port,
            f"CREATE ROLE {owner} LOGIN CREATEDB; "
            f"CREATE ROLE {app_role} LOGIN NOSUPERUSER NOBYPASSRLS; "
            f"GRANT {app_role} TO {owner};",
        )
        name = "peercert_replica"
        self.psql(self.primary_port, f"CREATE DATABASE {name} OWNER {owner}")
        self.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(standby),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )
        self.start(standby, self.standby_port)
        return name


@pytest.fixture
def replica_pair():
    directory = Path(tempfile.mkdtemp(prefix="peercert-replica-"))
    cluster = Cluster(directory)
    try:
        name = cluster.build()
        yield cluster, name
    finally:
        cluster.stop_all()
        shutil.rmtree(directory, ignore_errors=True)


def test_reads_on_a_real_streaming_replica_writes_and_own_changes_on_the_primary(replica_pair):
    cluster, name = replica_pair
    owner = connection.settings_dict["USER"]
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{owner}@127.0.0.1:{cluster.primary_port}/{name}",
        "DATABASE_REPLICA_URL": f"postgres://{owner}@127.0.0.1:{cluster.standby_port}/{name}",
        "PRIMARY_ADMIN_URL": f"postgres://postgres@127.0.0.1:{cluster.primary_port}/{name}",
        "STANDBY_ADMIN_URL": f"postgres://postgres@127.0.0.1:{cluster.standby_port}/{name}",
        "ROW_LEVEL_SECURITY": "switch",
        "DEBUG": "true",
        "STAFF_MFA_REQUIRED": "false",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # Cache keys of this run only: a person's remembered write position means nothing in
        # another cluster.
        "CACHE_KEY_PREFIX": f"replica-test-{uuid.uuid4().hex}",
    }
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests/core/replica_driver.py")],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-6000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    # Two servers: the views' connection for reads is the standby (in recovery).
    assert seen["replica_in_recovery"] is True
    assert seen["primary_in_recovery"] is False
    assert seen["replica_port"] == str(cluster.standby_port)
    # Reads served there: the roster's queries ran on the replica, none on the primary.
    # (Authentication and the permission check read from the primary, before.)
    for key in ("state_roster", "workspace_roster", "workspace_csv", "verify"):
        assert seen[key]["status"] == 200, (key, seen[key])
        assert seen[key]["reads_certifications_on"] == ["replica"], (key, seen[key])
    assert seen["state_roster"]["status_of"] == "active"
    assert seen["workspace_csv"]["has_number"]
    assert seen["verify"]["body"]["status"] == "active"
    # Row-level security holds on the replica: no context, no private row.
    assert seen["replica_rows_without_context"] == 0
    # Writes refused there: a hot standby is read-only (SQLSTATE 25006).
    assert seen["replica_write"].startswith("25006"), seen["replica_write"]

    # Replay paused, the county administrator suspends the certification: the primary has it,
    # the replica does not...
    assert seen["suspend_status"] == 302
    assert seen["primary_status"] == "suspended"
    assert seen["replica_status_while_paused"] == "active"
    # ...yet the person who made the change sees it at once, by API key and on their pages,
    # read from the primary...
    mine = seen["own_api_roster_while_paused"]
    assert mine["status_of"] == "suspended" and mine["replica_queries"] == 0, mine
    assert mine["reads_certifications_on"] == ["primary"], mine
    page = seen["own_workspace_roster_while_paused"]
    assert page["shows_suspended"] and page["replica_queries"] == 0, page
    # ...while someone else is served by the lagging replica.
    other = seen["other_api_roster_while_paused"]
    assert other["status_of"] == "active", other
    assert other["reads_certifications_on"] == ["replica"], other

    # Replay resumed and caught up: both read the change from the replica.
    for key in ("own_api_roster_after_resume", "other_api_roster_after_resume"):
        assert seen[key]["status_of"] == "suspended", (key, seen[key])
        assert seen[key]["reads_certifications_on"] == ["replica"], (key, seen[key])

"""Benchmark the seeds: `seed_demo` (run by `make run` on every start: target under 30 s) and
`seed_scale` at both depths.

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/peercert DEBUG=true .venv/bin/python \\
        benchmarks/seeding.py [--certifications 200000] [--histories 20000]

A database migrated once (`<database>_seeding`, kept for later runs) is copied fresh
(`CREATE DATABASE ... TEMPLATE`) for each measurement. Times are wall clock in this process
(Django already started) around the command's work, including its commit. Prints a Markdown
table.
"""

import argparse
import io
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Uploaded demo files go to a scratch folder, not var/media.
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="peercert-seeding-"))

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def _admin_connection() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    )


def _use_database(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name


def _create_database(name: str, template: str | None = None) -> None:
    _use_database("postgres")
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        suffix = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{suffix}')
    _use_database(name)


def _template(base: str) -> str:
    name = f"{base}_seeding"
    with _admin_connection() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        _create_database(name)
        call_command("migrate", verbosity=0)
    return name


def _timed(*command: str) -> tuple[float, str]:
    out = io.StringIO()
    started = time.perf_counter()
    call_command(*command, stdout=out)
    return time.perf_counter() - started, out.getvalue().strip().splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certifications", type=int, default=200_000)
    parser.add_argument("--histories", type=int, default=20_000)
    args = parser.parse_args()
    if not settings.DEBUG:
        sys.exit("Run with DEBUG=true: the seeds refuse to run without it.")
    base = connection.settings_dict["NAME"]
    template = _template(base)
    fresh = f"{base}_seeding_run"
    rows = []

    _create_database(fresh, template)
    first, summary = _timed("seed_demo")
    rows.append(("seed_demo, first run (fresh database)", first, summary))
    second, summary = _timed("seed_demo")
    rows.append(("seed_demo, second run (nothing to add)", second, summary))

    for label, extra, count in (
        ("seed_scale", (), args.certifications),
        ("seed_scale --histories", ("--histories",), args.histories),
    ):
        _create_database(fresh, template)
        seconds, summary = _timed(
            "seed_scale", "--certifications", str(count), "--seed", "7", *extra
        )
        rows.append((f"{label} --certifications {count} (fresh database)", seconds, summary))

    _use_database("postgres")
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
    load = os.getloadavg()[0]
    sys.stdout.write(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}\n\n"
        "| run | seconds | output |\n|---|---|---|\n"
    )
    for label, seconds, summary in rows:
        sys.stdout.write(f"| {label} | {seconds:.1f} | {summary[:120]} |\n")


if __name__ == "__main__":
    main()

"""Benchmark the daily expiry scan over 200,000 certifications (target: under 5 s, and a
number of queries that does not depend on the number of certifications).

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/peercert .venv/bin/python \\
        benchmarks/expiry_scan.py [--certifications 200000] [--small 2000]

Data: `seed_scale` (demo/scale/, the same generator as
`manage.py seed_scale`) with a fixed seed and day, plus approved applications whose 12-month
windows end across the year around that day. Each size is seeded once into its own database
(`<database>_expiry_<N>`, kept for later runs); every scenario then runs on a fresh copy of it
(`CREATE DATABASE ... TEMPLATE`), so the figures do not depend on the order of scenarios.
The time is wall-clock for `expiry_scan_run` including its commit. Prints a Markdown table.
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from certification.expiry import expiry_scan_run  # noqa: E402
from certification.models import Application, Certification  # noqa: E402
from counties.models import ProgramPolicy  # noqa: E402
from demo.scale import seed_scale  # noqa: E402

SEED = 7
SEED_DAY = datetime.date(2026, 1, 5)
APPLICATIONS_PER_CERTIFICATION = 0.1
# (label, days after the seed day, runs: each run is a scan on the following day)
SCENARIOS = [
    ("first scan after seeding (reminders catch up)", 0, 1),
    ("a normal day (day after the first scan)", 0, 2),
    ("scan missed for 30 days", 30, 1),
    ("scan missed for a year (stress: mass expiry)", 365, 1),
]


def _admin_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        autocommit=True,
    )


def _use_database(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name


def _database_exists(name: str) -> bool:
    with _admin_connection() as admin:
        row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def _create_database(name: str, template: str | None = None) -> None:
    _use_database("postgres")
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        suffix = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{suffix}')
    _use_database(name)


def _drop_database(name: str) -> None:
    _use_database("postgres")
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _seed_applications(count: int) -> None:
    """Approved applications of seeded people, windows ending within a year of SEED_DAY."""
    people = Certification.objects.order_by("id").values_list("holder_id", "issuing_county_id")
    rows = []
    for i, (holder_id, county_id) in enumerate(people[:count]):
        window_ends_on = SEED_DAY + datetime.timedelta(days=(i % 730) - 365)
        rows.append(
            Application(
                applicant_id=holder_id,
                county_id=county_id,
                status="approved",
                approved_on=window_ends_on - datetime.timedelta(days=364),
                window_ends_on=window_ends_on,
                attest_share_experience=True,
                attest_recovery=True,
            )
        )
    Application.objects.bulk_create(rows, batch_size=5000)


def prepare(base: str, certifications: int) -> str:
    """The seeded template database for `certifications`, created once."""
    name = f"{base}_expiry_{certifications}"
    if _database_exists(name):
        return name
    _create_database(name)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        seed_scale(certifications, seed=SEED, today=SEED_DAY)
        _seed_applications(int(certifications * APPLICATIONS_PER_CERTIFICATION))
        ProgramPolicy.current()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    sys.stdout.write(
        f"seeded {name} with {certifications} certifications "
        f"in {time.perf_counter() - started:.1f} s\n"
    )
    _use_database("postgres")
    return name


def run_scenario(template: str, offset: int, runs: int) -> dict:
    """Scan on SEED_DAY + offset (+1, +2... for later runs) on a fresh copy; the last run
    is measured."""
    copy = f"{template}_run"
    _create_database(copy, template)
    try:
        for run in range(runs):
            today = SEED_DAY + datetime.timedelta(days=offset + run)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                report = expiry_scan_run(today=today)
                elapsed = time.perf_counter() - started
    finally:
        _drop_database(copy)
    return {
        "seconds": elapsed,
        "queries": len(queries),
        "expired": len(report.certifications_expired),
        "vacated": len(report.certifications_vacated),
        "applications": len(report.applications_expired),
        "reminders": sum(report.reminders_sent.values()),
        "claimed_silently": report.reminders_skipped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certifications", type=int, default=200_000)
    parser.add_argument("--small", type=int, default=2_000, help="size compared for queries")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (median)")
    args = parser.parse_args()
    base = connection.settings_dict["NAME"]

    large = prepare(base, args.certifications)
    small = prepare(base, args.small)
    lines = [
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}; PostgreSQL {_server_version()}",
        "",
        "| scenario | N | time (median) | queries | expired | vacated | applications "
        "expired | reminders sent | claimed silently |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, offset, runs in SCENARIOS:
        for size, template in ((args.certifications, large), (args.small, small)):
            results = [run_scenario(template, offset, runs) for _ in range(args.repeat)]
            median = statistics.median(r["seconds"] for r in results)
            r = results[-1]
            lines.append(
                f"| {label} | {size:,} | {median:.2f} s | {r['queries']} | {r['expired']:,} "
                f"| {r['vacated']:,} | {r['applications']:,} | {r['reminders']:,} "
                f"| {r['claimed_silently']:,} |"
            )
    sys.stdout.write("\n".join(lines) + "\n")


def _server_version() -> str:
    with _admin_connection() as admin:
        return admin.execute("SHOW server_version").fetchone()[0]


if __name__ == "__main__":
    main()

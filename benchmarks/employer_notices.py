"""Benchmark the employers' notices (issue 16, item 6):

1. latency: from the commit of a suspension to its webhook delivery being published to the
   broker (the webhook queue), through the outbox, a real Celery worker running the
   subscriber and the outbox relay; target under 1 s;
2. fan-out: the nightly expiry scan expiring N watched certifications (default 10,000, each
   watched by 3 employers with a webhook endpoint each): the scan, then the subscriber's
   fan-out of every event, with the number of queries per outbox message (it must not grow
   with the events).

    .venv/bin/python benchmarks/employer_notices.py [--certifications 10000] [--samples 20]

Runs in its own database (`<database>_employer_bench`, created and migrated when missing,
emptied of this script's rows before each run) and its own Redis queue. Prints Markdown.
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402
import environ  # noqa: E402

environ.Env.read_env(ROOT / ".env", overwrite=False)
BASE_URL = os.environ.get("DATABASE_URL", "postgres://peercert@127.0.0.1:5432/peercert")
BENCH_DB = BASE_URL.rsplit("/", 1)[1] + "_employer_bench"
os.environ["DATABASE_URL"] = BASE_URL.rsplit("/", 1)[0] + "/" + BENCH_DB
QUEUE = f"employer-bench-{uuid.uuid4().hex[:8]}"

import psycopg  # noqa: E402

with psycopg.connect(BASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from certification import services as certification_services  # noqa: E402
from certification.expiry import expiry_scan_run  # noqa: E402
from certification.models import Certification  # noqa: E402
from config.celery import app  # noqa: E402
from counties.models import County, CountyMembership  # noqa: E402
from employers.models import (  # noqa: E402
    Employer,
    EmployerMembership,
    Notice,
    RegistryChange,
    Watch,
    WebhookDelivery,
    WebhookEndpoint,
)
from employers.tasks import registry_events_receive  # noqa: E402
from jobs.models import OutboxMessage  # noqa: E402

RECEIVE = "employers.tasks.registry_events_receive"
DELIVER = "employers.tasks.webhook_deliver"


def _reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE employers_webhookattempt, employers_webhookdelivery, employers_notice, "
            "employers_registrychange, employers_watch, employers_webhookendpoint, "
            "employers_employermembership, employers_employer, jobs_outboxmessage, "
            "counties_auditevent, certification_certification, counties_countymembership, "
            "accounts_user CASCADE"
        )


def _people(count: int, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        User(email=f"{prefix}{i}@bench.test", first_name="Pat", last_name=f"Peer{i}")
        for i in range(count)
    )


def _certifications(count: int, *, expires_on: datetime.date) -> list[Certification]:
    county = County.objects.get(code="alameda")
    holders = _people(count, "peer")
    return Certification.objects.bulk_create(
        Certification(
            number=f"PSS-B{i:07d}",
            holder=holder,
            issuing_county=county,
            first_name="Pat",
            last_name=holder.last_name,
            status="active",
            issued_on=expires_on.replace(year=expires_on.year - 2),
            expires_on=expires_on,
        )
        for i, holder in enumerate(holders)
    )


def _employers(count: int, certifications: list[Certification]) -> None:
    for admin in _people(count, "hr"):
        employer = Employer.objects.create(
            name=f"Employer {admin.pk}",
            contact_name="HR",
            contact_email=admin.email,
            created_by=admin,
        )
        EmployerMembership.objects.create(employer=employer, user=admin, role="admin")
        WebhookEndpoint.objects.create(
            employer=employer, url="http://127.0.0.1:9/hook", secret="whsec_" + "A" * 44
        )
        Watch.objects.bulk_create(Watch(employer=employer, certification=c) for c in certifications)


def _worker() -> subprocess.Popen:
    env = {
        **os.environ,
        # The test workers' settings: the default queue is this run's own, so the outbox
        # sweeps the worker requests reach it.
        "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
        "TEST_CELERY_QUEUE": QUEUE,
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
    }
    log = open(ROOT / "var" / "employer_bench_worker.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            QUEUE,
            "-c",
            "1",
            "-P",
            "prefork",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process


def latency(samples: int) -> list[float]:
    """Seconds from the suspension's commit to its webhook delivery's publication."""
    _reset()
    county = County.objects.get(code="alameda")
    reviewer = _people(1, "reviewer")[0]
    CountyMembership.objects.create(user=reviewer, county=county, role="reviewer")
    certifications = _certifications(samples, expires_on=timezone.localdate().replace(year=2030))
    _employers(1, certifications)
    app.conf.task_default_queue = QUEUE
    worker = _worker()
    try:
        time.sleep(8)  # the worker imports Django
        figures = []
        for certification in certifications:
            with transaction.atomic():
                certification_services.certification_suspend(
                    actor=reviewer, certification=certification, reason="Benchmark."
                )
            committed = timezone.now()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                delivery_ids = list(
                    WebhookDelivery.objects.filter(change__certification=certification).values_list(
                        "pk", flat=True
                    )
                )
                sent = (
                    OutboxMessage.objects.filter(
                        task_name=DELIVER,
                        sent_at__isnull=False,
                        kwargs__delivery_id__in=delivery_ids,
                    )
                    .values_list("sent_at", flat=True)
                    .first()
                    if delivery_ids
                    else None
                )
                if sent:
                    figures.append((sent - committed).total_seconds())
                    break
                time.sleep(0.005)
            else:
                raise SystemExit(f"No delivery published for {certification.number}")
        return figures
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def fan_out(count: int) -> dict[str, float]:
    """The nightly scan expiring `count` watched certifications, then the fan-out."""
    _reset()
    today = timezone.localdate()
    certifications = _certifications(count, expires_on=today - datetime.timedelta(days=1))
    _employers(3, certifications)
    started = time.monotonic()
    report = expiry_scan_run(today=today)
    scan = time.monotonic() - started
    messages = list(OutboxMessage.objects.filter(task_name=RECEIVE).order_by("pk"))
    per_message = []
    started = time.monotonic()
    for message in messages:
        with CaptureQueriesContext(connection) as queries:
            registry_events_receive.run(**message.kwargs)
        per_message.append(len(queries))
    fan = time.monotonic() - started
    return {
        "expired": len(report.certifications_expired),
        "scan_s": scan,
        "messages": len(messages),
        "fan_out_s": fan,
        "queries_per_message": sorted(set(per_message)),
        "changes": RegistryChange.objects.count(),
        "notices": Notice.objects.count(),
        "deliveries": WebhookDelivery.objects.count(),
        "deliveries_queued": OutboxMessage.objects.filter(task_name=DELIVER).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certifications", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load = os.getloadavg()[0]
    figures = latency(args.samples)
    result = fan_out(args.certifications)
    _reset()
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| commit → webhook delivery published ({len(figures)} suspensions) | median "
        f"{statistics.median(figures) * 1000:.0f} ms, max {max(figures) * 1000:.0f} ms |",
        f"| expiry scan, {result['expired']:,} watched certifications expiring | "
        f"{result['scan_s']:.2f} s, {result['messages']} outbox messages for the employers |",
        f"| fan-out of those events (3 employers with an endpoint each) | "
        f"{result['fan_out_s']:.2f} s; queries per message of 1,000 events: "
        f"{result['queries_per_message']}; {result['notices']:,} notices, "
        f"{result['deliveries']:,} deliveries queued "
        f"({result['deliveries_queued']:,} outbox rows) |",
    ]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

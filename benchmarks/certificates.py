"""Benchmark certificate rendering: the median time per PDF (target: under 150 ms) and the
throughput of re-rendering many certifications with two Celery worker processes.

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/peercert REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python benchmarks/certificates.py [--samples 40] [--count 1000]

1. Median: `certificate_pdf` (template, QR code, WeasyPrint with PDF/UA tagging and font
   subsetting) for the wall certificate and the wallet card of one seeded certification,
   `--samples` times each, in this process.
2. Throughput: a database `<database>_certificates` seeded with `--count` certifications
   (`seed_scale`, recreated each run); one real Celery worker with two prefork processes
   (`-c 2`) on a queue of its own (the test workers' settings module, for the queue name);
   `--count` `certificate_render` tasks queued through the outbox (one COPY) and relayed by the
   sweeper; timed from the relay until every certification has both files stored. Each task
   renders two PDFs. The time for 10,000 is extrapolated linearly when `--count` is smaller
   (rendering is CPU-bound and per-task independent; the queue adds a constant overhead).
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from certification.certificates import certificate_pdf, certificate_state  # noqa: E402
from certification.models import CertificateFile, Certification  # noqa: E402
from certification.scale_data import seed_scale  # noqa: E402
from config.celery import app  # noqa: E402
from config.jobs import enqueue_many  # noqa: E402
from jobs.services import outbox_relay  # noqa: E402


def _admin() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    )


def _fresh_database(name: str) -> None:
    connection.close()
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)


def median_render(samples: int) -> dict[str, tuple[float, float]]:
    """kind → (median, 90th percentile) seconds per PDF."""
    certification = Certification.objects.select_related("issuing_county").first()
    state = certificate_state(certification)
    results = {}
    for kind in ("wall", "wallet"):
        certificate_pdf(state, kind)  # warm: fonts, templates
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            certificate_pdf(state, kind)
            times.append(time.perf_counter() - started)
        times.sort()
        results[kind] = (statistics.median(times), times[int(len(times) * 0.9) - 1])
    return results


def _worker_env(queue: str, media: Path) -> dict[str, str]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
        "TEST_CELERY_QUEUE": queue,
        "DATABASE_URL": (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(media),
        "STORAGE_BACKEND": "local",
    }


def worker_throughput(count: int, media: Path) -> float:
    """Seconds for one worker with two processes to render `count` certifications."""
    queue = f"peercert-bench-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    log = media.parent / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "-P", "prefork"]
            + ["-c", "2", "--without-heartbeat", "--without-gossip", "--without-mingle"]
            + ["--loglevel=INFO"],
            cwd=ROOT,
            env=_worker_env(queue, media),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while " ready." not in log.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text(errors="replace")[-3000:])
            time.sleep(0.2)
        ids = list(Certification.objects.order_by("id").values_list("id", flat=True)[:count])
        with transaction.atomic():
            enqueue_many(
                "certification.tasks.certificate_render", ({"certification_id": i} for i in ids)
            )
        started = time.perf_counter()
        while outbox_relay().sent:
            pass
        stored, last_progress = 0, time.monotonic()
        while stored < 2 * len(ids):
            time.sleep(0.5)
            now_stored = CertificateFile.objects.count()
            if now_stored > stored:
                stored, last_progress = now_stored, time.monotonic()
            elif time.monotonic() - last_progress > 120:
                raise RuntimeError(log.read_text(errors="replace")[-3000:])
        return time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    base = connection.settings_dict["NAME"]
    database = f"{base}_certificates"
    media = Path(tempfile.mkdtemp(prefix="peercert-bench-")) / "media"
    media.mkdir()

    _fresh_database(database)
    with transaction.atomic():
        seed_scale(args.count, seed=11)
    medians = median_render(args.samples)
    seconds = worker_throughput(args.count, media)
    per_second = args.count / seconds
    pdf_size = statistics.median(CertificateFile.objects.values_list("size", flat=True))
    load = os.getloadavg()[0]
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}",
        f"median per PDF ({args.samples} samples): wall {medians['wall'][0] * 1000:.0f} ms "
        f"(p90 {medians['wall'][1] * 1000:.0f} ms), wallet {medians['wallet'][0] * 1000:.0f} ms "
        f"(p90 {medians['wallet'][1] * 1000:.0f} ms); median file {pdf_size / 1024:.0f} KiB",
        f"one worker, two processes: {args.count} certifications ({2 * args.count} PDFs) "
        f"in {seconds:.1f} s = {per_second:.1f} certifications/s "
        f"({2 * per_second:.1f} PDFs/s); 10,000 certifications: "
        f"{10_000 / per_second / 60:.1f} min" + (" (extrapolated)" if args.count < 10_000 else ""),
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    connection.close()
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
    shutil.rmtree(media.parent, ignore_errors=True)


if __name__ == "__main__":
    main()

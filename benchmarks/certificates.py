"""Benchmark certificate rendering: the median time per PDF (target: under 150 ms) and the
throughput of re-rendering many certifications with two Celery worker processes.

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/peercert REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python benchmarks/certificates.py [--samples 40] [--count 1000]

1. Median: `certificate_pdf` (template, QR code, WeasyPrint with PDF/UA tagging and font
   subsetting) for the wall certificate and the wallet card of one seeded certification,
   `--samples` times each, in this process: wall-clock time and CPU time (on a machine
   shared with other work the CPU time is what an idle machine's wall clock would show).
2. Throughput: a database `<database>_certificates` seeded with `--count` certifications
   (`seed_scale`, recreated each run); one real Celery worker with two prefork processes
   (`-c 2`) on a queue of its own (the test workers' settings module, for the queue name);
   `--count` `certificate_render` tasks queued through the outbox (one COPY) and relayed by the
   sweeper; timed from the relay until every certification has both files stored. Each task
   renders two PDFs. The time for 10,000 is extrapolated linearly when `--count` is smaller
   (rendering is CPU-bound and per-task independent; the queue adds a constant overhead),
   both at the measured rate and from the worker's CPU time per certification (two idle
   cores).
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

import psutil  # noqa: E402
import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from certification.certificates import certificate_pdf, certificate_state  # noqa: E402
from certification.models import CertificateFile, Certification  # noqa: E402
from config.celery import app  # noqa: E402
from demo.scale import seed_scale  # noqa: E402
from jobs.services import enqueue_many, outbox_relay  # noqa: E402


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


def median_render(samples: int) -> dict[str, dict[str, float]]:
    """kind → median and 90th percentile wall-clock seconds per PDF, and the median CPU
    seconds of this process (close to the wall-clock time on an idle machine)."""
    certification = Certification.objects.select_related("issuing_county").first()
    state = certificate_state(certification)
    results = {}
    for kind in ("wall", "wallet"):
        certificate_pdf(state, kind)  # warm: fonts, templates
        wall, cpu = [], []
        for _ in range(samples):
            started, cpu_started = time.perf_counter(), time.process_time()
            certificate_pdf(state, kind)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        wall.sort()
        results[kind] = {
            "median": statistics.median(wall),
            "p90": wall[int(len(wall) * 0.9) - 1],
            "cpu": statistics.median(cpu),
        }
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


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by a worker and its pool processes."""
    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])


def worker_throughput(count: int, media: Path) -> tuple[float, float]:
    """Wall-clock seconds for one worker with two processes to render `count`
    certifications, and the CPU seconds the worker spent on them."""
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
        started, cpu_started = time.perf_counter(), _cpu_seconds(worker.pid)
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
        return time.perf_counter() - started, _cpu_seconds(worker.pid) - cpu_started
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
    seconds, cpu = worker_throughput(args.count, media)
    per_second = args.count / seconds
    idle_per_second = 2 * args.count / cpu  # two processes, each a full core
    pdf_size = statistics.median(CertificateFile.objects.values_list("size", flat=True))
    load = os.getloadavg()[0]
    wall, wallet = medians["wall"], medians["wallet"]
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}",
        f"per PDF ({args.samples} samples), wall clock median / p90 / CPU median: "
        f"wall certificate {wall['median'] * 1000:.0f} / {wall['p90'] * 1000:.0f} / "
        f"{wall['cpu'] * 1000:.0f} ms, wallet card {wallet['median'] * 1000:.0f} / "
        f"{wallet['p90'] * 1000:.0f} / {wallet['cpu'] * 1000:.0f} ms; "
        f"median file {pdf_size / 1024:.0f} KiB",
        f"one worker, two processes: {args.count} certifications ({2 * args.count} PDFs) "
        f"in {seconds:.1f} s = {per_second:.2f} certifications/s; "
        f"worker CPU {cpu / args.count * 1000:.0f} ms per certification",
        f"10,000 certifications: {10_000 / per_second / 60:.1f} min at this run's rate, "
        f"{10_000 / idle_per_second / 60:.1f} min with two idle cores (from the CPU time)"
        + (" (extrapolated)" if args.count < 10_000 else ""),
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    connection.close()
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
    shutil.rmtree(media.parent, ignore_errors=True)


if __name__ == "__main__":
    main()

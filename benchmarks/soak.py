"""Soak: steady moderate load for 30 minutes; does any process grow?

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/<own db> REDIS_URL=redis://127.0.0.1:6379/<n> \
        .venv/bin/python benchmarks/soak.py [--minutes 30] [--clients 10]

Starts the production-like stack (benchmarks/_server.py), then for `--minutes`:

- `--clients` locust clients (benchmarks/locustfile.py: roster API, verify page and API, county
  dashboard), each waiting 0.5–1.5 s between requests;
- background work through the real app: every `--action-every` seconds the Alameda admin
  suspends a certification, or lifts the suspension of the one suspended before, through the
  workspace pages; each action queues an email and a certificate render (WeasyPrint) for the
  Celery worker;
- every `--sample-every` seconds, the resident set size (RSS) of every gunicorn worker, of the
  Celery worker's main process and of its pool processes (psutil).

Verdict per process, after a warm-up (`--warmup` minutes, excluded): growth from the first
sample after warm-up to the mean of the last three samples below both 10 % and 20 MiB, i.e.
`growth < min(10 % of the warm RSS, 20 MiB)`, plus the least-squares slope in MiB per hour over
the warm samples, for information. A process that was replaced during the run (its pid left)
is reported as such. Request errors must be 0.

Writes var/benchmarks/soak-<timestamp>/result.json and result.md (the table for RESULTS.md)
and exits non-zero when a process grew or a request failed. Stops by itself after the run.
"""

import argparse
import json
import logging
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _server  # noqa: E402

logger = logging.getLogger("soak")
MIB = 1024 * 1024
GROWTH_FRACTION = 0.10
GROWTH_BYTES = 20 * MIB


def _rss(pid: int) -> int | None:
    import psutil

    try:
        return psutil.Process(pid).memory_info().rss
    except psutil.NoSuchProcess:
        return None


def _slope_mib_per_hour(points: list[tuple[float, int]]) -> float:
    if len(points) < 2:
        return 0.0
    times = [t for t, _ in points]
    values = [v / MIB for _, v in points]
    return statistics.linear_regression(times, values).slope * 3600


def verdict(samples: dict[str, list[tuple[float, int]]], warmup_seconds: float) -> list[dict]:
    """Per process: start, warm, end, max (MiB), growth and slope; `ok` as the docstring says.
    `samples` maps a process label to (seconds since start, RSS bytes)."""
    rows = []
    for label, points in samples.items():
        warm = [(t, v) for t, v in points if t >= warmup_seconds]
        if len(warm) < 4:
            rows.append({"process": label, "ok": False, "note": "too few samples after warm-up"})
            continue
        end = statistics.mean(v for _, v in warm[-3:])
        growth = end - warm[0][1]
        limit = min(GROWTH_FRACTION * warm[0][1], GROWTH_BYTES)
        rows.append(
            {
                "process": label,
                "start_mib": points[0][1] / MIB,
                "warm_mib": warm[0][1] / MIB,
                "end_mib": end / MIB,
                "max_mib": max(v for _, v in points) / MIB,
                "growth_mib": growth / MIB,
                "limit_mib": limit / MIB,
                "slope_mib_per_hour": _slope_mib_per_hour(warm),
                "samples": len(points),
                "ok": growth < limit,
            }
        )
    return rows


class Producer(threading.Thread):
    """Suspends a certification, then lifts that suspension, alternately, every `every` s."""

    def __init__(self, actor: _server.WorkspaceActor, ids: list[int], every: float, stop):
        super().__init__(daemon=True)
        self.actor, self.ids, self.every, self.stop_event = actor, ids, every, stop
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        pending: int | None = None
        ids = iter(self.ids)
        while not self.stop_event.wait(self.every):
            if pending is None:
                pending = next(ids, None)
                if pending is None:
                    return
                status = self.actor.act(pending, "suspend", "Soak test: background work")
            else:
                status = self.actor.act(pending, "lift-suspension", "")
                pending = None
            self.statuses[status] = self.statuses.get(status, 0) + 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--warmup", type=float, default=5, help="minutes excluded")
    parser.add_argument("--sample-every", type=float, default=30, help="seconds")
    parser.add_argument("--action-every", type=float, default=10, help="seconds")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    run_dir = _server.ROOT / "var" / "benchmarks" / f"soak-{time.strftime('%Y%m%d-%H%M%S')}"
    seconds = int(args.minutes * 60)
    stack = _server.Stack(
        run_dir,
        workers=args.workers,
        env={"THROTTLE_VERIFY_ANON": "1000000/min", "THROTTLE_TOKEN": "1000000/min"},
    )
    with stack:
        _server.django_setup(stack.env)
        plan = _server.load_plan(
            stack, run_dir / "plan.json", clients=args.clients, wait=(0.5, 1.5), record=None
        )
        actions = int(seconds / args.action_every) + 2
        producer = Producer(
            _server.WorkspaceActor(stack, _server.signed_in_sessions(1)[0]),
            _server.active_certification_ids(actions // 2 + 1),
            args.action_every,
            stop := threading.Event(),
        )
        web = {
            pid: f"gunicorn worker {i + 1}" for i, pid in enumerate(stack.gunicorn_worker_pids())
        }
        main_pid, *pool = stack.celery_pids()
        workers = {main_pid: "celery worker (main)"}
        workers.update({pid: f"celery pool process {i + 1}" for i, pid in enumerate(pool)})
        watched = {**web, **workers}
        samples: dict[str, list[tuple[float, int]]] = {label: [] for label in watched.values()}

        locust = _server.run_locust(
            stack, plan, clients=args.clients, seconds=seconds, spawn_rate=5,
            csv_prefix=run_dir / "soak", background=True,
        )  # fmt: skip
        started = time.monotonic()
        begun = _server.now()
        producer.start()
        replaced = []
        while locust.poll() is None and time.monotonic() - started < seconds + 120:
            elapsed = time.monotonic() - started
            for pid, label in watched.items():
                rss = _rss(pid)
                if rss is None:
                    if label not in replaced:
                        replaced.append(label)
                    continue
                samples[label].append((elapsed, rss))
            logger.info(
                "t=%4.0fs %s",
                elapsed,
                " ".join(f"{pid}:{(_rss(pid) or 0) / MIB:.0f}" for pid in watched),
            )
            time.sleep(args.sample_every)
        stop.set()
        producer.join(timeout=60)
        locust.wait(timeout=120)
        current_pool = stack.celery_pids()[1:]
        stats = _server.locust_stats(run_dir / "soak")
        time.sleep(15)  # let the last actions' tasks finish before counting
        from jobs.models import FailedJob, OutboxMessage
        from notifications.models import EmailLog

        background = {
            "actions": producer.statuses,
            "emails_logged_sent": EmailLog.objects.filter(
                status="sent", created_at__gte=begun
            ).count(),
            "outbox_rows": OutboxMessage.objects.filter(created_at__gte=begun).count(),
            "outbox_unsent": OutboxMessage.objects.filter(
                created_at__gte=begun, sent_at__isnull=True
            ).count(),
            "failed_jobs": FailedJob.objects.filter(failed_at__gte=begun).count(),
        }

    rows = verdict(samples, args.warmup * 60)
    errors = stats["Aggregated"]["failures"]
    result = {
        "minutes": args.minutes,
        "clients": args.clients,
        "gunicorn_workers": stack.workers,
        "requests": stats,
        "memory": rows,
        "replaced_processes": replaced,
        "pool_pids_at_end_same": sorted(current_pool) == sorted(pool),
        "background": background,
        "samples": samples,
    }
    (run_dir / "result.json").write_text(json.dumps(result, indent=2))
    lines = [
        _server.stats_table(stats),
        "",
        "| process | start MiB | after warm-up | end (mean of last 3) | max | growth | limit "
        "| slope MiB/h | ok |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if "warm_mib" not in row:
            lines.append(f"| {row['process']} | {row['note']} | | | | | | | no |")
            continue
        lines.append(
            f"| {row['process']} | {row['start_mib']:.1f} | {row['warm_mib']:.1f} | "
            f"{row['end_mib']:.1f} | {row['max_mib']:.1f} | {row['growth_mib']:+.1f} | "
            f"{row['limit_mib']:.1f} | {row['slope_mib_per_hour']:+.2f} | "
            f"{'yes' if row['ok'] else 'NO'} |"
        )
    lines += ["", f"background work: {json.dumps(background)}", f"replaced: {replaced}"]
    (run_dir / "result.md").write_text("\n".join(lines) + "\n")
    sys.stdout.write("\n".join(lines) + f"\n\nresults in {run_dir}\n")
    return 0 if errors == 0 and all(row["ok"] for row in rows) and not replaced else 1


if __name__ == "__main__":
    sys.exit(main())

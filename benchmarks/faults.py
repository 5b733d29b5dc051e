"""Faults under load: PostgreSQL restarted, Redis restarted, a Celery worker
killed mid-task. What answers, for how long, and whether any queued work is lost.

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/<own db> REDIS_URL=redis://127.0.0.1:6379/<n> \
        .venv/bin/python benchmarks/faults.py postgres|redis|worker [--seconds 60]

Each scenario starts the production-like stack (benchmarks/_server.py) and, for `--seconds`:

- locust clients (benchmarks/locustfile.py: roster API, verify page and API, county dashboard;
  `--clients`, each waiting 0.2–0.6 s), every request recorded with its time and status;
- background work through the real app: every `--action-every` seconds the Alameda admin
  suspends another certification through the workspace (GET the form, POST it). Each action
  commits, in its transaction, an outbox row for an email to the holder and one for a
  certificate render (jobs app, jobs/services.py); the Celery worker sends the email and stores
  two PDFs (wall, wallet).

`--fault-at` seconds in, the fault:

- `postgres`: `pg_ctlcluster --skip-systemctl-redirect 15 main restart` (the machine's shared
  cluster: a fast restart, a few seconds, once per run). Expected: requests answer 503 with
  Retry-After while it is down (core/outage.py), never 500, and succeed again as soon as it
  is back, with the same gunicorn workers (not restarted).
- `redis`: `redis-cli shutdown nosave`, `--redis-down` seconds, then the start command of
  scripts/ensure_services.sh (this Redis keeps nothing on disk; the server is shared, so the
  outage is kept short). Expected: actions during the outage commit their outbox rows; the
  sweeper (beat, every minute) relays them once Redis is back.
- `worker`: first the pool processes, then the whole worker (main process and pool) are killed
  with SIGKILL while a certificate render runs; a new worker is started. Expected: with
  acks_late and reject_on_worker_lost the pool process's task goes back to the queue at once;
  the whole worker's unacknowledged tasks come back after the visibility timeout (shortened to
  CELERY_VISIBILITY_TIMEOUT=30 s for this run; production keeps 3600 s, above the task time
  limit).

Then it waits (at most `--drain` seconds) for the background work to finish and checks that
every action that succeeded (302) had its effect exactly once: one email logged and written
per action, two certificate files per suspended certification, no unsent outbox row, no failed
job. Request outcomes are summarised by status, with the error window measured against the
outage itself (pg_isready / redis-cli ping polled every 0.1 s).

Writes var/benchmarks/fault-<scenario>-<timestamp>/result.json and result.md; exits non-zero
when a request answered 500 or a connection error, or when work was lost or done twice.
"""

import argparse
import csv
import json
import logging
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _server  # noqa: E402

logger = logging.getLogger("faults")
PG_VERSION = "15"
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/peercert.log",
]  # fmt: skip
EMAIL_TASK = "notifications.tasks.email_send"
RENDER_TASK = "certification.tasks.certificate_render"


def pg_up() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], timeout=5).returncode == 0


def redis_up() -> bool:
    try:
        out = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True, timeout=5
        ).stdout
    except subprocess.TimeoutExpired:
        return False
    return "PONG" in out


class Watch(threading.Thread):
    """Polls `probe` every 0.1 s; `down` lists the (from, to) epoch intervals it failed."""

    def __init__(self, probe: Callable[[], bool]) -> None:
        super().__init__(daemon=True)
        self.probe = probe
        self.stop_event = threading.Event()
        self.down: list[list[float]] = []

    def run(self) -> None:
        since = None
        while not self.stop_event.is_set():
            now = time.time()
            if not self.probe():
                since = since or now
            elif since is not None:
                self.down.append([since, now])
                since = None
            time.sleep(0.1)
        if since is not None:
            self.down.append([since, time.time()])


class Producer(threading.Thread):
    """Suspends one more certification every `every` seconds through the workspace."""

    def __init__(self, actor: _server.WorkspaceActor, ids: list[int], every: float) -> None:
        super().__init__(daemon=True)
        self.actor, self.ids, self.every = actor, ids, every
        self.stop_event = threading.Event()
        self.log: list[tuple[float, int, int]] = []  # (epoch, HTTP status, certification id)

    def run(self) -> None:
        for pk in self.ids:
            if self.stop_event.wait(self.every):
                return
            started = time.time()
            self.log.append((started, self.actor.act(pk, "suspend", "Fault test"), pk))


# The faults -----------------------------------------------------------------------------------


def fault_postgres(stack: _server.Stack, args: argparse.Namespace) -> dict:
    started = time.time()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", "restart"],
        check=True,
        timeout=120,
    )
    return {"command": "pg_ctlcluster restart", "started": started, "returned": time.time()}


def _redis_queue(stack: _server.Stack) -> dict[str, int]:
    db = stack.env["REDIS_URL"].rsplit("/", 1)[-1]

    def ask(*command: str) -> int:
        out = subprocess.run(
            ["redis-cli", "-n", db, *command], capture_output=True, text=True, timeout=5
        ).stdout.strip()
        return int(out or 0)

    return {"queued": ask("LLEN", "celery"), "unacked": ask("HLEN", "unacked")}


def fault_redis(stack: _server.Stack, args: argparse.Namespace) -> dict:
    queue = _redis_queue(stack)  # what a nosave restart drops, if anything
    started = time.time()
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], timeout=10)
    time.sleep(args.redis_down)
    subprocess.run(REDIS_START, check=True, timeout=30)
    while not redis_up():
        time.sleep(0.1)
    return {
        "command": f"redis-cli shutdown nosave; sleep {args.redis_down}; redis-server ...",
        "started": started,
        "returned": time.time(),
        "in_redis_before_shutdown": queue,
    }


def _render_running(stack: _server.Stack) -> bool:
    """A certificate render has been received and has not finished (worker log)."""
    log = (stack.run_dir / "celery-worker.log").read_text(errors="replace")
    received = set(re.findall(rf"{re.escape(RENDER_TASK)}\[([^\]]+)\] received", log))
    done = set(re.findall(rf"{re.escape(RENDER_TASK)}\[([^\]]+)\] (?:succeeded|raised)", log))
    return bool(received - done)


def _wait_render(stack: _server.Stack, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not _render_running(stack):
        if time.monotonic() > deadline:
            raise RuntimeError("no certificate render started")
        time.sleep(0.05)
    time.sleep(0.1)  # inside the render (0.5 to 3 s here)


def fault_worker(stack: _server.Stack, args: argparse.Namespace) -> dict:
    import os
    import signal

    _wait_render(stack)
    _main, *pool = stack.celery_pids()
    started = time.time()
    # The pool processes (the one rendering among them); the main process survives, sees its
    # child lost and, with reject_on_worker_lost, puts the task back in the queue.
    for pid in pool:
        os.kill(pid, signal.SIGKILL)
    time.sleep(10)
    _wait_render(stack)
    whole = time.time()
    stack.kill_worker()  # main and pool: nothing acknowledged, nothing requeued at once
    time.sleep(2)
    stack.restart_worker()
    return {
        "command": "SIGKILL the pool processes; 10 s later the whole worker; start another",
        "started": started,
        "whole_worker_killed": whole,
        "returned": time.time(),
    }


FAULTS = {"postgres": (fault_postgres, pg_up), "redis": (fault_redis, redis_up), "worker": (
    fault_worker, lambda: True)}  # fmt: skip


# Analysis -----------------------------------------------------------------------------------


def request_outcomes(path: Path, fault: dict, outage: list[list[float]]) -> dict:
    """Requests by status; the failures' window against the fault and the outage."""
    with path.open(newline="") as handle:
        rows = sorted(
            (float(t), name, int(status), float(ms)) for t, name, status, ms in csv.reader(handle)
        )
    failed = [row for row in rows if row[2] != 200]
    by_status = Counter(str(status) for _, _, status, _ in rows)
    result: dict = {"requests": len(rows), "by_status": dict(by_status)}
    result["by_endpoint_failed"] = dict(Counter(f"{name} {s}" for _, name, s, _ in failed))
    if failed:
        first, last = failed[0][0], max(t + ms / 1000 for t, _, _, ms in failed)
        result["failures_from_s"] = round(first - fault["started"], 2)
        result["failures_until_s"] = round(last - fault["started"], 2)
        result["error_window_s"] = round(last - first, 2)
    if outage:
        down_from, up_at = outage[0][0], outage[-1][1]
        result["dependency_down_from_s"] = round(down_from - fault["started"], 2)
        result["dependency_back_at_s"] = round(up_at - fault["started"], 2)
        after = [row for row in rows if row[0] >= up_at]
        first_ok = next((row for row in after if row[2] == 200), None)
        result["first_200_after_back_s"] = (
            round(first_ok[0] + first_ok[3] / 1000 - up_at, 2) if first_ok else None
        )
        result["failed_after_back"] = sum(1 for row in after if row[2] != 200)
    return result


def _mail_messages(run_dir: Path) -> int:
    return sum(
        path.read_text(errors="replace").count("\nMessage-ID: ")
        + path.read_text(errors="replace").startswith("Message-ID: ")
        for path in (run_dir / "mail").glob("*")
    )


def work_outcomes(run_dir: Path, begun, producer: Producer) -> dict:
    """Every successful action's email and certificate files, each exactly once."""
    from certification.models import CertificateFile
    from jobs.models import FailedJob, OutboxMessage
    from notifications.models import EmailLog

    acted = [pk for _, status, pk in producer.log if status == 302]
    outbox = OutboxMessage.objects.filter(created_at__gte=begun)
    email_ids = [m.celery_task_id for m in outbox.filter(task_name=EMAIL_TASK)]
    files = CertificateFile.objects.filter(certification_id__in=acted)
    return {
        "actions": dict(Counter(str(status) for _, status, _ in producer.log)),
        "actions_done": len(acted),
        "outbox_emails": len(email_ids),
        "outbox_renders": outbox.filter(task_name=RENDER_TASK).count(),
        "outbox_unsent": outbox.filter(sent_at__isnull=True).count(),
        "outbox_relayed_late": outbox.filter(attempts__gt=1).count(),
        "emails_logged_sent": EmailLog.objects.filter(
            idempotency_key__in=email_ids, status="sent"
        ).count(),
        "emails_logged_other": EmailLog.objects.filter(idempotency_key__in=email_ids)
        .exclude(status="sent")
        .count(),
        "mail_messages_written": _mail_messages(run_dir),
        "certificate_files": files.count(),
        "certifications_with_both_files": len(
            {
                c
                for c, n in Counter(files.values_list("certification_id", flat=True)).items()
                if n == 2
            }
        ),
        "failed_jobs": FailedJob.objects.filter(failed_at__gte=begun).count(),
    }


def work_complete(work: dict) -> bool:
    n = work["actions_done"]
    return (
        work["outbox_emails"] == n
        and work["outbox_renders"] == n
        and work["outbox_unsent"] == 0
        and work["emails_logged_sent"] == n
        and work["mail_messages_written"] == n
        and work["certificate_files"] == 2 * n
        and work["certifications_with_both_files"] == n
        and work["failed_jobs"] == 0
    )


def task_deliveries(run_dir: Path) -> dict[str, int]:
    """How many task ids the workers ran more than once (redeliveries), from their logs."""
    runs: Counter[str] = Counter()
    for log in run_dir.glob("celery-worker*.log"):
        runs.update(re.findall(r"\[(outbox-\d+)\] received", log.read_text(errors="replace")))
    return {
        "task_ids_received": len(runs),
        "received_more_than_once": sum(1 for n in runs.values() if n > 1),
    }


def worker_losses(run_dir: Path) -> dict[str, int]:
    """What the kills hit, from the workers' logs: tasks whose pool process died under them
    (WorkerLostError: requeued by the main process) and pool processes seen killed."""
    text = "".join(log.read_text(errors="replace") for log in run_dir.glob("celery-worker*.log"))
    return {
        "tasks_lost_with_pool_process": text.count("Task handler raised error: WorkerLostError"),
        "pool_processes_killed": text.count("exited with 'signal 9 (SIGKILL)'"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=sorted(FAULTS))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--fault-at", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--action-every", type=float, default=1.0)
    parser.add_argument("--redis-down", type=float, default=3.0, help="seconds")
    parser.add_argument("--drain", type=float, default=300, help="seconds, at most")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    fault, probe = FAULTS[args.scenario]

    run_dir = (
        _server.ROOT
        / "var"
        / "benchmarks"
        / f"fault-{args.scenario}-{time.strftime('%Y%m%d-%H%M%S')}"
    )
    env = {
        "THROTTLE_VERIFY_ANON": "1000000/min",
        "THROTTLE_TOKEN": "1000000/min",
        "CELERY_VISIBILITY_TIMEOUT": "30",
    }
    with _server.Stack(run_dir, workers=args.workers, env=env) as stack:
        _server.django_setup(stack.env)
        record = run_dir / "requests.csv"
        plan = _server.load_plan(
            stack, run_dir / "plan.json", clients=args.clients, wait=(0.2, 0.6), record=record
        )
        producer = Producer(
            _server.WorkspaceActor(stack, _server.signed_in_sessions(1)[0]),
            _server.active_certification_ids(int(args.seconds / args.action_every) + 5),
            args.action_every,
        )
        web_pids = stack.gunicorn_worker_pids()
        begun = _server.now()
        locust = _server.run_locust(
            stack, plan, clients=args.clients, seconds=args.seconds, spawn_rate=10,
            csv_prefix=run_dir / "load", background=True,
        )  # fmt: skip
        producer.start()
        watch = Watch(probe)
        watch.start()
        time.sleep(args.fault_at)
        logger.info("fault: %s", args.scenario)
        fault_info = fault(stack, args)
        logger.info("fault done in %.1f s", fault_info["returned"] - fault_info["started"])
        locust.wait(timeout=args.seconds + 120)
        producer.stop_event.set()
        producer.join(timeout=60)
        watch.stop_event.set()
        watch.join(timeout=5)
        same_web_workers = stack.gunicorn_worker_pids() == web_pids
        healthy_after = stack.healthy()

        # This process's own connection did not live through a PostgreSQL restart.
        from django.db import connection

        connection.close()
        deadline = time.monotonic() + args.drain
        work = work_outcomes(run_dir, begun, producer)
        while not work_complete(work) and time.monotonic() < deadline:
            time.sleep(3)
            work = work_outcomes(run_dir, begun, producer)
        drained_in = args.drain - (deadline - time.monotonic())
        requests = request_outcomes(record, fault_info, watch.down)
        stats = _server.locust_stats(run_dir / "load")

    result = {
        "scenario": args.scenario,
        "fault": fault_info,
        "outage": watch.down,
        "requests": requests,
        "locust": stats,
        "same_gunicorn_workers_after": same_web_workers,
        "healthz_after": healthy_after,
        "work": work,
        "work_complete": work_complete(work),
        "drained_within_s": round(drained_in, 1),
        "task_deliveries": task_deliveries(run_dir),
        "worker_losses": worker_losses(run_dir),
    }
    (run_dir / "result.json").write_text(json.dumps(result, indent=2))
    text = json.dumps({k: v for k, v in result.items() if k != "locust"}, indent=2)
    (run_dir / "result.md").write_text(_server.stats_table(stats) + "\n\n" + text + "\n")
    sys.stdout.write(text + f"\nresults in {run_dir}\n")
    bad = {"500", "0", "-1"} & set(requests["by_status"])
    return 0 if not bad and result["work_complete"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""Load run: 50 concurrent clients for 2 minutes, no errors.

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/<own db> REDIS_URL=redis://127.0.0.1:6379/<n> \
        .venv/bin/python benchmarks/load_test.py [--clients 50] [--seconds 120] [--workers 5]

Against a database seeded with `manage.py seed_demo` (DEBUG on, for seeding only) and
`manage.py seed_scale --certifications 200000`. Starts the production-like stack
(benchmarks/_server.py: gunicorn, a Celery worker and beat) and runs locust headless
(benchmarks/locustfile.py): each client, back to back, picks one of

- `GET /api/v1/roster/?page_size=100` (weight 3) and the roster with filters (county, status,
  specialization, expiry range, name search; weight 2), with a state staff API key made by
  `manage.py create_api_token dhcs.viewer@example.org`;
- the public verify page `/verify/<number>` and API `/api/v1/verify/<number>/` (weight 3 each)
  for random certification numbers. All clients share one address (127.0.0.1), so the
  per-client verify throttle (THROTTLE_VERIFY_ANON) is raised for the run, and so is the
  per-user API key throttle (THROTTLE_TOKEN, one key for all clients);
- the county dashboard `/county/alameda/` signed in as alameda.admin@example.org (weight 2),
  one session per client.

`--workers 3,5` runs each worker count in turn (same clients and duration) to choose one.
Reports requests, errors, req/s, p50/p99/max per endpoint and overall, with the machine's
load average, into var/benchmarks/load-<timestamp>/result.json and result.md. Exits non-zero
if any request failed. Every process it starts is stopped at the end.
"""

import argparse
import json
import logging
import os
import platform
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _server  # noqa: E402

logger = logging.getLogger("load_test")
RAISED_THROTTLES = {"THROTTLE_VERIFY_ANON": "1000000/min", "THROTTLE_TOKEN": "1000000/min"}


def machine() -> dict[str, str | int | float]:
    """nproc, CPU model, memory and the load average: the context of every figure."""
    import psutil

    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count() or 0,
        "cpu": model,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_1m": os.getloadavg()[0],
    }


def data_size() -> dict[str, int]:
    from accounts.models import User
    from certification.models import Certification

    return {"certifications": Certification.objects.count(), "users": User.objects.count()}


def run_once(run_dir: Path, *, workers: int, threads: int, clients: int, seconds: int) -> dict:
    with _server.Stack(run_dir, workers=workers, threads=threads, env=RAISED_THROTTLES) as stack:
        _server.django_setup(stack.env)
        plan = _server.load_plan(
            stack, run_dir / "plan.json", clients=clients, wait=(0, 0), record=None
        )
        before = machine()
        stats = _server.run_locust(
            stack, plan, clients=clients, seconds=seconds, csv_prefix=run_dir / "load"
        )
        after = machine()
        return {
            "workers": workers,
            "threads": threads,
            "clients": clients,
            "seconds": seconds,
            "machine_before": before,
            "load_average_1m_after": after["load_average_1m"],
            "data": data_size(),
            "stats": stats,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument(
        "--workers", default=str(_server.default_workers()), help="gunicorn workers, e.g. 3,5"
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    # One SECRET_KEY for every stack of this run: the sessions this process signs stay valid.
    os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50))
    base = _server.ROOT / "var" / "benchmarks" / f"load-{time.strftime('%Y%m%d-%H%M%S')}"
    results = []
    for workers in (int(w) for w in args.workers.split(",")):
        logger.info("%d workers × %d threads, %d clients, %d s", workers, args.threads,
                    args.clients, args.seconds)  # fmt: skip
        results.append(
            run_once(
                base / f"workers-{workers}",
                workers=workers,
                threads=args.threads,
                clients=args.clients,
                seconds=args.seconds,
            )
        )
    (base / "result.json").write_text(json.dumps(results, indent=2))
    lines = []
    for result in results:
        lines += [
            f"gunicorn {result['workers']} workers × {result['threads']} threads, "
            f"{result['clients']} clients, {result['seconds']} s, data {result['data']}, "
            f"load average {result['machine_before']['load_average_1m']:.1f} before / "
            f"{result['load_average_1m_after']:.1f} after",
            "",
            _server.stats_table(result["stats"]),
            "",
        ]
    (base / "result.md").write_text("\n".join(lines))
    sys.stdout.write("\n".join(lines) + f"\nresults in {base}\n")
    failures = sum(result["stats"]["Aggregated"]["failures"] for result in results)
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

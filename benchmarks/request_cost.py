"""Fixed cost of an API request, and the roster pages against PostgreSQL's own JSON (issue 19,
item 2); figures go to benchmarks/RESULTS.md ("Cost of an API request").

Run against a database seeded with `manage.py seed_scale --certifications 200000`:

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/peercert_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python benchmarks/request_cost.py --runs 200 --profile 300

It starts gunicorn as `benchmarks/roster_csv_copy.py` does (one sync worker, DEBUG off, a
real SECRET_KEY, persistent connections, logged in as the application role with
`ROW_LEVEL_SECURITY=enforce`: production settings), with gunicorn's access log recording each
request's server time (`%(D)s`: from the request read to the last byte written), and
measures over one keep-alive connection with a state staff token, interleaved request by
request:

- **one_row**: `GET /api/v1/roster/?page_size=1`, the fixed cost of a request (server time
  and client time, median and p95);
- **page**: `GET /api/v1/roster/?page_size=1000`, the first page (server and client time);
- **floor**: the same 1,000 rows built by PostgreSQL alone with `json_agg` (the query of
  `benchmarks/roster_api.py`), timed from this process to the JSON text received.

With `--cpu N` it then measures, for N requests of each page in a row, the CPU time the
server spends per request: the gunicorn worker's (user + system, from /proc) and its
PostgreSQL backend's, and for N runs of the floor the benchmark's own and its backend's. On
a machine shared with other work the wall-clock figures are mostly waiting for a core; the
CPU time is what a request costs where nothing else runs (a floor for its server time there:
only the round trips' latency is missing).

With `--profile N` it then sends N more 1-row requests that the worker runs under cProfile
and prints where their time goes (cumulative and own time of the top functions), and the
number of database statements and Redis commands per request.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import roster_api  # noqa: E402  (its server, client, floor query and machine facts)
import roster_csv_copy  # noqa: E402  (production-like server settings)

PROFILE_PATH = "/__bench_profile__"


def application():
    """WSGI entry point for gunicorn (`benchmarks.request_cost:application()`): the project,
    and with BENCH_PROFILE set, requests carrying `X-Bench-Profile` run under cProfile; GET
    /__bench_profile__ answers the statistics gathered so far (this benchmark's server only)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.wsgi import get_wsgi_application

    wsgi = get_wsgi_application()
    if not os.environ.get("BENCH_PROFILE"):
        return wsgi
    profiler = cProfile.Profile()
    counts = {"requests": 0, "statements": 0, "redis": 0}
    _count_round_trips(counts)

    def profiled(environ, start_response):
        if environ.get("PATH_INFO") == PROFILE_PATH:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            out.write(json.dumps(counts) + "\n")
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
            body = out.getvalue().encode()
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [body]
        if not environ.get("HTTP_X_BENCH_PROFILE"):
            return wsgi(environ, start_response)
        counts["requests"] += 1
        profiler.enable()
        try:
            result = wsgi(environ, start_response)
            body = b"".join(result)
            if hasattr(result, "close"):
                result.close()
        finally:
            profiler.disable()
        return [body]

    return profiled


def _count_round_trips(counts: dict) -> None:
    """Count the statements psycopg sends and the Redis round trips."""
    import psycopg
    import redis

    execute = psycopg.Cursor.execute

    def counted_execute(self, *args, **kwargs):
        counts["statements"] += 1
        return execute(self, *args, **kwargs)

    psycopg.Cursor.execute = counted_execute
    connection_execute = psycopg.Connection.execute

    def counted_connection_execute(self, *args, **kwargs):
        counts["statements"] += 1
        return connection_execute(self, *args, **kwargs)

    psycopg.Connection.execute = counted_connection_execute
    send = redis.connection.AbstractConnection.send_packed_command

    def counted_send(self, *args, **kwargs):
        counts["redis"] += 1
        return send(self, *args, **kwargs)

    # Every command, and a pipeline's commands together: one round trip each.
    redis.connection.AbstractConnection.send_packed_command = counted_send


def start_server(log: Path, *, profile: bool, login: str):
    """gunicorn as roster_api.Server starts it, with this module's application and an access
    log holding each request's server time in microseconds."""
    import signal
    import socket
    import subprocess

    caller_env = dict(os.environ)
    roster_csv_copy._server_secrets()
    if login == "app":
        os.environ["DATABASE_URL"] = roster_csv_copy._app_role_url(caller_env["DATABASE_URL"])
        os.environ["ROW_LEVEL_SECURITY"] = "enforce"
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # Persistent connections, as production runs (docker-compose.yml): not the .env
        # of development, which the Django set-up above read into this environment.
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    if profile:
        env["BENCH_PROFILE"] = "1"
    os.environ.clear()
    os.environ.update(caller_env)
    port = roster_api._free_port()
    process = subprocess.Popen(
        [
            str(roster_api.ROOT / ".venv/bin/gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--timeout",
            "300",
            "--chdir",
            str(roster_api.ROOT),
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(U)s %(s)s %(D)s",
            "--pythonpath",
            str(Path(__file__).resolve().parent),
            f"{Path(__file__).stem}:application()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        raise RuntimeError("gunicorn did not start")

    def stop() -> None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    stop.pid = process.pid  # type: ignore[attr-defined]
    return port, stop


def _cpu_seconds(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _backend_of(worker) -> int:
    """The pid of the PostgreSQL backend serving the gunicorn worker's connection."""
    from django.db import connection

    ports = [
        c.laddr.port for c in worker.net_connections("tcp") if c.raddr and c.raddr.port == 5432
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE client_port = ANY(%s) "
            "AND datname = current_database()",
            [ports],
        )
        return cursor.fetchone()[0]


def _cpu_costs(client, master_pid: int, paths: dict[str, str], floor, runs: int) -> dict:
    """CPU milliseconds per request of each path (worker, backend, total) and of the floor
    (this process and its backend), `runs` of each in a row. Counted in chunks of 20
    requests, the backend found again for each: the worker replaces its connection every
    CONN_MAX_AGE seconds, and a chunk that sees its backend go is left out."""
    import psutil
    from django.db import connection

    worker = psutil.Process(master_pid).children()[0]
    chunk = 20

    def measured(run, process_of) -> tuple[float, float, int]:
        first_ms = second_ms = 0.0
        done = 0
        while done < runs:
            first, second = process_of()
            try:
                a0, b0 = _cpu_seconds(first), _cpu_seconds(second)
                for _ in range(chunk):
                    run()
                first_ms += (_cpu_seconds(first) - a0) * 1000
                second_ms += (_cpu_seconds(second) - b0) * 1000
            except psutil.NoSuchProcess:
                continue
            done += chunk
        return first_ms / done, second_ms / done, done

    costs: dict = {}
    for name, path in paths.items():

        def get(path=path) -> None:
            _seconds, status, _body = client.get(path)
            assert status == 200, status

        worker_ms, backend_ms, done = measured(
            get, lambda: (worker, psutil.Process(_backend_of(worker)))
        )
        costs[name] = {
            "worker_ms": worker_ms,
            "backend_ms": backend_ms,
            "total_ms": worker_ms + backend_ms,
            "n": done,
        }

    def own() -> tuple:
        connection.ensure_connection()
        return psutil.Process(), psutil.Process(connection.connection.info.backend_pid)

    from core import policy

    params = {"after": 0, "limit": roster_api.PAGE_SIZE, "soon": policy.EXPIRING_SOON_DAYS}

    def floor_text() -> None:
        # The floor's JSON text received, not decoded (the endpoint's client decodes
        # nothing either).
        with connection.cursor() as cursor:
            cursor.execute(roster_api.FLOOR_SQL, params)
            cursor.fetchone()

    client_ms, backend_ms, done = measured(floor_text, own)
    costs["floor"] = {
        "client_ms": client_ms,
        "backend_ms": backend_ms,
        "total_ms": client_ms + backend_ms,
        "n": done,
    }
    return costs


def _server_times(log: Path, path: str, skip: int) -> list[float]:
    """Server times in ms of the requests to `path` in the access log, after the first
    `skip` (warm-up)."""
    times = []
    for line in log.read_text().splitlines():
        url, status, micros = line.split()
        if url == path and status == "200":
            times.append(int(micros) / 1000)
    return times[skip:]


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered), "p95_ms": p95, "n": len(ordered)}


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="rounds of the three figures")
    parser.add_argument("--profile", type=int, default=0, help="1-row requests to profile")
    parser.add_argument("--cpu", type=int, default=0, help="requests per page for CPU time")
    parser.add_argument("--login", choices=["app", "owner"], default="app")
    parser.add_argument("--out", default="var/bench", help="directory for the access log")
    args = parser.parse_args()

    roster_api._django()
    from django.db import connection

    key = roster_api._token()
    results: dict = {
        "machine": roster_api._machine(),
        "data": roster_api._data_size(),
        "login": args.login,
        "runs": args.runs,
    }
    connection.close()
    out = roster_api.ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    log = out / f"request_cost-{os.getpid()}.log"

    one_row = "/api/v1/roster/?page_size=1"
    page = f"/api/v1/roster/?page_size={roster_api.PAGE_SIZE}"
    port, stop = start_server(log, profile=bool(args.profile), login=args.login)
    client_times: dict[str, list[float]] = {"one_row": [], "page": [], "floor": []}
    loads = [_load()]
    try:
        client = roster_api.Client(port, key)
        warm = 20
        for _ in range(warm):
            client.get(one_row)
            client.get(page)
        floor = roster_api._floor_query(0)
        for _ in range(args.runs):
            seconds, status, _body = client.get(one_row)
            assert status == 200, status
            client_times["one_row"].append(seconds * 1000)
            seconds, status, _body = client.get(page)
            assert status == 200, status
            client_times["page"].append(seconds * 1000)
            seconds, rows = floor()
            assert rows == roster_api.PAGE_SIZE
            client_times["floor"].append(seconds * 1000)
        loads.append(_load())
        if args.cpu:
            results["cpu"] = _cpu_costs(
                client, stop.pid, {"one_row": one_row, "page": page}, floor, args.cpu
            )
            loads.append(_load())
        profile_text = ""
        if args.profile:
            headers = dict(client.headers, **{"X-Bench-Profile": "1"})
            for _ in range(args.profile):
                client.connection.request("GET", one_row, headers=headers)
                response = client.connection.getresponse()
                response.read()
            _seconds, _status, body = client.get(PROFILE_PATH)
            profile_text = body.decode()
            loads.append(_load())
    finally:
        stop()
        connection.close()

    # The access log is written as each request ends: warm-up requests first, then the
    # measured ones (the profiled ones after them are excluded by count).
    server_one = _server_times(log, "/api/v1/roster/", 0)
    # One-row and full pages share a path: split them by the order they were sent.
    measured = server_one[2 * warm : 2 * warm + 2 * args.runs]
    results["server_one_row"] = _summary(measured[0::2])
    results["server_page"] = _summary(measured[1::2])
    for name, values in client_times.items():
        results[f"client_{name}"] = _summary(values)
    results["load_average"] = loads
    sys.stdout.write(json.dumps(results, indent=2) + "\n")
    sys.stdout.write(
        f"1-row page: server {results['server_one_row']['median_ms']:.2f} ms median "
        f"(p95 {results['server_one_row']['p95_ms']:.2f}), client "
        f"{results['client_one_row']['median_ms']:.2f} ms\n"
        f"1,000-row page: server {results['server_page']['median_ms']:.2f} ms, client "
        f"{results['client_page']['median_ms']:.2f} ms = "
        f"{results['client_page']['median_ms'] / results['client_floor']['median_ms']:.2f}x "
        f"the json_agg floor ({results['client_floor']['median_ms']:.2f} ms)\n"
    )
    if "cpu" in results:
        cpu = results["cpu"]
        sys.stdout.write(
            f"CPU per request: 1-row page {cpu['one_row']['total_ms']:.2f} ms (worker "
            f"{cpu['one_row']['worker_ms']:.2f}, PostgreSQL {cpu['one_row']['backend_ms']:.2f}); "
            f"1,000-row page {cpu['page']['total_ms']:.2f} ms = "
            f"{cpu['page']['total_ms'] / cpu['floor']['total_ms']:.2f}x the floor's "
            f"{cpu['floor']['total_ms']:.2f} ms (client {cpu['floor']['client_ms']:.2f}, "
            f"PostgreSQL {cpu['floor']['backend_ms']:.2f})\n"
        )
    if profile_text:
        sys.stdout.write(profile_text)


if __name__ == "__main__":
    if urlsplit(os.environ.get("DATABASE_URL", "")).path in ("", "/peercert"):
        sys.exit("Set DATABASE_URL to a benchmark database seeded with seed_scale.")
    main()

"""Benchmark of the roster CSV written by COPY (core.csv_copy); figures go to
benchmarks/RESULTS.md ("Roster CSV by COPY").

Run against a database seeded with `manage.py seed_scale --certifications 200000`:

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/peercert_bench \\
        .venv/bin/python benchmarks/roster_csv_copy.py --runs 5

It starts gunicorn as `benchmarks/roster_api.py` does (one sync worker, DEBUG off, a real
SECRET_KEY, persistent connections), logged in as the application role with
`ROW_LEVEL_SECURITY=enforce` as in production (`--login owner` keeps the caller's login and
`switch`), and measures, interleaved run by run so that each figure sees the same load:

- **csv**: the whole `/api/v1/roster.csv` with a state staff token, client-side time to the
  last byte (64 KiB reads);
- **copy_same**: `COPY` of the very statement the endpoint runs (built from the same
  queryset by `core.csv_copy`), read through psycopg in this process, as the application
  role acting for the same user (`rls_context`), with the COPY's own settings (no JIT,
  DateStyle ISO);
- **copy_plain**: the plain join of `benchmarks/roster_api.py` (same columns, no formula
  guard, no NULLIF), as the owner;
- **copy_table**: `COPY certification_certification TO STDOUT WITH (FORMAT csv)`, as the
  owner: the bare table.

It prints the medians, the ratios to the targets (csv within 1.3x of copy_same and within 3x
of copy_table), the worker's memory before, after and at its peak (VmHWM), and the load
average before and after every figure. It writes nothing but one benchmark user and its key.
"""

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import roster_api  # noqa: E402  (the sibling benchmark: its server, client and machine facts)

TABLE_SQL = "COPY certification_certification TO STDOUT WITH (FORMAT csv)"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _app_role_url(url: str) -> str:
    from django.conf import settings

    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    role = settings.DATABASE_APP_ROLE or "peercert_app"
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


def _server_secrets() -> None:
    """A real SECRET_KEY for the server (DEBUG is off), and the row-level security context key
    the database holds (derived from this process's settings) named explicitly, as production
    names RLS_CONTEXT_KEY."""
    from core.rls import context_key

    os.environ["RLS_CONTEXT_KEY"] = context_key().hex()
    os.environ["SECRET_KEY"] = "benchmark-" + secrets.token_urlsafe(40)


def _endpoint_statement(user) -> tuple[str, tuple]:
    """The COPY statement and parameters `/api/v1/roster.csv` runs for `user` (no filters)."""
    from django.http import QueryDict
    from django.utils import timezone

    from accounts.roles import is_state_staff
    from api.rows import roster_csv_export
    from api.views import roster_certifications
    from core.csv_copy import _copy_statement, _select

    class _Request:
        query_params = QueryDict()

    request = _Request()
    request.user = user
    rows, wrap = roster_csv_export(
        roster_certifications(request),
        today=timezone.localdate(),
        whole_roster=is_state_staff(user),
    )
    select = _select(rows)
    assert select is not None
    sql, params = select
    if wrap is not None:
        sql = wrap(sql)
    return _copy_statement(sql, params), params


def _copy_time(statement: str, params: tuple | None, user=None) -> tuple[float, int]:
    """Seconds and bytes of one COPY read through psycopg (acting for `user` when given)."""
    from contextlib import nullcontext

    from django.db import connection

    from core.csv_copy import _SETTINGS
    from core.rls import rls_context

    acting = rls_context(user) if user is not None else nullcontext()
    with acting:
        connection.ensure_connection()
        if user is not None:
            # The settings the endpoint's COPY runs with (core.csv_copy): the same statement
            # under the same conditions.
            connection.connection.execute(_SETTINGS)
        size = 0
        started = time.perf_counter()
        with connection.connection.cursor() as cursor, cursor.copy(statement, params) as copy:
            for block in copy:
                size += len(block)
        seconds = time.perf_counter() - started
    return seconds, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds of the four figures")
    parser.add_argument(
        "--login",
        choices=["app", "owner"],
        default="app",
        help="the server's database login: the application role (production) or the owner",
    )
    args = parser.parse_args()

    roster_api._django()
    from django.db import connection

    from accounts.models import User
    from core import policy

    key = roster_api._token()
    user = User.objects.get(email=roster_api.BENCH_EMAIL)
    same_sql, same_params = _endpoint_statement(user)
    plain_sql = roster_api.COPY_SQL.format(soon=int(policy.EXPIRING_SOON_DAYS))
    results: dict = {
        "machine": roster_api._machine(),
        "data": roster_api._data_size(),
        "login": args.login,
        "runs": args.runs,
    }
    connection.close()

    caller_env = dict(os.environ)
    _server_secrets()
    # Persistent connections, as production runs (docker-compose.yml), not the development
    # .env's CONN_MAX_AGE=0 that the Django set-up above read into this environment.
    os.environ["CONN_MAX_AGE"] = "60"
    if args.login == "app":
        os.environ["DATABASE_URL"] = _app_role_url(caller_env["DATABASE_URL"])
        os.environ["ROW_LEVEL_SECURITY"] = "enforce"
    try:
        server = roster_api.Server()
    finally:
        os.environ.clear()
        os.environ.update(caller_env)
    times: dict[str, list[float]] = {"csv": [], "copy_same": [], "copy_plain": [], "copy_table": []}
    sizes: dict[str, int] = {}
    loads: list[str] = []
    try:
        client = roster_api.Client(server.port, key)
        client.download("/api/v1/roster.csv?county=alpine")  # imports, connection, caches
        pid = server.worker_pid()
        before = roster_api._memory_kib(pid)
        for _ in range(args.runs):
            loads.append(_load())
            seconds, sizes["csv"] = client.download("/api/v1/roster.csv")
            times["csv"].append(seconds)
            seconds, sizes["copy_same"] = _copy_time(same_sql, same_params, user)
            times["copy_same"].append(seconds)
            seconds, sizes["copy_plain"] = _copy_time(plain_sql, None)
            times["copy_plain"].append(seconds)
            seconds, sizes["copy_table"] = _copy_time(TABLE_SQL, None)
            times["copy_table"].append(seconds)
        loads.append(_load())
        after = roster_api._memory_kib(pid)
    finally:
        server.stop()
        connection.close()

    for name, seconds in times.items():
        results[name] = {
            "median_s": statistics.median(seconds),
            "min_s": min(seconds),
            "all_s": [round(s, 3) for s in seconds],
            "bytes": sizes[name],
        }
    results["memory"] = {
        "rss_before_mib": before["VmRSS"] / 1024,
        "rss_after_mib": after["VmRSS"] / 1024,
        "peak_mib": after["VmHWM"] / 1024,
        "growth_to_peak_mib": (after["VmHWM"] - before["VmRSS"]) / 1024,
    }
    results["load_average_per_round"] = loads
    _report(results)


def _report(results: dict) -> None:
    out = sys.stdout.write
    out(json.dumps(results, indent=2) + "\n")
    csv = results["csv"]
    for measure in ("median_s", "min_s"):
        out(
            f"{measure}: CSV {csv[measure]:.3f} s = "
            f"{csv[measure] / results['copy_same'][measure]:.2f}x COPY of the same statement "
            f"({results['copy_same'][measure]:.3f} s, target 1.3x), "
            f"{csv[measure] / results['copy_table'][measure]:.2f}x COPY of the bare table "
            f"({results['copy_table'][measure]:.3f} s, target 3x); "
            f"plain join COPY {results['copy_plain'][measure]:.3f} s\n"
        )
    memory = results["memory"]
    out(
        f"worker memory {memory['rss_before_mib']:.1f} MiB before, "
        f"peak {memory['peak_mib']:.1f} MiB (+{memory['growth_to_peak_mib']:.1f} MiB)\n"
    )


if __name__ == "__main__":
    if urlsplit(os.environ.get("DATABASE_URL", "")).path in ("", "/peercert"):
        sys.exit("Set DATABASE_URL to a benchmark database seeded with seed_scale.")
    main()

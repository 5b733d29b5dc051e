"""Benchmark of the roster API; figures go to benchmarks/RESULTS.md.

Run against a database seeded with `manage.py seed_scale --certifications 200000`:

    DATABASE_URL=postgres://.../peercert_bench .venv/bin/python benchmarks/roster_api.py

It starts gunicorn (one sync worker, DEBUG off, a real SECRET_KEY) on 127.0.0.1 and measures,
over HTTP with a keep-alive connection and a state staff token:

- `GET /api/v1/roster/?page_size=1000`, the first page and a page deep in the cursor, median
  and p95 of `--runs` requests each (and a 1-row page: the fixed cost of any request);
- the floor: PostgreSQL building the same 1,000 rows as JSON with `json_agg` over the same
  joins (client-side time of the query, JSON text received);
- a plain DRF baseline: a `ModelSerializer` with a nested county serializer over the access
  layer's queryset with cursor pagination, served by the same gunicorn at
  /bench/plain-roster/ (the benchmark adds that URL to its own server only);
- the full CSV (`/api/v1/roster.csv`) against `COPY (same rows) TO STDOUT WITH CSV`, and the
  worker process's resident memory before, after and at its peak (VmHWM) during the export,
  on a freshly started server.

It writes nothing to the database but one benchmark user and its API key.
"""

import argparse
import base64
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_EMAIL = "bench.state@example.org"
PAGE_SIZE = 1000
DEEP_FRACTION = 0.75

# The rows of one roster page, built by PostgreSQL alone: the floor for the JSON endpoint.
FLOOR_SQL = """
SELECT coalesce(json_agg(row_to_json(r)), '[]'::json)::text FROM (
  SELECT c.number AS certification_number, c.status, c.first_name, c.last_name,
         json_build_object('code', co.code, 'name', co.name) AS county,
         c.issued_on, c.expires_on,
         (c.status = 'active'
          AND c.expires_on BETWEEN current_date AND current_date + %(soon)s) AS expiring_soon,
         ARRAY(SELECT s.code FROM certification_certificationspecialization s
               WHERE s.certification_id = c.id ORDER BY s.code) AS specializations,
         c.updated_at,
         -- The roster's public actions (issue 14: part of every roster result since
         -- 2026-12-07 12:59), so that the floor builds the same document as the endpoint.
         ARRAY(SELECT json_build_object('action', n.action, 'effective_on', n.effective_on,
                                        'ended_on', n.ended_on, 'summary', n.summary)
               FROM cases_publicnotice n
               WHERE n.certification_id = c.id AND n.withdrawn_at IS NULL
               ORDER BY n.effective_on DESC, n.id DESC) AS public_actions
  FROM certification_certification c
  JOIN counties_county co ON co.id = c.issuing_county_id
  WHERE c.id > %(after)s
  ORDER BY c.id
  LIMIT %(limit)s
) r
"""

# The same columns as the CSV export, for COPY.
COPY_SQL = """
COPY (
  SELECT c.number, c.status, c.first_name, c.last_name, co.code, co.name,
         c.issued_on, c.expires_on,
         (c.status = 'active' AND c.expires_on BETWEEN current_date AND current_date + {soon}),
         array_to_string(ARRAY(SELECT s.code FROM certification_certificationspecialization s
                               WHERE s.certification_id = c.id ORDER BY s.code), ';'),
         c.updated_at
  FROM certification_certification c
  JOIN counties_county co ON co.id = c.issuing_county_id
  ORDER BY c.id
) TO STDOUT WITH (FORMAT csv, HEADER true)
"""


# The server side: the project's WSGI application plus the plain-DRF baseline ---------------


def application():
    """WSGI entry point for gunicorn (`benchmarks.roster_api:application()`): the project
    with one extra URL, /bench/plain-roster/, serving the plain-DRF baseline."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.wsgi import get_wsgi_application

    wsgi = get_wsgi_application()
    from django.conf import settings

    settings.ROOT_URLCONF = _baseline_urlconf()
    return wsgi


def _baseline_urlconf() -> type:
    from django.urls import include, path
    from django.utils import timezone
    from rest_framework import generics, serializers
    from rest_framework.pagination import CursorPagination

    from api.permissions import IsProgramStaff
    from certification.models import Certification
    from certification.rules import is_expiring_soon
    from certification.selectors import certifications_for
    from counties.models import County

    class CountySerializer(serializers.ModelSerializer):
        class Meta:
            model = County
            fields = ["code", "name"]

    class PlainRosterSerializer(serializers.ModelSerializer):
        certification_number = serializers.CharField(source="number")
        county = CountySerializer(source="issuing_county")
        expiring_soon = serializers.SerializerMethodField()
        specializations = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

        class Meta:
            model = Certification
            fields = [
                "certification_number",
                "status",
                "first_name",
                "last_name",
                "county",
                "issued_on",
                "expires_on",
                "expiring_soon",
                "specializations",
                "updated_at",
            ]

        def get_expiring_soon(self, obj) -> bool:
            return is_expiring_soon(obj.status, obj.expires_on, on=timezone.localdate())

    class PlainPagination(CursorPagination):
        ordering = "id"
        page_size = 100
        page_size_query_param = "page_size"
        max_page_size = 1000

    class PlainRosterView(generics.ListAPIView):
        serializer_class = PlainRosterSerializer
        pagination_class = PlainPagination
        permission_classes = [IsProgramStaff]

        def get_queryset(self):
            return certifications_for(self.request.user)

    class BenchmarkUrls:
        urlpatterns = [
            path("bench/plain-roster/", PlainRosterView.as_view()),
            path("", include("config.urls")),
        ]

    return BenchmarkUrls


# The client side --------------------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _token() -> str:
    from accounts.models import User
    from accounts.services import api_token_create

    user, _ = User.objects.get_or_create(
        email=BENCH_EMAIL, defaults={"is_state_staff": True, "first_name": "Bench"}
    )
    _, key = api_token_create(user=user, days=1, name="benchmark")
    return key


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with one sync worker, DEBUG off, on a free local port."""

    def __init__(self) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get(
                "SECRET_KEY", "benchmark-" + base64.b64encode(os.urandom(30)).decode()
            ),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
            "LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--worker-class",
                "sync",
                "--timeout",
                "300",
                "--chdir",
                str(ROOT),
                "benchmarks.roster_api:application()",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")

    def worker_pid(self) -> int:
        import psutil

        (worker,) = psutil.Process(self.process.pid).children()
        return worker.pid

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def _memory_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


class Client:
    def __init__(self, port: int, key: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.headers = {"Authorization": f"Token {key}", "Accept": "application/json"}

    def get(self, path: str) -> tuple[float, int, bytes]:
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        return time.perf_counter() - started, response.status, body

    def download(self, path: str) -> tuple[float, int]:
        """Streams the body away in 64 KiB reads; returns seconds and bytes."""
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        assert response.status == 200, response.status
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
        return time.perf_counter() - started, size


def _summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000}


def _floor_query(after_id: int) -> Callable[[], tuple[float, int]]:
    """The json_agg floor for the page after `after_id`: seconds and rows."""
    from django.db import connection

    from core import policy

    params = {"after": after_id, "limit": PAGE_SIZE, "soon": policy.EXPIRING_SOON_DAYS}

    def run() -> tuple[float, int]:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(FLOOR_SQL, params)
            (text,) = cursor.fetchone()
            seconds = time.perf_counter() - started
        return seconds, len(json.loads(text))

    return run


def _http(client: "Client", path: str) -> Callable[[], tuple[float, int]]:
    """One GET of a roster page: seconds and rows."""

    def run() -> tuple[float, int]:
        seconds, status, body = client.get(path)
        assert status == 200, (status, body[:300])
        return seconds, len(json.loads(body)["results"])

    return run


def _interleaved(measures: dict[str, Callable[[], tuple[float, int]]], runs: int) -> dict:
    """Runs each measure once per round, `runs` rounds, so that every figure sees the same
    load on a shared machine; median and p95 per measure."""
    times: dict[str, list[float]] = {name: [] for name in measures}
    rows: dict[str, int] = {}
    for _ in range(runs):
        for name, measure in measures.items():
            seconds, rows[name] = measure()
            times[name].append(seconds)
    return {name: {**_summary(times[name]), "rows": rows[name]} for name in measures}


def _copy(runs: int) -> dict[str, float]:
    from django.db import connection

    from core import policy

    sql = COPY_SQL.format(soon=int(policy.EXPIRING_SOON_DAYS))
    times = []
    connection.ensure_connection()
    raw = connection.connection
    for _ in range(runs):
        size = 0
        started = time.perf_counter()
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for block in copy:
                size += len(block)
        times.append(time.perf_counter() - started)
    return {"median_s": statistics.median(times), "min_s": min(times), "bytes": size}


def _deep_cursor(fraction: float) -> tuple[int, str]:
    """The key after which the page deep in the roster starts, and its cursor (the form DRF
    writes into `next` links: base64 of `p=<key>`)."""
    from certification.models import Certification

    count = Certification.objects.count()
    position = Certification.objects.order_by("id").values_list("id", flat=True)[
        int(count * fraction)
    ]
    return position, base64.b64encode(f"p={position}".encode()).decode()


def _machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {"cpu": cpu, "nproc": str(os.cpu_count()), "free": free, "load": " ".join(load)}


def _data_size() -> dict[str, int]:
    from certification.models import Certification, CertificationSpecialization

    return {
        "certifications": Certification.objects.count(),
        "specializations": CertificationSpecialization.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="requests per JSON figure")
    parser.add_argument("--csv-runs", type=int, default=3, help="CSV exports and COPYs")
    args = parser.parse_args()

    _django()
    from django.db import connection

    key = _token()
    deep_after, deep_cursor = _deep_cursor(DEEP_FRACTION)
    data = _data_size()
    connection.close()
    roster = f"/api/v1/roster/?page_size={PAGE_SIZE}"
    plain = f"/bench/plain-roster/?page_size={PAGE_SIZE}"
    results: dict = {"machine": _machine(), "data": data, "deep_after_id": deep_after}

    server = Server()
    try:
        client = Client(server.port, key)
        for path in (roster, plain, "/api/v1/roster.csv?county=alpine"):
            client.get(path)  # warm up imports, connections and caches
        deep = f"&cursor={deep_cursor}"
        results.update(
            _interleaved(
                {
                    "api_one_row": _http(client, "/api/v1/roster/?page_size=1"),
                    "api_first": _http(client, roster),
                    "floor_first": _floor_query(0),
                    "plain_first": _http(client, plain),
                    "api_deep": _http(client, roster + deep),
                    "floor_deep": _floor_query(deep_after),
                    "plain_deep": _http(client, plain + deep),
                },
                args.runs,
            )
        )
    finally:
        server.stop()
    connection.close()

    # The CSV on a fresh server, so that its memory is not mixed with the JSON pages'.
    server = Server()
    try:
        client = Client(server.port, key)
        client.download("/api/v1/roster.csv?county=alpine")
        client.get(f"{roster}&county=alpine")
        pid = server.worker_pid()
        before = _memory_kib(pid)
        csv_times = []
        for _ in range(args.csv_runs):
            seconds, size = client.download("/api/v1/roster.csv")
            csv_times.append(seconds)
        after = _memory_kib(pid)
    finally:
        server.stop()
    results["csv"] = {
        "median_s": statistics.median(csv_times),
        "min_s": min(csv_times),
        "bytes": size,
        "rss_before_mib": before["VmRSS"] / 1024,
        "rss_after_mib": after["VmRSS"] / 1024,
        "peak_mib": after["VmHWM"] / 1024,
        "growth_to_peak_mib": (after["VmHWM"] - before["VmRSS"]) / 1024,
    }
    results["copy"] = _copy(args.csv_runs)
    _report(results)


def _report(results: dict) -> None:
    out = sys.stdout.write
    out(json.dumps(results, indent=2) + "\n")
    for page in ("first", "deep"):
        api = results[f"api_{page}"]["median_ms"]
        out(
            f"{page} page: API {api:.1f} ms median, "
            f"{api / results[f'floor_{page}']['median_ms']:.2f}x the json_agg floor, "
            f"{results[f'plain_{page}']['median_ms'] / api:.1f}x faster than plain DRF\n"
        )
    out(
        f"fixed cost of a request (1-row page): {results['api_one_row']['median_ms']:.1f} ms "
        "median\n"
    )
    csv = results["csv"]
    out(
        f"CSV: {csv['median_s']:.2f} s median, "
        f"{csv['median_s'] / results['copy']['median_s']:.2f}x COPY; "
        f"memory {csv['rss_before_mib']:.1f} MiB before, peak {csv['peak_mib']:.1f} MiB "
        f"(+{csv['growth_to_peak_mib']:.1f} MiB)\n"
    )


if __name__ == "__main__":
    if urlsplit(os.environ.get("DATABASE_URL", "")).path in ("", "/peercert"):
        sys.exit("Set DATABASE_URL to a benchmark database seeded with seed_scale.")
    main()

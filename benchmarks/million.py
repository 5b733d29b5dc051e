"""The product at a million certifications (issue 19, item 5): every read a person waits for
that scans the certifications table, timed with its query count, at the size in the database.

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/peercert_bench \\
        .venv/bin/python benchmarks/million.py [--runs 5] [--json out.json]

Run it on a fresh migrated database seeded with `manage.py seed_scale --certifications 200000
--seed 7`, and on one seeded with `--certifications 1000000 --seed 7`, and compare the two
outputs (`--compare before.json after.json` prints the growth table of benchmarks/RESULTS.md,
from the fastest run of each read: the least disturbed on a shared machine).

In process (Django's test client, the whole middleware stack and row-level security, DEBUG
as configured), as the views run for a person: a state staff member with an API key for the
API, and an administrator of the county that issued the most certifications for the workspace
(both created once, `bench.*@example.org`). Each figure is the median of `--runs` requests
(the full CSV exports: of 1) after one warm-up; queries are counted on the view's connection
(CaptureQueriesContext; the row-level security context statements are connection state and
not counted, core/rls.py). The daily expiry scan: the first after seeding runs once for real
(reminders catch up, committed), then the next day's runs with `dry_run=True` (nothing kept).

It writes the two benchmark users, the county membership and an API key, and the first
expiry scan's reminders and queued emails (outbox rows; nothing relays them without a worker).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

STATE_EMAIL = "bench.state@example.org"
COUNTY_EMAIL = "bench.county@example.org"


def _out(text: str) -> None:
    sys.stdout.write(f"{text}\n")


HOST = "127.0.0.1"


def _users() -> tuple[str, object, object]:
    """The state staff member's API key, that person and the largest county's administrator."""
    from django.db.models import Count

    from accounts.models import User
    from accounts.services import api_token_create
    from certification.models import Certification
    from counties.models import County, CountyMembership

    state, _ = User.objects.get_or_create(
        email=STATE_EMAIL, defaults={"is_state_staff": True, "first_name": "Bench"}
    )
    _, key = api_token_create(user=state, days=1, name="benchmark")
    largest = (
        Certification.objects.values("issuing_county")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    county = County.objects.get(pk=largest["issuing_county"])
    admin, _ = User.objects.get_or_create(
        email=COUNTY_EMAIL, defaults={"first_name": "Bench", "last_name": "County"}
    )
    CountyMembership.objects.get_or_create(user=admin, county=county, defaults={"role": "admin"})
    return key, admin, county


def _measure(run: Callable[[], int], runs: int) -> dict:
    """Median seconds of `runs` calls after one warm-up, and the queries of the last."""
    run()
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            status = run()
            times.append(time.perf_counter() - started)
        assert status == 200, status
    return {
        "seconds": statistics.median(times),
        "min_seconds": min(times),
        "queries": len(queries),
        "runs": runs,
    }


def _get(client: Client, path: str, **headers) -> Callable[[], int]:
    def run() -> int:
        response = client.get(path, secure=True, **headers)
        # A refused or redirected request would be timed as a fast one.
        assert response.status_code == 200, (path, response.status_code)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
            response.close()
        else:
            response.content  # noqa: B018
        return response.status_code

    return run


def _deep_roster_cursor(fraction: float = 0.75) -> str:
    """A roster cursor three quarters down (the form DRF writes into `next` links)."""
    import base64

    from certification.models import Certification

    count = Certification.objects.count()
    key = Certification.objects.order_by("id").values_list("id", flat=True)[int(count * fraction)]
    return base64.b64encode(f"p={key}".encode()).decode()


def _scans() -> dict[str, dict]:
    """The daily expiry scan: the first one over freshly seeded data (reminders for every
    certification within 90 days of expiry catch up; it runs once, committed, when no
    reminder has been claimed yet), then a normal day (the next day's scan, dry run)."""
    from certification.expiry import expiry_scan_run
    from certification.models import RenewalReminder

    today = timezone.localdate()
    results = {}
    if not RenewalReminder.objects.exists():
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = expiry_scan_run(today=today)
            seconds = time.perf_counter() - started
        results["daily expiry scan, first after seeding (reminders catch up)"] = {
            "seconds": seconds,
            "queries": len(queries),
            "runs": 1,
            "reminders": sum(report.reminders_sent.values()),
        }

    def normal_day() -> int:
        expiry_scan_run(today=today + datetime.timedelta(days=1), dry_run=True)
        return 200

    results["daily expiry scan, a normal day (dry run)"] = _measure(normal_day, 3)
    return results


def measure(runs: int, only: str = "") -> dict:
    from certification.models import Certification

    key, admin, county = _users()
    api = Client(SERVER_NAME=HOST)
    token = {"HTTP_AUTHORIZATION": f"Token {key}"}
    workspace = Client(SERVER_NAME=HOST)
    workspace.force_login(admin)
    public = Client(SERVER_NAME=HOST)
    today = timezone.localdate()
    in_90 = today + datetime.timedelta(days=90)
    some = Certification.objects.order_by("id").values("number", "last_name")[
        Certification.objects.count() // 2
    ]
    county_rows = Certification.objects.filter(issuing_county=county).count()
    deep_workspace_page = max(1, int(county_rows / 25 * 0.75))
    roster = "/api/v1/roster/?page_size=1000"
    base = f"/county/{county.code}"
    cases: dict[str, Callable[[], int]] = {
        "API roster, first page (1,000 rows)": _get(api, roster, **token),
        "API roster, deep page (75 %, cursor)": _get(
            api, f"{roster}&cursor={_deep_roster_cursor()}", **token
        ),
        "API roster, 1-row page": _get(api, "/api/v1/roster/?page_size=1", **token),
        "API roster filtered by name (q)": _get(api, f"{roster}&q={some['last_name']}", **token),
        "API roster filtered by county": _get(api, f"{roster}&county={county.code}", **token),
        "API roster filtered by status (suspended)": _get(
            api, f"{roster}&status=suspended", **token
        ),
        "API roster filtered by expiry range (90 days)": _get(
            api, f"{roster}&expires_after={today}&expires_before={in_90}", **token
        ),
        "API stats": _get(api, "/api/v1/stats/", **token),
        "API counties": _get(api, "/api/v1/counties/", **token),
        "API verify": _get(public, f"/api/v1/verify/{some['number']}/"),
        "public verification page": _get(public, f"/verify/{some['number']}"),
        "county dashboard with its queue (largest county)": _get(workspace, f"{base}/"),
        "county queue filtered (submitted)": _get(workspace, f"{base}/?status=submitted"),
        "county roster page, first": _get(workspace, f"{base}/roster/"),
        f"county roster page, deep (page {deep_workspace_page})": _get(
            workspace, f"{base}/roster/?page={deep_workspace_page}"
        ),
        "county roster filtered by name": _get(workspace, f"{base}/roster/?q={some['last_name']}"),
    }
    full = {
        "API roster CSV (every row)": _get(api, "/api/v1/roster.csv", **token),
        "county roster CSV (largest county)": _get(workspace, f"{base}/roster.csv"),
    }
    results = {label: _measure(run, runs) for label, run in cases.items() if only in label}
    results.update({label: _measure(run, 1) for label, run in full.items() if only in label})
    if "scan" in only or not only:
        results.update(_scans())
    return {
        "certifications": Certification.objects.count(),
        "largest_county": f"{county.name} ({county_rows:,} certifications)",
        "load": Path("/proc/loadavg").read_text().split()[:3],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, PostgreSQL "
        + connection.cursor().connection.info.parameter_status("server_version"),
        "results": results,
    }


def _print(report: dict) -> None:
    _out(
        f"{report['certifications']:,} certifications; largest county {report['largest_county']};"
        f" load {' '.join(report['load'])}; {report['machine']}"
    )
    _out("| read | median | fastest | queries |\n|---|---|---|---|")
    for label, figure in report["results"].items():
        fastest = figure.get("min_seconds", figure["seconds"])
        _out(
            f"| {label} | {figure['seconds'] * 1000:.1f} ms | {fastest * 1000:.1f} ms "
            f"| {figure['queries']} |"
        )


def _compare(before: dict, after: dict) -> None:
    ratio = after["certifications"] / before["certifications"]
    _out(
        f"| read | {before['certifications']:,} | queries | {after['certifications']:,} "
        f"| queries | growth (data ×{ratio:.1f}) |\n|---|---|---|---|---|---|"
    )
    for label, b in before["results"].items():
        a = after["results"].get(label) or after["results"].get(_same_read(label, after))
        if a is None:
            continue
        # The fastest of the runs: the least disturbed by other work on a shared machine.
        b_s, a_s = b.get("min_seconds", b["seconds"]), a.get("min_seconds", a["seconds"])
        _out(
            f"| {label} | {b_s * 1000:.1f} ms | {b['queries']} | "
            f"{a_s * 1000:.1f} ms | {a['queries']} | ×{a_s / b_s:.2f} |"
        )


def _same_read(label: str, report: dict) -> str:
    """The deep county roster page's label names its page number, which depends on size."""
    prefix = label.split(" (page")[0]
    return next((other for other in report["results"] if other.startswith(prefix)), label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--only", help="measure only the reads whose label contains this")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(Path(p).read_text()) for p in args.compare)
        _compare(before, after)
        return
    report = measure(args.runs, args.only or "")
    _print(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

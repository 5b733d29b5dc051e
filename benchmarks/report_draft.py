"""Benchmark the draft of a county's annual program report (issue 17; target: under 10 s for
the largest county at 200,000 certifications).

    DATABASE_URL=postgres://peercert@127.0.0.1:5432/peercert ROW_LEVEL_SECURITY=switch \\
        .venv/bin/python benchmarks/report_draft.py [--certifications 200000] [--histories] \\
        [--runs 3]

Data: `seed_scale` (demo/scale/, seed 7) in the database named by DATABASE_URL, topped up to
N certifications when it holds fewer (with `--histories`, N with their applications, exams
and training). The largest county by certifications (Los Angeles, about a quarter) is
drafted by its administrator, in a transaction acting for them under row-level security as a
request would: `reports.selectors.report_figures` for the latest state fiscal year over, and
for the last two years (the longest period a report may cover). Wall-clock per run; prints a
Markdown table.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from certification.models import Application, Certification  # noqa: E402
from core.rls import rls_context  # noqa: E402
from counties.models import County, CountyMembership  # noqa: E402
from demo.scale import seed_scale  # noqa: E402
from reports import rules  # noqa: E402
from reports.selectors import report_figures  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certifications", type=int, default=200_000)
    parser.add_argument("--histories", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with rls_context(system=True):
        have = Certification.objects.count()
    if have < args.certifications:
        started = time.perf_counter()
        with rls_context(system=True), transaction.atomic():
            seed_scale(args.certifications - have, seed=7, histories=args.histories)
        say(f"seeded {args.certifications - have} in {time.perf_counter() - started:.1f} s")
    with rls_context(system=True):
        county_id = (
            Certification.objects.values("issuing_county")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("issuing_county", flat=True)
            .first()
        )
        county = County.objects.get(pk=county_id)
        total = Certification.objects.count()
        in_county = Certification.objects.filter(issuing_county=county).count()
        applications = Application.objects.filter(county=county).count()
        admin = (
            CountyMembership.objects.filter(county=county, role="admin")
            .select_related("user")
            .first()
        )
    assert admin is not None, f"no administrator in {county}"
    today = timezone.localdate()
    year = rules.last_complete_fiscal_year(today)
    two_years = (year[1] - datetime.timedelta(days=730), year[1])
    say(
        f"{platform.node()}: {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; {total:,} certifications, "
        f"{county.name}: {in_county:,} certifications, {applications:,} applications"
    )
    say("| period | runs (s) | median (s) |")
    say("|---|---|---|")
    for label, (start, end) in (("fiscal year", year), ("two years", two_years)):
        times = []
        for _run in range(args.runs):
            started = time.perf_counter()
            with rls_context(admin.user):
                figures = report_figures(admin.user, county, start, end)
            times.append(time.perf_counter() - started)
        assert figures["county"]["code"] == county.code
        runs = ", ".join(f"{t:.2f}" for t in times)
        say(f"| {label} {start}..{end} | {runs} | {statistics.median(times):.2f} |")


if __name__ == "__main__":
    main()

"""Benchmark of the statewide analytics; figures go to benchmarks/RESULTS.md ("Statewide
analytics").

Run against a database seeded with `manage.py seed_scale --certifications 200000 --histories`
(applications, exams and training behind every certification, so the pipeline and exam charts
have rows to count):

    DATABASE_URL=postgres://.../peercert_bench .venv/bin/python benchmarks/analytics.py

In process, as the system (the hourly refresh) and as state staff (the pages), it measures,
`--runs` times each, median and maximum:

- each chart's computation over every county and the state (`figures_compute`: the set-based
  SQL the hourly refresh runs) and the whole refresh (`figures_refresh`, which also writes the
  snapshots);
- each chart of the state's page as a person waits for it: reading its stored series and the
  enrollment, building the panel, and rendering its SVG with vl-convert (cache cleared
  before each run), and the whole state page with its SVGs in the cache.

It writes only the snapshots (the refresh) and the SVG cache.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def say(text: str) -> None:
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def _timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.utils import timezone

    from accounts.models import User
    from analytics import charts, pages
    from analytics.models import Chart
    from analytics.selectors import figures_compute
    from analytics.services import figures_refresh
    from certification.models import Application, Certification
    from core.rls import rls_context
    from exams.models import ExamAttempt

    today = timezone.localdate()
    with rls_context(system=True):
        counts = (
            Certification.objects.count(),
            Application.objects.count(),
            ExamAttempt.objects.count(),
        )
    say(
        f"{counts[0]:,} certifications, {counts[1]:,} applications, {counts[2]:,} exam attempts; "
        f"{platform.node()}, {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    say("\nComputation (system, every county and the state), seconds: median / max")
    with rls_context(system=True):
        for chart in Chart.values:
            median, worst = _timed(lambda chart=chart: figures_compute(chart, today), args.runs)
            say(f"  {chart:18} {median:.3f} / {worst:.3f}")
        median, worst = _timed(lambda: figures_refresh(today=today), max(1, args.runs // 2))
        say(f"  {'whole refresh':18} {median:.3f} / {worst:.3f}")

    state = User.objects.filter(is_state_staff=True, is_active=True).first()
    if state is None:
        with rls_context(system=True):
            state = User.objects.create(email="bench.state@example.org", is_state_staff=True)
    say("\nA chart of the state's page (state staff; read, build, render SVG), seconds")
    with rls_context(state):
        page = pages.analytics_page(state)
        for panel in page.panels:

            def one(key=panel.key):
                built = pages.analytics_page(state).panel(key)
                charts.svg_from_spec(built.spec, title=built.title, description=built.summary)

            median, worst = _timed(one, args.runs)
            say(f"  {panel.key:18} {median:.3f} / {worst:.3f}")

        def whole_cached():
            built = pages.analytics_page(state)
            pages.render_svgs(built)

        cache.clear()
        whole_cached()
        median, worst = _timed(whole_cached, args.runs)
        say(f"  {'whole page, cached':18} {median:.3f} / {worst:.3f}")
    say(f"\nload average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""Compute the statewide analytics' figures now (beat does it hourly).

manage.py refresh_analytics [--today YYYY-MM-DD]
"""

import datetime
import time

from django.core.management.base import BaseCommand

from analytics.services import figures_refresh
from core.rls import rls_context


class Command(BaseCommand):
    help = "Compute the statewide analytics' figures (every chart, every county and the state)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, today: datetime.date | None, **options):
        started = time.perf_counter()
        with rls_context(system=True):
            written = figures_refresh(today=today)
        self.stdout.write(f"Refreshed {written} series in {time.perf_counter() - started:.2f} s.")

"""`manage.py seed_scale --certifications N [--histories]`: bulk data for benchmarks
(demo/scale/). Each run adds N more; refuses when DEBUG is off."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from demo.scale import seed_scale


class Command(BaseCommand):
    help = "Add N certifications with people, counties, statuses and specializations (bulk)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--certifications", type=int, required=True, metavar="N")
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed, for a reproducible spread."
        )
        parser.add_argument(
            "--histories",
            action="store_true",
            help="Also write the application behind each certification (about ten times slower).",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_scale fills the database with generated people and only runs with "
                "DEBUG on. Do not run it against a production database."
            )
        count = options["certifications"]
        if count < 1:
            raise CommandError("--certifications must be at least 1.")
        started = time.perf_counter()
        with transaction.atomic():
            summary = seed_scale(count, seed=options["seed"], histories=options["histories"])
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{summary} ({elapsed:.1f} s)")

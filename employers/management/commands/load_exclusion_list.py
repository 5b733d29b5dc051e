"""Load an exclusion list file and screen every certified peer against it.

    manage.py load_exclusion_list oig_leie UPDATED.csv
    manage.py load_exclusion_list medi_cal_si suspall.csv

Prints the load's counts and the possible matches found (they wait in the counties' queues).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.rls import rls_context
from employers.models import ExclusionSource
from employers.services.exclusions import exclusion_list_load


class Command(BaseCommand):
    help = "Load the OIG LEIE or the Medi-Cal S&I list from its published CSV and screen peers."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=ExclusionSource.values)
        parser.add_argument("path", type=Path)

    def handle(self, *args, source: str, path: Path, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            with rls_context(system=True):
                load = exclusion_list_load(source=source, data=data, file_name=path.name)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Loaded {load.get_source_display()} from {load.file_name}: {load.rows_read} rows, "
            f"{load.individuals} individuals, {load.entities} entities, "
            f"{load.rows_skipped} skipped. Screened {load.certifications_screened} "
            f"certifications: {load.matches_found} new possible matches."
        )

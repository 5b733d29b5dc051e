"""Load Medi-Cal certified eligibles by county and month from DHCS's published CSV.

    manage.py load_medi_cal_enrollment FILE [--source TEXT] [--dry-run]

Prints what was loaded and every row left out, with its line and reason. `--dry-run` prints
the same and loads nothing. The same file loaded again adds nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analytics.services import DHCS_SOURCE, enrollment_load_plan, enrollment_upload_plan
from core.errors import DomainError
from core.rls import rls_context


class Command(BaseCommand):
    help = "Load Medi-Cal certified eligibles by county and month (DHCS's published CSV)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--source", default=DHCS_SOURCE, help="Who published the figures (shown with them)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file only.")

    def handle(self, *args, path: Path, source: str, dry_run: bool, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            with rls_context(system=True):
                plan = enrollment_upload_plan(
                    actor=None, data=data, file_name=path.name, source=source
                )
                for problem in plan.problems:
                    self.stdout.write(f"line {problem.line}: {problem.problem} ({problem.text})")
                first, last = plan.months
                span = f"{first:%Y-%m} to {last:%Y-%m}" if first and last else "no month"
                if dry_run:
                    self.stdout.write(
                        f"Dry run: {len(plan.rows)} rows would load ({span}), "
                        f"{len(plan.problems)} left out."
                    )
                    return
                load = enrollment_load_plan(actor=None, plan=plan)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Loaded {load.file_name}: {load.rows_loaded} rows ({span}), "
            f"{load.rows_skipped} left out. Load {load.pk}."
        )

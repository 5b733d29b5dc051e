"""`manage.py run_expiry_scan [--today YYYY-MM-DD] [--dry-run]`: the daily expiry scan, run
by an operator. Prints what it did, or with --dry-run what it would do (nothing is kept)."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from certification.expiry import ScanReport, expiry_scan_run
from core.rls import rls_context


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2025-06-30, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Send renewal reminders and move expired applications and certifications on "
        "(expired, vacated). Safe to run more than once a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, help="Run as of this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; change nothing."
        )

    def handle(self, *args, **options) -> None:
        today = options["today"] or timezone.localdate()
        # An operator's command acts for the system behind the wall, like the daily task.
        with rls_context(system=True):
            report = expiry_scan_run(today=today, dry_run=options["dry_run"])
        self._write(report, verbosity=options["verbosity"])

    def _write(self, report: ScanReport, *, verbosity: int) -> None:
        sent, queued, marked = (
            ("would be sent", "would be queued", "would be marked done")
            if report.dry_run
            else ("sent", "queued", "marked done")
        )
        title = f"Expiry scan for {report.today.isoformat()}"
        self.stdout.write(title + (" (dry run: nothing changed)" if report.dry_run else ""))
        changes = [
            ("applications expired", report.applications_expired),
            ("certifications expired", report.certifications_expired),
            ("certifications vacated", report.certifications_vacated),
        ]
        for label, items in changes:
            self.stdout.write(f"  {len(items)} {label}")
            if verbosity >= 2 and items:
                self.stdout.write("    " + ", ".join(str(item) for item in items))
        for days in sorted(report.reminders_sent, reverse=True):
            count = report.reminders_sent[days]
            self.stdout.write(f"  {count} renewal reminders {sent} ({days} days before expiry)")
        if not report.reminders_sent:
            self.stdout.write(f"  0 renewal reminders {sent}")
        if report.reminders_skipped:
            self.stdout.write(
                f"  {report.reminders_skipped} earlier reminders {marked} without an email "
                "(a more urgent one was due)"
            )
        self.stdout.write(
            f"  {report.emails_queued} emails and {report.renders_queued} certificate renders "
            f"{queued}"
        )

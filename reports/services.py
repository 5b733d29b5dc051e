"""Writes of program reports (docs/domain.md#program-reports). Only the county's
administrators start, edit, submit and correct its reports; state staff read them and change
nothing. Each write locks the report row, checks the actor inside the transaction and is
audited."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError, refuse_problems
from counties.models import County
from counties.selectors import ADMIN_ROLES, require_staff
from reports import rules
from reports.documents import report_pdf
from reports.models import ProgramReport, ReportStatus, report_upload_to
from reports.selectors import report_figures

NARRATIVE_MAX_CHARS = 20_000


def _lock(report: ProgramReport) -> ProgramReport:
    return (
        ProgramReport.objects.select_for_update(of=("self",))
        .select_related("county")
        .get(pk=report.pk)
    )


def _audit(actor: User, verb: str, report: ProgramReport, **data) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        obj=report,
        county=report.county,
        to_state=report.status,
        data={
            "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(),
            "version": report.version,
            **data,
        },
    )


def program_report_start(
    *,
    actor: User,
    county: County,
    period_start: datetime.date,
    period_end: datetime.date,
    today: datetime.date | None = None,
) -> ProgramReport:
    """The draft of `county`'s report for the period: a new one, or the draft already there
    (a double click opens the same draft). A period already submitted is refused: its
    correction starts from the submitted version (`program_report_correct`)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        require_staff(actor, county, ADMIN_ROLES)
        refuse_problems(rules.period_problems(period_start, period_end, today), "period_start")
        versions = ProgramReport.objects.filter(
            county=county, period_start=period_start, period_end=period_end
        )
        draft = versions.filter(status=ReportStatus.DRAFT).first()
        if draft is not None:
            return draft
        if versions.exists():
            raise DomainError(
                _(
                    "A report for this period has been submitted. To change it, open it and "
                    "start a correction."
                ),
                code="conflict",
            )
        try:
            with transaction.atomic():
                report = ProgramReport.objects.create(
                    county=county,
                    period_start=period_start,
                    period_end=period_end,
                    created_by=actor,
                )
        except IntegrityError:
            # Another request started the same draft meanwhile: that one.
            return versions.get(status=ReportStatus.DRAFT)
        _audit(actor, "program_report_start", report)
    return report


def program_report_save(
    *,
    actor: User,
    report: ProgramReport,
    plan_changes: str,
    challenges: str,
    what_changed: str = "",
) -> ProgramReport:
    """Save the narrative of a draft (program plan changes, challenges, and for a correction
    what it changes)."""
    with transaction.atomic():
        report = _lock(report)
        require_staff(actor, report.county, ADMIN_ROLES)
        if report.is_submitted:
            raise DomainError(
                _("This version has been submitted and can no longer change."), code="conflict"
            )
        for field, text in (
            ("plan_changes", plan_changes),
            ("challenges", challenges),
            ("what_changed", what_changed),
        ):
            if len(text) > NARRATIVE_MAX_CHARS:
                raise DomainError(
                    _("At most %(n)s characters.") % {"n": f"{NARRATIVE_MAX_CHARS:,}"},
                    field=field,
                )
        report.plan_changes = plan_changes.strip()
        report.challenges = challenges.strip()
        report.what_changed = what_changed.strip() if report.version > 1 else ""
        report.updated_at = timezone.now()
        report.save(update_fields=("plan_changes", "challenges", "what_changed", "updated_at"))
        _audit(actor, "program_report_save", report)
    return report


def program_report_submit(
    *, actor: User, report: ProgramReport, today: datetime.date | None = None
) -> ProgramReport:
    """Freeze the draft: its figures computed from the records now, suppressed, and its PDF,
    both stored and never computed again. Submitting a version already submitted (a double
    click, a retried request) changes nothing and returns it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        report = _lock(report)
        require_staff(actor, report.county, ADMIN_ROLES)
        if report.is_submitted:
            return report
        refuse_problems(rules.submit_problems(report.period_end, today))
        if report.version > 1 and not report.what_changed:
            raise DomainError(
                _("Say what this correction changes before submitting it."),
                field="what_changed",
            )
        figures = report_figures(actor, report.county, report.period_start, report.period_end)
        now = timezone.now()
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by = actor
        report.figures = figures
        pdf = report_pdf(report, figures)
        report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        report.pdf.save(report_upload_to(report, ""), ContentFile(pdf), save=False)
        report.updated_at = now
        report.save(
            update_fields=(
                "status",
                "submitted_at",
                "submitted_by",
                "figures",
                "pdf",
                "pdf_sha256",
                "updated_at",
            )
        )
        _audit(actor, "program_report_submit", report, pdf_sha256=report.pdf_sha256)
    return report


def program_report_correct(*, actor: User, report: ProgramReport) -> ProgramReport:
    """A new draft version correcting the latest submitted one, with its narrative; the draft
    already open when there is one (a double click opens the same)."""
    with transaction.atomic():
        report = _lock(report)
        require_staff(actor, report.county, ADMIN_ROLES)
        versions = ProgramReport.objects.select_for_update().filter(
            county=report.county, period_start=report.period_start, period_end=report.period_end
        )
        latest = versions.order_by("-version").first()
        assert latest is not None
        if not latest.is_submitted:
            return latest
        correction = ProgramReport.objects.create(
            county=latest.county,
            period_start=latest.period_start,
            period_end=latest.period_end,
            version=latest.version + 1,
            plan_changes=latest.plan_changes,
            challenges=latest.challenges,
            created_by=actor,
        )
        _audit(actor, "program_report_correct", correction, corrects=latest.pk)
    return correction

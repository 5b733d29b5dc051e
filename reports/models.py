"""The county program's annual report to DHCS (W&I §14045.14(a)(3)): a draft whose figures
are computed from the records each time it is looked at, and submitted versions whose figures
(JSON) and PDF are stored once and never recomputed. A correction is a new version of the same
county and period that says what changed (docs/domain.md#program-reports)."""

import uuid

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import policy
from core.rls import rls_context


class ReportPolicy(models.Model):
    """Values of the program reports an operator may change in the Django admin (our choice,
    core.policy). A single row (pk=1)."""

    small_count_threshold = models.PositiveSmallIntegerField(
        _("smallest count shown"),
        default=policy.DEFAULT_REPORT_SMALL_COUNT_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Counts from 1 up to below this number, and medians and rates computed from fewer "
            "cases, are shown as suppressed (public health data practice: 11)."
        ),
    )
    due_days = models.PositiveSmallIntegerField(
        _("days after the period a report is due"),
        default=policy.DEFAULT_REPORT_DUE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("The statute sets no date (our choice: 90 days)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report policy")
        verbose_name_plural = _("report policy")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="report_policy_singleton")]

    def __str__(self) -> str:
        return "Report policy"

    @classmethod
    def current(cls) -> "ReportPolicy":
        try:
            return cls.objects.get(pk=1)
        except cls.DoesNotExist:
            with rls_context(system=True, savepoint=False):
                obj, _created = cls.objects.get_or_create(pk=1)
            return obj


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


def report_upload_to(instance: "ProgramReport", filename: str) -> str:
    """A random name outside the static tree: reports are served through access checks."""
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class ProgramReport(models.Model):
    """One version of a county program's report for a period. Version 1 is the report; each
    later version is a correction of the one before, with `what_changed`. A submitted version
    is frozen: its `figures` and `pdf` were stored when it was submitted and a database
    trigger refuses any change to the row."""

    county = models.ForeignKey(
        "counties.County", on_delete=models.PROTECT, related_name="program_reports"
    )
    period_start = models.DateField(_("first day of the period"))
    period_end = models.DateField(_("last day of the period"))
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    plan_changes = models.TextField(_("changes to the program plan"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    what_changed = models.TextField(
        _("what this correction changes"),
        blank=True,
        help_text=_("Required for a correction of a submitted report."),
    )
    figures = models.JSONField(null=True, blank=True)
    pdf = models.FileField(upload_to=report_upload_to, max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "county__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "period_start", "period_end", "version"],
                name="program_report_version_unique",
            ),
            models.UniqueConstraint(
                fields=["county", "period_start", "period_end"],
                condition=Q(status="draft"),
                name="program_report_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="program_report_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="program_report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(figures__isnull=False)
                    & ~Q(pdf="")
                    & Q(submitted_at__isnull=False)
                    & Q(submitted_by__isnull=False)
                ),
                name="program_report_submitted_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(version=1) | Q(status="draft") | ~Q(what_changed=""),
                name="program_report_correction_says_what_changed",
            ),
        ]
        indexes = [
            models.Index(fields=["period_end", "county"], name="program_report_period_idx"),
        ]
        triggers = [
            # Submitted is frozen, whoever writes (the product, a shell, raw SQL).
            pgtrigger.Trigger(
                name="program_report_submitted_frozen",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="submitted"),
                func=(
                    "RAISE EXCEPTION 'A submitted program report is frozen: % is refused "
                    "(a correction is a new version).', TG_OP;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.period_start}–{self.period_end} v{self.version}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

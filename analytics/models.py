"""Medi-Cal enrollment by county and month, loaded by operators from DHCS's published file
(`analytics/enrollment_files.py`), the denominator of "certified peers per 100,000 Medi-Cal
members". Public figures: every page that shows a ratio names the load's source and month.

Each load keeps its own rows; the figures read the latest load (`analytics.selectors`), so a
correction is a new load and the old one stays on record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MediCalEnrollmentLoad(models.Model):
    """One file of Medi-Cal certified eligibles by county and month, loaded by an operator."""

    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Who published the figures and where, as shown beside every ratio."),
    )
    demo = models.BooleanField(
        _("demo figures"),
        default=False,
        help_text=_("Made-up figures loaded by the demo, labelled as such wherever shown."),
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    first_month = models.DateField(null=True, blank=True)
    last_month = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = _("Medi-Cal enrollment load")
        constraints = [
            # A double click or a second run of the same file loads it once.
            models.UniqueConstraint(
                fields=["file_sha256", "source"], name="medi_cal_load_once_per_file"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.loaded_at:%Y-%m-%d})"


class MediCalEnrollment(models.Model):
    """Certified eligibles of one county in one month (the first day of the month)."""

    load = models.ForeignKey(MediCalEnrollmentLoad, on_delete=models.PROTECT, related_name="rows")
    county = models.ForeignKey("counties.County", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    certified_eligibles = models.PositiveIntegerField()

    class Meta:
        ordering = ["county_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["load", "county", "month"], name="medi_cal_enrollment_once_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="medi_cal_enrollment_month_first_day"
            ),
        ]
        indexes = [models.Index(fields=["load", "county", "-month"])]

    def __str__(self) -> str:
        return f"{self.county_id} {self.month:%Y-%m}: {self.certified_eligibles}"


class Chart(models.TextChoices):
    """The series of the analytics pages and API (`analytics.selectors.figures_compute`)."""

    ACTIVE = "active", _("Certified peers per 100,000 Medi-Cal members")
    ACTIVE_OVER_TIME = "active_over_time", _("Certifications active over time")
    FUNNEL = "funnel", _("From application to certification")
    EXAM_BY_PROVIDER = "exam_by_provider", _("Exam pass rate by training provider")
    EXAM_BY_LANGUAGE = "exam_by_language", _("Exam pass rate by language")
    EXPIRATIONS = "expirations", _("Expirations ahead by month")
    RENEWALS = "renewals", _("Renewal rate")
    CE_AUDITS = "ce_audits", _("CE audit results")


class FigureSnapshot(models.Model):
    """One chart's series for one county (`county` empty: the whole state), computed set-based
    by the system (`analytics.services.figures_refresh`, hourly) so a page reads a few rows
    whatever the number of certifications, and county staff can see the state's figures
    beside theirs without reading another county's rows. Counts only: no person in it."""

    chart = models.CharField(max_length=30, choices=Chart.choices)
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField()
    computed_for = models.DateField(help_text=_("The day the figures describe."))
    rows = models.JSONField(default=list)

    class Meta:
        ordering = ["chart", "county_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chart", "county"],
                name="figure_snapshot_once_per_chart_and_county",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(chart__in=[c.value for c in Chart]),
                name="figure_snapshot_chart_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chart} {self.county_id or 'state'} {self.computed_at:%Y-%m-%d %H:%M}"

"""Continuing-education audits: a random sample of certifications whose holders are asked
for the proof of their CE hours."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CeAuditOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class CeAuditConsequence(models.TextChoices):
    """What the county decided after a failed audit (docs/domain.md#ce-audits)."""

    MAKEUP = "makeup", _("Missing hours required by a deadline")
    SUSPENSION = "suspension", _("Certification suspended")


class CeAudit(models.Model):
    """A continuing-education audit of one certification, drawn at random by its issuing
    county (`ce_audits.services`). The holder is asked for proof of the CE hours
    of the cycle from `cycle_start` through `cycle_end`; staff record whether the proof held
    up."""

    county = models.ForeignKey(
        "counties.County", on_delete=models.PROTECT, related_name="ce_audits"
    )
    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="ce_audits"
    )
    cycle_start = models.DateField(_("start of the audited cycle"))
    cycle_end = models.DateField(_("end of the audited cycle"))
    drawn_at = models.DateTimeField(default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=CeAuditOutcome.choices, default="pending"
    )
    outcome_note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # After a failure: the county's consequence. With `makeup`, the hours the peer must
    # complete (verified, completed on or after the failure) by `makeup_due_on`; the daily
    # scan records when they were made up or flags the audit once the deadline passed.
    consequence = models.CharField(
        _("consequence"), max_length=12, choices=CeAuditConsequence.choices, blank=True
    )
    consequence_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consequence_at = models.DateTimeField(null=True, blank=True)
    makeup_total_hours = models.DecimalField(
        _("missing hours"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    makeup_law_and_ethics_hours = models.DecimalField(
        _("of which in law and ethics"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    makeup_due_on = models.DateField(_("deadline"), null=True, blank=True)
    makeup_met_at = models.DateTimeField(null=True, blank=True)
    makeup_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table keeps the name it had when the model lived in `certification`.
        db_table = "certification_ceaudit"
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification"],
                condition=Q(outcome="pending"),
                name="ce_audit_one_open_per_certification",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=CeAuditOutcome.values), name="ce_audit_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(cycle_end__gte=models.F("cycle_start")), name="ce_audit_cycle_ordered"
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_at__isnull=True)
                | (~Q(outcome="pending") & Q(decided_at__isnull=False)),
                name="ce_audit_decided_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(consequence="") | Q(outcome="failed", consequence_at__isnull=False),
                name="ce_audit_consequence_after_failure",
            ),
            models.CheckConstraint(
                condition=~Q(consequence="makeup")
                | Q(
                    makeup_due_on__isnull=False,
                    makeup_law_and_ethics_hours__gte=0,
                    makeup_total_hours__gte=models.F("makeup_law_and_ethics_hours"),
                ),
                name="ce_audit_makeup_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "outcome", "drawn_at"], name="ce_audit_county_idx"),
            models.Index(
                fields=["makeup_due_on"],
                condition=Q(consequence="makeup", makeup_met_at__isnull=True),
                name="ce_audit_makeup_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"CE audit of {self.certification} ({self.get_outcome_display()})"

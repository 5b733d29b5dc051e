"""Complaint cases (docs/domain.md#complaints-and-cases): a complaint, phone call, letter or
confirmed exclusion match that the handling county program (or state staff) investigates,
with its deadlines and a timeline of everything that happened."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import rules


class CaseSource(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    PHONE_LETTER = "phone_letter", _("Phone call or letter")
    EXCLUSION_MATCH = "exclusion_match", _("Exclusion list match")


class CaseCategory(models.TextChoices):
    """The Code of Ethics principles a complaint may concern (DOMAIN.md, "Code of Ethics"),
    grouped, plus fraud in an application and an exclusion from federal or Medi-Cal
    programs."""

    BOUNDARIES = "boundaries", _("Professional boundaries, coercion or imposed values")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality")
    RESPECT = "respect", _("Respect, dignity and cultural responsiveness")
    INTEGRITY = "integrity", _("Integrity and honesty")
    SAFETY = "safety", _("Safety and protection")
    OTHER_ETHICS = "other_ethics", _("Another Code of Ethics principle")
    APPLICATION_FRAUD = "application_fraud", _("Fraud in an application")
    EXCLUSION = "exclusion", _("Excluded from federal or Medi-Cal programs")


class CaseStage(models.TextChoices):
    INTAKE = rules.INTAKE, _("Intake")
    INVESTIGATION = rules.INVESTIGATION, _("Investigation")
    FINDINGS = rules.FINDINGS, _("Findings")
    DECISION = rules.DECISION, _("Decision")
    CLOSED = rules.CLOSED, _("Closed")


class Case(models.Model):
    """One case. `county` is the program that handles it (the county that certified the
    peer); null means state staff handle it. `source_ref` names what opened it when that is a
    record of ours (e.g. "exclusion_match:12"): one case per such record."""

    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certification = models.ForeignKey(
        "certification.Certification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField(_("subject's name"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    source_ref = models.CharField(max_length=80, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=CaseCategory.choices)
    summary = models.TextField(_("summary"))
    stage = models.CharField(
        _("stage"), max_length=15, choices=CaseStage.choices, default=CaseStage.INTAKE
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"))
    acknowledgement_due = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateField()
    extension_reason = models.TextField(blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["resolution_due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_ref"], condition=~Q(source_ref=""), name="case_one_per_source"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=CaseStage.values), name="case_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=CaseSource.values), name="case_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(certification__isnull=False)
                | Q(subject__isnull=False)
                | ~Q(subject_name=""),
                name="case_has_subject",
            ),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True) | ~Q(extension_reason=""),
                name="case_extension_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["county", "stage"], name="case_county_stage_idx")]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.stage})"

    @property
    def is_closed(self) -> bool:
        return self.stage == CaseStage.CLOSED


class CaseEvent(models.Model):
    """One line of a case's timeline (append-only)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20)
    from_stage = models.CharField(max_length=15, blank=True)
    to_stage = models.CharField(max_length=15, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

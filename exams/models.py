"""Certification exam attempts, recorded by hand or imported from the testing vendor."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExamResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    NO_SHOW = "no_show", _("No show")


class ExamSource(models.TextChoices):
    MANUAL = "manual", _("Recorded by hand")
    IMPORT = "import", _("Vendor import")


@pghistory.track()
class ExamAttempt(models.Model):
    """One sitting of the certification exam, for exactly one of:

    - an approved `application` (at most 3 per application: enforced by the service under a
      row lock on the application, core.policy.MAX_EXAM_ATTEMPTS), or
    - the reinstatement of an expired `certification` (docs/domain.md#late-renewal-and-
      reinstatement: a passed exam taken after the expiry date stands in for the refresher
      course), recorded by the issuing county under a row lock on the certification.
    """

    application = models.ForeignKey(
        "certification.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exam_attempts",
    )
    certification = models.ForeignKey(
        "certification.Certification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reinstatement_exam_attempts",
    )
    taken_on = models.DateField(_("exam date"))
    result = models.CharField(_("result"), max_length=10, choices=ExamResult.choices)
    scaled_score = models.PositiveSmallIntegerField(_("scaled score"), null=True, blank=True)
    source = models.CharField(max_length=10, choices=ExamSource.choices, default="manual")
    vendor_reference = models.CharField(_("vendor reference"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_on", "id"]
        constraints = [
            # Unique per application here; per county in `exams.services` (under a lock),
            # never across counties: a refusal would reveal another county's references.
            models.UniqueConstraint(
                fields=["application", "source", "vendor_reference"],
                condition=~Q(vendor_reference=""),
                name="exam_vendor_reference_unique_per_application",
            ),
            models.UniqueConstraint(
                fields=["certification", "source", "vendor_reference"],
                condition=~Q(vendor_reference="") & Q(certification__isnull=False),
                name="exam_vendor_reference_unique_per_certification",
            ),
            # A sitting is for an application or for a reinstatement, never both or neither.
            models.CheckConstraint(
                condition=Q(application__isnull=False, certification__isnull=True)
                | Q(application__isnull=True, certification__isnull=False),
                name="exam_attempt_for_application_or_reinstatement",
            ),
            models.CheckConstraint(
                condition=Q(result__in=ExamResult.values), name="exam_result_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=ExamSource.values), name="exam_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_result_display()} on {self.taken_on}"

"""Fees: what each county program charges (`FeeSchedule`) and every fee due on an application,
an exam sitting, a renewal or a reinstatement (`FeeDue`), with its amount
(docs/domain.md#fees). Payments are not recorded here yet.

This app sits below training and exams (docs/architecture.md#layers): the exam service records
the fee of each sitting, the certification services those of applications and renewals. The
rows a fee belongs to live in those apps and are named here only as string foreign keys.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeeKind(models.TextChoices):
    APPLICATION = "application", _("Application fee")
    EXAM = "exam", _("Exam fee (one sitting)")
    RENEWAL = "renewal", _("Renewal fee")
    LATE = "late", _("Late renewal fee")
    REINSTATEMENT = "reinstatement", _("Reinstatement fee")


# The fees charged on an application (the application itself and each exam sitting) and on a
# renewal row (a renewal, its late fee, a reinstatement).
APPLICATION_FEE_KINDS = (FeeKind.APPLICATION, FeeKind.EXAM)
RENEWAL_FEE_KINDS = (FeeKind.RENEWAL, FeeKind.LATE, FeeKind.REINSTATEMENT)


class FeeSchedule(models.Model):
    """One county program's fees, in US cents. An empty value takes the program's default
    (`counties.ProgramPolicy.fee_*_cents`), so a county sets only what it charges differently.
    Each value is read when a fee falls due: a change applies to fees due from then on."""

    county = models.OneToOneField(
        "counties.County", on_delete=models.PROTECT, related_name="fee_schedule"
    )
    application_cents = models.PositiveIntegerField(
        _("application fee (cents)"), null=True, blank=True
    )
    exam_cents = models.PositiveIntegerField(
        _("exam fee per sitting (cents)"), null=True, blank=True
    )
    renewal_cents = models.PositiveIntegerField(_("renewal fee (cents)"), null=True, blank=True)
    late_cents = models.PositiveIntegerField(_("late renewal fee (cents)"), null=True, blank=True)
    reinstatement_cents = models.PositiveIntegerField(
        _("reinstatement fee (cents)"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["county__name"]
        verbose_name = _("fee schedule")

    def __str__(self) -> str:
        return f"Fees of {self.county}"

    def override(self, kind: str) -> int | None:
        """The county's own amount for `kind`, or None when it takes the program's default."""
        return getattr(self, f"{kind}_cents")


class FeeDue(models.Model):
    """One fee a person owes a county program, with the amount due when it fell due.

    Application fees belong to an application; an exam fee to its sitting (and to the
    application of an applicant's sitting; a reinstatement sitting has none);
    renewal, late and reinstatement fees to a renewal row. Never deleted; a later payment or
    waiver (the fees issue) refers to this row.
    """

    county = models.ForeignKey("counties.County", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fees_due"
    )
    kind = models.CharField(_("fee"), max_length=15, choices=FeeKind.choices)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    application = models.ForeignKey(
        "certification.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fees_due",
    )
    exam_attempt = models.OneToOneField(
        "exams.ExamAttempt", null=True, blank=True, on_delete=models.PROTECT, related_name="fee_due"
    )
    renewal = models.ForeignKey(
        "certification.Renewal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fees_due",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("fee due")
        verbose_name_plural = _("fees due")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FeeKind.values), name="fee_due_kind_valid"),
            # Each fee belongs to exactly what it is charged on.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=FeeKind.APPLICATION,
                        application__isnull=False,
                        exam_attempt__isnull=True,
                        renewal__isnull=True,
                    )
                    | Q(kind=FeeKind.EXAM, exam_attempt__isnull=False, renewal__isnull=True)
                    | Q(
                        kind__in=RENEWAL_FEE_KINDS,
                        application__isnull=True,
                        exam_attempt__isnull=True,
                        renewal__isnull=False,
                    )
                ),
                name="fee_due_belongs_to_its_kind",
            ),
            # Charged once: one application fee per application, one of each renewal fee per
            # renewal (the exam fee is one per sitting through its one-to-one key).
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind=FeeKind.APPLICATION),
                name="fee_due_once_per_application",
            ),
            models.UniqueConstraint(
                fields=["renewal", "kind"],
                condition=Q(renewal__isnull=False),
                name="fee_due_once_per_renewal_kind",
            ),
        ]
        indexes = [models.Index(fields=["county", "created_at"], name="fee_due_county_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_cents / 100:.2f} ({self.person})"

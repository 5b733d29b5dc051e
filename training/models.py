"""Approved training providers and each person's training records with their proof."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.review import ReviewStatus


class Course(models.TextChoices):
    """The core course. A specialization course is named by its area's code
    (`SpecializationArea.code`): the areas are data an operator extends, not a fixed list."""

    CORE_80 = "core_80", _("Core training (80 hours)")


class SpecializationArea(models.Model):
    """An area of specialization: a 40-hour course taken after the core training, added to the
    certification (DOMAIN.md, Areas of specialization). DHCS may add areas, so they are rows
    operators keep in the Django admin (seeded with the four published ones by
    `training.migrations.0004_specialization_areas`). The code is stored on training records
    and certifications and sent by the API: never change it once used; retire an area with
    `offered` instead (its holders keep it)."""

    code = models.SlugField(
        _("code"),
        max_length=30,
        unique=True,
        help_text=_(
            "Lower-case letters, digits and underscores, such as crisis. Stored on training "
            "records and certifications and sent by the API: never change it once used."
        ),
    )
    name = models.CharField(_("name"), max_length=100)
    name_es = models.CharField(_("name in Spanish"), max_length=100)
    offered = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_(
            "New courses in this area can be added. Untick to retire the area: certifications "
            "that hold it keep it."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("area of specialization")
        verbose_name_plural = _("areas of specialization")
        constraints = [
            # The core course's code names no area.
            models.CheckConstraint(
                condition=~Q(code="core_80"), name="specialization_area_code_not_core"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingProvider(models.Model):
    """A training provider as training records name it. Listed by an operator (the approval
    period below), or, for a provider organisation approved through the approval cycles
    (`providers`), approved course by course: its approvals are `course_approvals`, the
    reverse relation of `providers.CourseApproval` (`training.rules.provider_approved_on`)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    approved = models.BooleanField(
        _("approved"),
        default=True,
        help_text=_("Untick to withdraw every approval: nothing from the provider counts."),
    )
    approved_from = models.DateField(_("approved from"), null=True, blank=True)
    approved_until = models.DateField(_("approved until"), null=True, blank=True)
    approved_by_cycles = models.BooleanField(
        _("approved through approval cycles"),
        default=False,
        help_text=_(
            "Only the course approvals of the provider's applications count; the approval "
            "period above is not used."
        ),
    )
    offers_spanish = models.BooleanField(_("offers Spanish-language courses"), default=False)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class TrainingRecord(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records"
    )
    provider = models.ForeignKey(TrainingProvider, on_delete=models.PROTECT, related_name="+")
    # "core_80" or a specialization area's code (checked by `training_record_add`).
    course = models.CharField(_("course"), max_length=30)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    completed_on = models.DateField(_("completion date"))
    certificate = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("certificate of completion"),
    )
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default="pending")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Reported by the provider itself (`providers.Completion`, issue 15): verified at source,
    # with no certificate and no county review; a county reviewer may still reject it.
    reported_at_source = models.BooleanField(_("reported by the provider"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="training_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="training_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_course_display()} – {self.hours} h ({self.person})"

    def get_course_display(self) -> str:
        """The course's name in the active language: the core course, or "Specialization:" and
        the area's name (`training.selectors.course_label`)."""
        from training.selectors import course_label

        return course_label(self.course)

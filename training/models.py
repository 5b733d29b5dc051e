"""Approved training providers and each person's training records with their proof."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.review import ReviewStatus


class Specialization(models.TextChoices):
    """The four areas of specialization, each a 40-hour course after the core training."""

    PARENT_CAREGIVER_FAMILY = "parent_caregiver_family", _("Parent, Caregiver and Family Member")
    CRISIS = "crisis", _("Crisis Services")
    UNHOUSED = "unhoused", _("Unhoused")
    JUSTICE_INVOLVED = "justice_involved", _("Justice-Involved")


class Course(models.TextChoices):
    CORE_80 = "core_80", _("Core training (80 hours)")
    PARENT_CAREGIVER_FAMILY = (
        Specialization.PARENT_CAREGIVER_FAMILY.value,
        _("Specialization: Parent, Caregiver and Family Member"),
    )
    CRISIS = Specialization.CRISIS.value, _("Specialization: Crisis Services")
    UNHOUSED = Specialization.UNHOUSED.value, _("Specialization: Unhoused")
    JUSTICE_INVOLVED = Specialization.JUSTICE_INVOLVED.value, _("Specialization: Justice-Involved")


class TrainingProvider(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    approved = models.BooleanField(_("approved"), default=True)
    approved_from = models.DateField(_("approved from"), null=True, blank=True)
    approved_until = models.DateField(_("approved until"), null=True, blank=True)
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
    course = models.CharField(_("course"), max_length=30, choices=Course.choices)
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
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="training_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(course__in=Course.values), name="training_course_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="training_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_course_display()} – {self.hours} h ({self.person})"

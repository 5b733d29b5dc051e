"""Continuing-education credits logged against a certification's current cycle."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.review import ReviewStatus


class CeCategory(models.TextChoices):
    GENERAL = "general", _("General")
    LAW_AND_ETHICS = "law_and_ethics", _("Law and ethics")


@pghistory.track()
class CeCredit(models.Model):
    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="ce_credits"
    )
    title = models.CharField(_("course title"), max_length=200)
    provider_name = models.CharField(_("provider"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    category = models.CharField(_("category"), max_length=20, choices=CeCategory.choices)
    completed_on = models.DateField(_("completion date"))
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proof of completion"),
    )
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default="pending")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Reported by the provider itself (`providers.Completion`, issue 15): verified at source,
    # with no proof uploaded and no county review; a county reviewer may still reject it.
    reported_at_source = models.BooleanField(_("reported by the provider"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="ce_hours_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="ce_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=CeCategory.values), name="ce_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.hours} h"

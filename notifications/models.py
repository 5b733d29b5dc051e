"""The log of every email the product sends (to whom, which kind, when, outcome)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Failed, will retry")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent: the account is closed")


class EmailLog(models.Model):
    """One email the product sends (to whom, which kind, when, outcome), for support.

    `idempotency_key` (the Celery task id of the send) makes a redelivered task find the row
    and not send twice.
    """

    idempotency_key = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to = models.EmailField(_("to"), blank=True)
    kind = models.CharField(_("kind"), max_length=80)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=EmailStatus.choices)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table keeps the name it had when the model lived in `jobs`.
        db_table = "jobs_emaillog"
        ordering = ["-created_at", "-id"]
        verbose_name = _("email log entry")
        verbose_name_plural = _("email log")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EmailStatus.values), name="emaillog_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="emaillog_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"

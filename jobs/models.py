"""Infrastructure for background work: the outbox of queued tasks and the dead-letter record
of tasks that failed for good.

A bottom app: it imports nothing from the other apps of the project but `core`.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery task to send, written in the caller's transaction by `jobs.services.enqueue`.

    The row commits or rolls back with the change that queued it. After commit it is relayed
    to the broker (at once, and by the periodic sweeper if the broker was down); `sent_at`
    marks it relayed. The task id sent is `task_id` when set (a retried failed job keeps its
    id), else `outbox-<pk>`, so a message relayed twice carries the same id both times.
    `finished_at` marks the task done (succeeded, or failed for good and recorded as a
    FailedJob): a row relayed long ago and still not finished was lost with the broker (a
    Redis restart without persistence) and is relayed again (`jobs.services`).
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox message")
        indexes = [
            models.Index(
                fields=["id"], condition=Q(sent_at__isnull=True), name="outbox_unsent_idx"
            ),
            models.Index(fields=["sent_at"], name="outbox_sent_at_idx"),
            models.Index(
                fields=["sent_at"],
                condition=Q(sent_at__isnull=False, finished_at__isnull=True),
                name="outbox_unfinished_idx",
            ),
            models.Index(fields=["task_id"], condition=~Q(task_id=""), name="outbox_task_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"

    @property
    def celery_task_id(self) -> str:
        return self.task_id or f"outbox-{self.pk}"


class FailedJob(models.Model):
    """Dead letter: a task that exhausted its retries (or failed without retries), kept for
    operators with its error and traceback. One row per task id: a retried job that fails
    again updates its row (`failures` counts the failures)."""

    task_name = models.CharField(max_length=200)
    task_id = models.CharField(max_length=255, unique=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=1)
    auto_retry = models.BooleanField(
        default=False,
        help_text=_("Retried automatically later by the scheduled retry of failed jobs."),
    )
    failed_at = models.DateTimeField(default=timezone.now)
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-failed_at", "-id"]
        verbose_name = _("failed job")
        indexes = [
            models.Index(
                fields=["failed_at"],
                condition=Q(retried_at__isnull=True, auto_retry=True),
                name="failedjob_auto_retry_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} [{self.task_id}]"

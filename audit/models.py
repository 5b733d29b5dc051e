"""The audit trail: append-only events of every state change and staff action.

A bottom app: it names users through `settings.AUTH_USER_MODEL` and counties by string, and
imports no other app of the project.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.triggers import append_only


class AuditEvent(models.Model):
    """Append-only record of every state change and staff action: who (or the system), what,
    on which object, in which county, from which state to which, and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    county = models.ForeignKey(
        "counties.County",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The person the record is about (applicant or peer), when there is one."),
    )
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        # The table keeps the name it had when the model lived in `counties`: the row-level
        # security policies and grants name it.
        db_table = "counties_auditevent"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["county", "created_at"], name="audit_county_time_idx"),
        ]
        # Append-only in the database itself: no code path can rewrite or remove an event.
        triggers = [append_only("audit_append_only")]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type}#{self.object_id}"

    @property
    def is_system(self) -> bool:
        return self.actor_id is None

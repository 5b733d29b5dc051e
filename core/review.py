"""The review of something a person submits as proof (a document, a training record, a CE
credit): pending until county staff verify or reject it."""

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class ReviewStatus(models.TextChoices):
    """Review state of a training record, a CE credit or a document."""

    PENDING = "pending", _("Pending")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def review_decide(
    record: Any,
    *,
    actor: Any,
    to_state: str,
    reason: str,
    refused: str,
    from_states: tuple[str, ...] = (ReviewStatus.PENDING,),
) -> None:
    """Record a reviewer's decision on `record` (a training record or CE credit, re-read under
    a row lock by the calling service, which audits the change): pending (or one of
    `from_states`: a record verified at source may still be rejected) → `to_state`, by
    `actor`, now, with `reason`. A record in another state is refused with `refused`, a message
    naming its current `%(status)s` (someone reviewed it first: a conflict)."""
    if record.status not in from_states:
        raise DomainError(
            refused % {"status": record.get_status_display().lower()}, code="conflict"
        )
    record.status = to_state
    record.reviewed_by = actor
    record.reviewed_at = timezone.now()
    record.reason = reason
    record.save(update_fields=("status", "reviewed_by", "reviewed_at", "reason", "updated_at"))

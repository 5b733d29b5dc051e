"""Writing the audit trail. Every service that changes state calls `audit_record` inside its
transaction, so the change and its audit event commit or roll back together."""

from typing import Any

from django.db import models

from audit.models import AuditEvent


def audit_record(
    *,
    actor,
    verb: str,
    obj: models.Model,
    county=None,
    subject=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. `actor` None means the system (a scheduled job)."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        county=county,
        subject=subject,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )

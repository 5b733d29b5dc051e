"""Reads of the audit trail, scoped to who asks."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import can_read
from audit.models import AuditEvent


def audit_events_for(user: User | AnonymousUser | None) -> QuerySet[AuditEvent]:
    """Audit events `user` may read: state staff all of them; county staff (reviewers and
    administrators) those of their counties, so a reviewer sees an application's timeline;
    everyone else none. Newest first, with actor and county loaded. The county audit-trail
    page itself is for administrators only (workspace/views/audit.py)."""
    if not can_read(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.select_related("actor", "county", "subject").order_by(
        "-created_at", "-id"
    )
    if user.is_state_staff:
        return events
    # The user's memberships through the reverse relation of `counties.CountyMembership`
    # (this app sits below counties and imports nothing of it).
    return events.filter(county_id__in=user.county_memberships.values("county_id"))

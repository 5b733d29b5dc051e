"""Reads of CE audits, scoped to who asks (the access layer,
docs/architecture.md#tenancy).

An audit belongs to the county that drew it (the certification's issuing county): that
county's staff see it, state staff see every one, nobody else sees any (the audited peer is
told by email and answers by logging CE proof, not by reading the audit).
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from ce_audits.models import CeAudit
from counties.selectors import staff_counties


def ce_audits_for(user: User | AnonymousUser | None) -> QuerySet[CeAudit]:
    """The CE audits `user` may see, newest first, with certification and county loaded."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return CeAudit.objects.none()
    audits = CeAudit.objects.select_related("certification", "county", "decided_by")
    if user.is_state_staff:
        return audits
    return audits.filter(county__in=staff_counties(user).values("pk"))


def ce_audit_get(user: User | AnonymousUser | None, pk: int | str) -> CeAudit:
    """One CE audit `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return ce_audits_for(user).get(pk=pk)
    except (CeAudit.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such CE audit.") from exc

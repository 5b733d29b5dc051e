"""Reads of continuing-education credits, scoped to who asks (the access layer,
docs/architecture.md#tenancy).

A CE credit belongs to a certification: its holder sees their own; county staff those of
certifications their counties issued; state staff all; anyone else none.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.selectors import can_read
from continuing_ed.models import CeCredit
from counties.selectors import staff_county_ids


def ce_credits_for(user: User | AnonymousUser | None) -> QuerySet[CeCredit]:
    """The CE credits `user` may see, newest completion first, with their certification
    loaded."""
    if not can_read(user):
        return CeCredit.objects.none()
    credits = CeCredit.objects.select_related("certification")
    if user.is_state_staff:
        return credits
    if county_ids := staff_county_ids(user):
        return credits.filter(
            Q(certification__holder=user) | Q(certification__issuing_county_id__in=county_ids)
        )
    return credits.filter(certification__holder=user)


def ce_credit_get(user: User | AnonymousUser | None, pk: int | str) -> CeCredit:
    """One CE credit `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return ce_credits_for(user).get(pk=pk)
    except (CeCredit.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such CE credit.") from exc

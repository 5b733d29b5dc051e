"""Reads of staff invitations, scoped to who asks: the county's administrators and state
staff see a county's invitations; nobody else sees any."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from counties.models import County, StaffInvitation, StaffRole
from counties.selectors import staff_role


def staff_invitations_for(user: User | AnonymousUser | None, county: County) -> QuerySet:
    """`county`'s pending invitations (neither accepted nor withdrawn; expired ones included,
    the page says so), newest first, if `user` may see them."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return StaffInvitation.objects.none()
    if not user.is_state_staff and staff_role(user, county) != StaffRole.ADMIN:
        return StaffInvitation.objects.none()
    return (
        StaffInvitation.objects.filter(
            county=county, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )

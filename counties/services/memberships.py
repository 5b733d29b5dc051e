"""Writes of county staff membership.

Only an administrator of the county may make these changes; state staff read everything and
write nothing. Every change is audited in the same transaction.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError
from counties.models import County, CountyMembership, StaffRole
from counties.selectors import ADMIN_ROLES, require_staff


def _admin_count(county: County) -> int:
    return CountyMembership.objects.filter(county=county, role=StaffRole.ADMIN).count()


@transaction.atomic
def membership_set(*, actor: User, county: County, user: User, role: str) -> CountyMembership:
    """Give `user` the `role` (reviewer or admin) in `county`, adding or changing their
    membership. Setting the role they already hold changes nothing and records nothing.

    The county row is locked so that concurrent staff changes cannot leave it without an
    administrator: demoting the last administrator is refused (DomainError, conflict).
    PermissionDenied unless `actor` administers `county`.
    """
    if role not in StaffRole.values:
        raise DomainError(_("Choose a role."), field="role")
    county = County.objects.select_for_update().get(pk=county.pk)
    require_staff(actor, county, ADMIN_ROLES)
    if not user.is_active:
        raise DomainError(_("This account is deactivated."), field="user")
    if user.is_state_staff:
        raise DomainError(
            _("State staff read every county and cannot hold a county role."), field="user"
        )
    membership = CountyMembership.objects.filter(county=county, user=user).first()
    if membership is not None and membership.role == role:
        return membership
    previous_role = membership.role if membership else ""
    if previous_role == StaffRole.ADMIN and _admin_count(county) == 1:
        raise DomainError(
            _(
                "%(county)s needs at least one administrator. Make someone else an administrator "
                "first."
            )
            % {"county": county.name},
            code="conflict",
            field="role",
        )
    if membership is None:
        membership = CountyMembership.objects.create(county=county, user=user, role=role)
    else:
        membership.role = role
        membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        verb="membership_set",
        obj=membership,
        county=county,
        subject=user,
        from_state=previous_role,
        to_state=role,
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, county: County, user: User) -> None:
    """Remove `user` from `county`'s staff. Refused (DomainError) when they hold no role
    there, or when they are its last administrator (an administrator cannot leave the county
    without one). PermissionDenied unless `actor` administers `county`."""
    county = County.objects.select_for_update().get(pk=county.pk)
    require_staff(actor, county, ADMIN_ROLES)
    membership = CountyMembership.objects.filter(county=county, user=user).first()
    if membership is None:
        raise DomainError(
            _("%(email)s is not on the staff of %(county)s.")
            % {"email": user.email, "county": county.name},
            code="conflict",
        )
    if membership.role == StaffRole.ADMIN and _admin_count(county) == 1:
        raise DomainError(
            _(
                "%(county)s needs at least one administrator. Make someone else an administrator "
                "first."
            )
            % {"county": county.name},
            code="conflict",
        )
    audit_record(
        actor=actor,
        verb="membership_remove",
        obj=membership,
        county=county,
        subject=user,
        from_state=membership.role,
    )
    membership.delete()

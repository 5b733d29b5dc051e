"""Writes for counties: delivery-system opt-in (with history) and county staff membership.

Only an administrator of the county may make these changes; state staff read everything and
write nothing. Every change is audited in the same transaction.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError
from counties.models import County, CountyMembership, DeliverySystem, OptInPeriod, StaffRole


def _require_county_admin(actor: User | None, county: County) -> None:
    """Raise PermissionDenied unless `actor` is an active administrator of `county`.

    Call inside the transaction, after taking the locks: a membership removed meanwhile by
    another administrator must not keep its power."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    if actor.is_state_staff:
        raise PermissionDenied
    if not CountyMembership.objects.filter(
        user=actor, county=county, role=StaffRole.ADMIN
    ).exists():
        raise PermissionDenied


def _opt_in_state(opted_in: bool | None) -> str:
    if opted_in is None:
        return ""
    return "opted_in" if opted_in else "opted_out"


@transaction.atomic
def county_opt_in_change(
    *,
    actor: User,
    county: County,
    delivery_system: str,
    opted_in: bool,
    effective_from: datetime.date,
    reason: str,
) -> OptInPeriod:
    """Change `county`'s opt-in status for one delivery system from `effective_from` on.

    The open period (locked) is closed the day before `effective_from` and a new open period
    starts; nothing is overwritten. Refused (DomainError) when the delivery system is unknown,
    the reason is empty, the status would not change, or `effective_from` is not after the open
    period's start. PermissionDenied unless `actor` administers `county`.
    """
    if delivery_system not in DeliverySystem.values:
        raise DomainError(_("Choose a delivery system."), field="delivery_system")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the change."), field="reason")
    county = County.objects.select_for_update().get(pk=county.pk)
    _require_county_admin(actor, county)
    current = (
        OptInPeriod.objects.select_for_update()
        .filter(county=county, delivery_system=delivery_system, effective_to__isnull=True)
        .first()
    )
    if current is not None:
        if current.opted_in == opted_in:
            message = (
                _("%(county)s has been opted in for this delivery system since %(date)s.")
                if opted_in
                else _("%(county)s has been opted out of this delivery system since %(date)s.")
            )
            raise DomainError(
                message % {"county": county.name, "date": current.effective_from.isoformat()},
                code="conflict",
                field="opted_in",
            )
        if effective_from <= current.effective_from:
            raise DomainError(
                _("The change must take effect after %(date)s, when the current status began.")
                % {"date": current.effective_from.isoformat()},
                field="effective_from",
            )
        current.effective_to = effective_from - datetime.timedelta(days=1)
        current.save(update_fields=["effective_to"])
    try:
        with transaction.atomic():
            period = OptInPeriod.objects.create(
                county=county,
                delivery_system=delivery_system,
                opted_in=opted_in,
                effective_from=effective_from,
                changed_by=actor,
                reason=reason,
            )
    except IntegrityError as error:
        # Only reachable when there was no open period and someone else opened one at once.
        raise DomainError(
            _("Someone else changed this status first. Reload the page and try again."),
            code="conflict",
        ) from error
    audit_record(
        actor=actor,
        verb="county_opt_in_change",
        obj=period,
        county=county,
        from_state=_opt_in_state(current.opted_in if current else None),
        to_state=_opt_in_state(opted_in),
        reason=reason,
        data={"delivery_system": delivery_system, "effective_from": effective_from.isoformat()},
    )
    return period


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
    _require_county_admin(actor, county)
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
    _require_county_admin(actor, county)
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

"""Writes of a county's delivery-system opt-in, with its history.

Only an administrator of the county may change it; state staff read everything and write
nothing. Every change is audited in the same transaction.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError
from counties.models import County, DeliverySystem, OptInPeriod
from counties.selectors import ADMIN_ROLES, require_staff


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
    require_staff(actor, county, ADMIN_ROLES)
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

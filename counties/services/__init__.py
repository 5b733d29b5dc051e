"""Writes for counties: delivery-system opt-in (with history), county staff membership, staff
invitations and the program's contact details. Import from here:
`from counties.services import membership_set`."""

from counties.services.contact import county_contact_update
from counties.services.invitations import (
    staff_invitation_accept,
    staff_invitation_find,
    staff_invitation_revoke,
    staff_invite,
)
from counties.services.memberships import membership_remove, membership_set
from counties.services.opt_in import county_opt_in_change

__all__ = [
    "county_contact_update",
    "county_opt_in_change",
    "membership_remove",
    "membership_set",
    "staff_invitation_accept",
    "staff_invitation_find",
    "staff_invitation_revoke",
    "staff_invite",
]

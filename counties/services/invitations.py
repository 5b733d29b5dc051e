"""Inviting people to a county's staff by email, and accepting the invitation.

An administrator of the county invites an email address with a role. The email carries a link
with a random token (only its hash is stored). Whoever signs in with that email address and
opens the link joins the county's staff through `counties.services.membership_set`, acting as
the administrator who invited them: if that person is no longer an administrator of the county,
the invitation no longer works. The parts every staff invitation shares (the token, the
reasons one cannot be accepted, the replacement of a pending one, the email) are
`accounts.invitations`'.
"""

import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.invitations import (
    invitation_email_send,
    invitation_token_hash,
    invitation_token_new,
    invitation_token_plausible,
    pending_invitations_withdraw,
)
from accounts.invitations import invitation_problem as shared_invitation_problem
from accounts.models import User
from audit.services import audit_record
from core import policy
from core.errors import DomainError
from core.rls import capability_context
from counties.models import County, CountyMembership, StaffInvitation, StaffRole
from counties.selectors import ADMIN_ROLES, require_staff, staff_role
from counties.services.memberships import membership_set
from notifications.mail import KIND_HEADER


def accept_url(token: str) -> str:
    return settings.SITE_URL + reverse("workspace:invitation_link", args=[token])


def _send_invitation_email(*, invitation_id: int, token: str) -> None:
    """Send the invitation (after commit), in the inviting administrator's language."""
    invitation = StaffInvitation.objects.select_related("county", "invited_by").get(
        pk=invitation_id
    )
    invitation_email_send(
        to=invitation.email,
        template="staff_invitation",
        context={
            "county_name": invitation.county.name,
            "role": invitation.get_role_display(),
            "inviter": invitation.invited_by.get_full_name(),
            "accept_url": accept_url(token),
            "expires_on": timezone.localdate(invitation.expires_at),
            "site_url": settings.SITE_URL,
        },
        headers={KIND_HEADER: "staff_invitation"},
        label=f"staff {invitation_id}",
    )


def staff_invite(
    *, actor: User, county: County, email: str, role: str
) -> tuple[StaffInvitation, str]:
    """Invite `email` to `county`'s staff with `role`, by an administrator of the county.

    A pending invitation of the same address to the same county is replaced (its link stops
    working). Someone already on the county's staff cannot be invited. Returns the invitation
    and its token (the only time the token exists outside the email). The email is sent in
    the inviting administrator's language once the transaction commits.
    """
    require_staff(actor, county, ADMIN_ROLES)
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise DomainError(_("Enter an email address."), field="email")
    if role not in StaffRole.values:
        raise DomainError(_("Choose a role."), field="role")
    if CountyMembership.objects.filter(county=county, user__email__iexact=email).exists():
        raise DomainError(
            _("%(email)s is already on this county's staff.") % {"email": email},
            code="conflict",
            field="email",
        )
    token, token_hash = invitation_token_new()
    now = timezone.now()
    with transaction.atomic():
        replaced = pending_invitations_withdraw(
            StaffInvitation.objects.filter(county=county, email__iexact=email), now=now
        )
        invitation = StaffInvitation.objects.create(
            county=county,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=actor,
            created_at=now,
            expires_at=now + datetime.timedelta(days=policy.STAFF_INVITATION_VALID_DAYS),
        )
        audit_record(
            actor=actor,
            verb="staff_invite",
            obj=invitation,
            county=county,
            to_state=role,
            data={"email": email, "replaced": replaced},
        )
        transaction.on_commit(
            partial(_send_invitation_email, invitation_id=invitation.pk, token=token), robust=True
        )
    return invitation, token


def staff_invitation_find(token: str) -> StaffInvitation | None:
    """The invitation whose link carries `token`, in any state, or None."""
    if not invitation_token_plausible(token):
        return None
    token_hash = invitation_token_hash(token)
    # Behind the wall an invitation opens to its administrators and to its link's hash.
    with capability_context(token_hash):
        return (
            StaffInvitation.objects.select_related("county", "invited_by")
            .filter(token_hash=token_hash)
            .first()
        )


def invitation_problem(invitation: StaffInvitation | None, user: User) -> str | None:
    """Why `user` cannot accept `invitation` now, or None when they can."""
    return shared_invitation_problem(
        invitation,
        user,
        expired_message=_("This invitation has expired. Ask the county for a new one."),
        state_staff_message=_("State staff cannot join a county's staff."),
    )


def staff_invitation_accept(*, user: User, token: str) -> CountyMembership:
    """`user` accepts the invitation `token`: they join the county's staff with the invited
    role (someone already on the staff keeps their current role). Refused with a DomainError
    when the link is unknown, withdrawn, used, expired or for another address."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    token_hash = invitation_token_hash(token or "")
    # The link's hash opens the invitation, and the membership it offers, to the invited
    # person behind the wall (row-level security, SECURITY.md).
    with transaction.atomic(), capability_context(token_hash):
        invitation = (
            StaffInvitation.objects.select_for_update().filter(token_hash=token_hash).first()
        )
        problem = invitation_problem(invitation, user)
        if problem:
            raise DomainError(problem, code="conflict")
        assert invitation is not None  # invitation_problem refuses a missing one
        county = invitation.county
        if staff_role(user, county) is None:
            try:
                membership_set(
                    actor=invitation.invited_by, county=county, user=user, role=invitation.role
                )
            except PermissionDenied:
                raise DomainError(
                    _(
                        "The person who invited you can no longer add staff. "
                        "Ask for a new invitation."
                    ),
                    code="conflict",
                ) from None
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=("accepted_at", "accepted_by"))
        audit_record(
            actor=user,
            verb="staff_invitation_accept",
            obj=invitation,
            county=county,
            subject=user,
            to_state=invitation.role,
        )
        return CountyMembership.objects.get(county=county, user=user)


def staff_invitation_revoke(*, actor: User, invitation: StaffInvitation) -> StaffInvitation:
    """Withdraw a pending invitation, by an administrator of its county. Its link stops
    working."""
    require_staff(actor, invitation.county, ADMIN_ROLES)
    with transaction.atomic():
        invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise DomainError(_("This invitation is no longer pending."), code="conflict")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=("revoked_at",))
        audit_record(
            actor=actor,
            verb="staff_invitation_revoke",
            obj=invitation,
            county=invitation.county,
            data={"email": invitation.email},
        )
    return invitation

"""Employers: signing up, settings, staff invitations and memberships.

Anyone with a (verified) account may register an organisation and becomes its first
administrator. Administrators invite staff by email (a link with a random token whose hash
alone is stored) and remove them; an employer always keeps one administrator. Every change is
audited (no county: employers are not a county's tenants). The parts every staff invitation
shares with a county's (the token, the reasons one cannot be accepted, the replacement of a
pending one, the email) are `accounts.invitations`'.
"""

import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.invitations import (
    invitation_email_send,
    invitation_lock_for_accept,
    invitation_token_hash,
    invitation_token_new,
    invitation_token_plausible,
    invitation_withdraw,
    membership_remove_keeping_an_admin,
    organisation_email_clean,
    organisation_text_clean,
    pending_invitations_withdraw,
)
from accounts.invitations import invitation_problem as shared_invitation_problem
from accounts.models import User
from accounts.selectors import can_read
from audit.services import audit_record
from core.errors import DomainError
from core.rls import rls_context
from employers.models import (
    Employer,
    EmployerInvitation,
    EmployerMembership,
    EmployerRole,
    NoticeMode,
)
from employers.selectors import ADMIN_ROLES, employer_role, require_employer_staff
from notifications.mail import KIND_HEADER

_TEXT_LIMITS = {"name": 200, "contact_name": 150, "contact_email": 254, "contact_phone": 40}


def _clean_text(value: str, *, field: str, required: bool = True) -> str:
    return organisation_text_clean(value, field=field, limit=_TEXT_LIMITS[field], required=required)


def _clean_email(value: str, *, field: str) -> str:
    return organisation_email_clean(value, field=field)


def employer_register(
    *,
    actor: User,
    name: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
) -> Employer:
    """A signed-in person registers an organisation and becomes its first administrator.
    State staff, who change nothing, cannot."""
    if not can_read(actor) or actor.is_state_staff:
        raise PermissionDenied
    fields = {
        "name": _clean_text(name, field="name"),
        "contact_name": _clean_text(contact_name, field="contact_name"),
        "contact_email": _clean_email(contact_email, field="contact_email"),
        "contact_phone": _clean_text(contact_phone, field="contact_phone", required=False),
    }
    with transaction.atomic():
        employer = Employer.objects.create(created_by=actor, **fields)
        EmployerMembership.objects.create(employer=employer, user=actor, role=EmployerRole.ADMIN)
        audit_record(
            actor=actor,
            verb="employer_register",
            obj=employer,
            subject=actor,
            to_state=EmployerRole.ADMIN,
            data={"name": employer.name},
        )
    vars(actor).pop("_employer_ids", None)  # the cache of employers.selectors.employer_ids
    return employer


def employer_settings_save(
    *,
    actor: User,
    employer: Employer,
    notice_mode: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
) -> Employer:
    """An administrator changes the contact and how email notices arrive (at once or one
    daily digest)."""
    require_employer_staff(actor, employer, ADMIN_ROLES)
    if notice_mode not in NoticeMode.values:
        raise DomainError(_("Choose how notices arrive."), field="notice_mode")
    fields = {
        "notice_mode": notice_mode,
        "contact_name": _clean_text(contact_name, field="contact_name"),
        "contact_email": _clean_email(contact_email, field="contact_email"),
        "contact_phone": _clean_text(contact_phone, field="contact_phone", required=False),
    }
    with transaction.atomic():
        employer = Employer.objects.select_for_update().get(pk=employer.pk)
        before = {key: getattr(employer, key) for key in fields}
        for key, value in fields.items():
            setattr(employer, key, value)
        employer.save(update_fields=tuple(fields))
        audit_record(
            actor=actor,
            verb="employer_settings_save",
            obj=employer,
            from_state=before["notice_mode"],
            to_state=notice_mode,
            data={"changed": sorted(k for k, v in fields.items() if before[k] != v)},
        )
    return employer


def _send_invitation(*, invitation_id: int, token: str, language: str) -> None:
    """Email the invitation after commit, in the inviting administrator's language."""
    # After the request's transaction: no user context any more, so act for the system.
    with rls_context(system=True):
        invitation = EmployerInvitation.objects.select_related("employer", "invited_by").get(
            pk=invitation_id
        )
    invitation_email_send(
        to=invitation.email,
        template="employer_invitation",
        context={
            "employer_name": invitation.employer.name,
            "role": invitation.get_role_display(),
            "inviter": invitation.invited_by.get_full_name(),
            "accept_url": settings.SITE_URL
            + reverse("employers_portal:invitation_link", args=[token]),
            "expires_on": timezone.localdate(invitation.expires_at),
        },
        headers={KIND_HEADER: "employer_invitation"},
        language=language,
        label=f"employer {invitation_id}",
    )


def employer_invite(
    *, actor: User, employer: Employer, email: str, role: str
) -> tuple[EmployerInvitation, str]:
    """An administrator invites `email` to the staff with `role`. A pending invitation of the
    same address is replaced; someone already on the staff cannot be invited. Returns the
    invitation and its token (the only time the token exists outside the email)."""
    require_employer_staff(actor, employer, ADMIN_ROLES)
    email = _clean_email(email, field="email")
    if role not in EmployerRole.values:
        raise DomainError(_("Choose a role."), field="role")
    if EmployerMembership.objects.filter(employer=employer, user__email__iexact=email).exists():
        raise DomainError(
            _("%(email)s is already on this organisation's staff.") % {"email": email},
            code="conflict",
            field="email",
        )
    token, token_hash = invitation_token_new()
    now = timezone.now()
    with transaction.atomic():
        replaced = pending_invitations_withdraw(
            EmployerInvitation.objects.filter(employer=employer, email__iexact=email), now=now
        )
        invitation = EmployerInvitation.objects.create(
            employer=employer,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=actor,
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.EMPLOYER_INVITATION_VALID_DAYS),
        )
        audit_record(
            actor=actor,
            verb="employer_invite",
            obj=invitation,
            to_state=role,
            data={"email": email, "replaced": replaced},
        )
        transaction.on_commit(
            partial(
                _send_invitation,
                invitation_id=invitation.pk,
                token=token,
                language=translation.get_language() or settings.LANGUAGE_CODE,
            ),
            robust=True,
        )
    return invitation, token


def invitation_problem(invitation: EmployerInvitation | None, user: User) -> str | None:
    """Why `user` cannot accept `invitation` now, or None."""
    return shared_invitation_problem(
        invitation,
        user,
        expired_message=_("This invitation has expired. Ask the organisation for a new one."),
        state_staff_message=_("State staff cannot join an employer's staff."),
    )


def employer_invitation_find(token: str) -> EmployerInvitation | None:
    """The invitation whose link carries `token` and that `user` may read, or None."""
    if not invitation_token_plausible(token):
        return None
    return (
        EmployerInvitation.objects.select_related("employer")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def employer_invitation_accept(*, user: User, token: str) -> EmployerMembership:
    """`user` accepts invitation `token` and joins the staff with the invited role (a
    member already keeps their role). Refused with a DomainError when the link is unknown,
    withdrawn, used, expired or for another address."""
    if not can_read(user):
        raise PermissionDenied
    with transaction.atomic():
        invitation = invitation_lock_for_accept(
            EmployerInvitation, token, lambda found: invitation_problem(found, user)
        )
        if employer_role(invitation.invited_by, invitation.employer) != EmployerRole.ADMIN:
            raise DomainError(
                _("The person who invited you can no longer add staff. Ask for a new invitation."),
                code="conflict",
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=("accepted_at", "accepted_by"))
        membership, created = EmployerMembership.objects.get_or_create(
            employer=invitation.employer, user=user, defaults={"role": invitation.role}
        )
        audit_record(
            actor=user,
            verb="employer_invitation_accept",
            obj=invitation,
            subject=user,
            to_state=membership.role,
            data={"employer_id": invitation.employer_id, "joined": created},
        )
    vars(user).pop("_employer_ids", None)
    return membership


def employer_invitation_revoke(
    *, actor: User, invitation: EmployerInvitation
) -> EmployerInvitation:
    """An administrator withdraws a pending invitation: its link stops working."""
    require_employer_staff(actor, invitation.employer, ADMIN_ROLES)
    with transaction.atomic():
        invitation = invitation_withdraw(invitation)
        audit_record(
            actor=actor,
            verb="employer_invitation_revoke",
            obj=invitation,
            data={"email": invitation.email},
        )
    return invitation


def employer_membership_remove(*, actor: User, membership: EmployerMembership) -> None:
    """An administrator removes someone from the staff (themself included), never the last
    administrator."""
    require_employer_staff(actor, membership.employer, ADMIN_ROLES)
    with transaction.atomic():
        target = membership_remove_keeping_an_admin(
            EmployerMembership.objects.filter(employer_id=membership.employer_id),
            membership.pk,
            admin_role=EmployerRole.ADMIN,
            last_admin_message=_("An organisation keeps at least one administrator."),
        )
        audit_record(
            actor=actor,
            verb="employer_membership_remove",
            obj=target.employer,
            subject=target.user,
            from_state=target.role,
            data={"membership_id": membership.pk},
        )

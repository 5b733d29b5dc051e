"""Provider organisations: registering one, its profile, staff invitations and memberships.

Reviewers (state staff with `providers.review_providers`) register a provider, either a new one
(its `training.TrainingProvider` row is created, approved through the cycles only) or one
already listed by an operator (its row and approval period are kept), and invite its first
administrator. Administrators invite staff by email and remove them; a provider keeps one
administrator once it has one. Every change is audited. The parts every staff invitation shares
(the token, why one cannot be accepted, replacing a pending one, the email) are
`accounts.invitations`'.
"""

import datetime
from collections.abc import Iterable
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
from counties.models import County
from notifications.mail import KIND_HEADER
from providers.models import (
    CourseLanguage,
    DeliveryMode,
    ProviderInvitation,
    ProviderMembership,
    ProviderOrganisation,
    ProviderRole,
)
from providers.selectors import (
    ADMIN_ROLES,
    is_reviewer,
    provider_policy,
    provider_role,
    require_provider_staff,
    require_reviewer,
)
from training.models import TrainingProvider

_TEXT_LIMITS = {"name": 200, "contact_name": 150, "contact_email": 254, "contact_phone": 40}


def clean_text(value: str, *, field: str, required: bool = True, limit: int | None = None) -> str:
    return organisation_text_clean(
        value, field=field, limit=limit or _TEXT_LIMITS[field], required=required
    )


clean_email = organisation_email_clean


def clean_choices(values: Iterable[str], allowed: list[str], *, field: str) -> list[str]:
    """The chosen values in the order of `allowed`, each once; an unknown one is refused."""
    chosen = set(values or [])
    unknown = chosen - set(allowed)
    if unknown:
        raise DomainError(_("Choose from the list."), field=field)
    return [value for value in allowed if value in chosen]


def provider_register(
    *,
    actor: User,
    name: str = "",
    training_provider: TrainingProvider | None = None,
    contact_name: str = "",
    contact_email: str = "",
) -> ProviderOrganisation:
    """A reviewer registers a provider: a new one by `name` (listed as approved through the
    cycles: nothing from it counts until a course is approved), or the listed
    `training_provider` (its approval period keeps counting). One organisation per listed
    provider."""
    require_reviewer(actor)
    fields = {
        "contact_name": clean_text(contact_name, field="contact_name", required=False),
        "contact_email": clean_email(contact_email, field="contact_email", required=False),
    }
    with transaction.atomic():
        if training_provider is None:
            name = clean_text(name, field="name")
            if TrainingProvider.objects.filter(name__iexact=name).exists():
                raise DomainError(
                    _("A training provider named %(name)s is already listed: choose it instead.")
                    % {"name": name},
                    code="conflict",
                    field="name",
                )
            training_provider = TrainingProvider.objects.create(
                name=name, approved=True, approved_by_cycles=True
            )
        elif ProviderOrganisation.objects.filter(training_provider=training_provider).exists():
            raise DomainError(
                _("%(name)s is already registered.") % {"name": training_provider.name},
                code="conflict",
                field="training_provider",
            )
        provider = ProviderOrganisation.objects.create(
            training_provider=training_provider, created_by=actor, **fields
        )
        audit_record(
            actor=actor,
            verb="provider_register",
            obj=provider,
            data={
                "name": training_provider.name,
                "listed": not training_provider.approved_by_cycles,
            },
        )
    return provider


def provider_profile_save(
    *,
    actor: User,
    provider: ProviderOrganisation,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    statewide: bool = False,
    county_ids: Iterable[int] = (),
    languages: Iterable[str] = (),
    delivery_modes: Iterable[str] = (),
) -> ProviderOrganisation:
    """An administrator changes the provider's profile: contact, counties served (or the whole
    state), languages and delivery modes."""
    require_provider_staff(actor, provider, ADMIN_ROLES)
    fields = {
        "contact_name": clean_text(contact_name, field="contact_name"),
        "contact_email": clean_email(contact_email, field="contact_email"),
        "contact_phone": clean_text(contact_phone, field="contact_phone", required=False),
        "statewide": bool(statewide),
        "languages": clean_choices(languages, CourseLanguage.values, field="languages"),
        "delivery_modes": clean_choices(
            delivery_modes, DeliveryMode.values, field="delivery_modes"
        ),
    }
    try:
        wanted = {int(pk) for pk in county_ids}
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Choose counties from the list."), field="counties") from exc
    counties = list(County.objects.filter(pk__in=wanted))
    if len(counties) != len(wanted):
        raise DomainError(_("Choose counties from the list."), field="counties")
    with transaction.atomic():
        provider = ProviderOrganisation.objects.select_for_update().get(pk=provider.pk)
        before = {key: getattr(provider, key) for key in fields}
        for key, value in fields.items():
            setattr(provider, key, value)
        provider.save(update_fields=(*fields, "updated_at"))
        provider.counties.set(counties)
        audit_record(
            actor=actor,
            verb="provider_profile_save",
            obj=provider,
            data={
                "changed": sorted(k for k, v in fields.items() if before[k] != v),
                "counties": sorted(c.pk for c in counties),
            },
        )
    return provider


def _send_invitation(*, invitation_id: int, token: str, language: str) -> None:
    """Email the invitation after commit, in the inviter's language."""
    with rls_context(system=True):
        invitation = ProviderInvitation.objects.select_related(
            "provider__training_provider", "invited_by"
        ).get(pk=invitation_id)
        policy = provider_policy()
    invitation_email_send(
        to=invitation.email,
        template="provider_invitation",
        context={
            "provider_name": invitation.provider.name,
            "role": invitation.get_role_display(),
            "inviter": invitation.invited_by.get_full_name(),
            "accept_url": settings.SITE_URL
            + reverse("providers_portal:invitation_link", args=[token]),
            "expires_on": timezone.localdate(invitation.expires_at),
            "contact_email": policy.contact_email,
            "contact_phone": policy.contact_phone,
        },
        headers={KIND_HEADER: "provider_invitation"},
        language=language,
        label=f"provider {invitation_id}",
    )


def provider_invite(
    *, actor: User, provider: ProviderOrganisation, email: str, role: str
) -> tuple[ProviderInvitation, str]:
    """An administrator (or a reviewer, for a provider's first administrator) invites `email`
    to the staff with `role`. A pending invitation of the same address is replaced; someone
    already on the staff cannot be invited. Returns the invitation and its token."""
    if not is_reviewer(actor):
        require_provider_staff(actor, provider, ADMIN_ROLES)
    email = clean_email(email, field="email")
    if role not in ProviderRole.values:
        raise DomainError(_("Choose a role."), field="role")
    if ProviderMembership.objects.filter(provider=provider, user__email__iexact=email).exists():
        raise DomainError(
            _("%(email)s is already on this provider's staff.") % {"email": email},
            code="conflict",
            field="email",
        )
    token, token_hash = invitation_token_new()
    now = timezone.now()
    days = provider_policy().invitation_days
    with transaction.atomic():
        replaced = pending_invitations_withdraw(
            ProviderInvitation.objects.filter(provider=provider, email__iexact=email), now=now
        )
        invitation = ProviderInvitation.objects.create(
            provider=provider,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=actor,
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
        audit_record(
            actor=actor,
            verb="provider_invite",
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


def invitation_problem(invitation: ProviderInvitation | None, user: User) -> str | None:
    """Why `user` cannot accept `invitation` now, or None."""
    return shared_invitation_problem(
        invitation,
        user,
        expired_message=_("This invitation has expired. Ask the provider for a new one."),
        state_staff_message=_("State staff cannot join a provider's staff."),
    )


def provider_invitation_find(token: str) -> ProviderInvitation | None:
    if not invitation_token_plausible(token):
        return None
    return (
        ProviderInvitation.objects.select_related("provider__training_provider")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def provider_invitation_accept(*, user: User, token: str) -> ProviderMembership:
    """`user` accepts invitation `token` and joins the staff with the invited role."""
    if not can_read(user):
        raise PermissionDenied
    with transaction.atomic():
        invitation = invitation_lock_for_accept(
            ProviderInvitation, token, lambda found: invitation_problem(found, user)
        )
        inviter = invitation.invited_by
        if not is_reviewer(inviter) and (
            provider_role(inviter, invitation.provider) != ProviderRole.ADMIN
        ):
            raise DomainError(
                _("The person who invited you can no longer add staff. Ask for a new invitation."),
                code="conflict",
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=("accepted_at", "accepted_by"))
        membership, created = ProviderMembership.objects.get_or_create(
            provider=invitation.provider, user=user, defaults={"role": invitation.role}
        )
        audit_record(
            actor=user,
            verb="provider_invitation_accept",
            obj=invitation,
            subject=user,
            to_state=membership.role,
            data={"provider_id": invitation.provider_id, "joined": created},
        )
    vars(user).pop("_provider_ids", None)
    vars(user).pop("_staff_memberships", None)
    return membership


def provider_invitation_revoke(
    *, actor: User, invitation: ProviderInvitation
) -> ProviderInvitation:
    """An administrator withdraws a pending invitation: its link stops working."""
    require_provider_staff(actor, invitation.provider, ADMIN_ROLES)
    with transaction.atomic():
        invitation = invitation_withdraw(invitation)
        audit_record(
            actor=actor,
            verb="provider_invitation_revoke",
            obj=invitation,
            data={"email": invitation.email},
        )
    return invitation


def provider_membership_remove(*, actor: User, membership: ProviderMembership) -> None:
    """An administrator removes someone from the staff (themself included), never the last
    administrator."""
    require_provider_staff(actor, membership.provider, ADMIN_ROLES)
    with transaction.atomic():
        target = membership_remove_keeping_an_admin(
            ProviderMembership.objects.filter(provider_id=membership.provider_id),
            membership.pk,
            admin_role=ProviderRole.ADMIN,
            last_admin_message=_("A provider keeps at least one administrator."),
        )
        audit_record(
            actor=actor,
            verb="provider_membership_remove",
            obj=target.provider,
            subject=target.user,
            from_state=target.role,
            data={"membership_id": membership.pk},
        )

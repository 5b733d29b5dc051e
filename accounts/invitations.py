"""Invitations to join a staff, a county's (counties.services.invitations), an employer's
(employers.services.organisations) or a training provider's (providers.services.organisations):
the parts they share. Each keeps its own model, permissions, audit verbs and email templates;
the link's token (only its SHA-256 is stored), the reasons an invitation cannot be accepted,
the withdrawal of a pending invitation when a newer one replaces it, the email sent after
commit, and for the organisations' staff (employers, providers) the cleaning of the
organisation's contact fields, taking or withdrawing an invitation under a row lock and
removing a member while keeping one administrator, are the same and live here once."""

import datetime
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError

logger = logging.getLogger(__name__)

# A link's token is 43 characters (32 random bytes, base64url); anything much longer is not one.
TOKEN_MAX_CHARS = 100


def invitation_token_hash(token: str) -> str:
    """What is stored of an invitation link's token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_token_new() -> tuple[str, str]:
    """A new link token and its hash."""
    token = secrets.token_urlsafe(32)
    return token, invitation_token_hash(token)


def invitation_token_plausible(token: str) -> bool:
    return bool(token) and len(token) <= TOKEN_MAX_CHARS


def invitation_problem(
    invitation: Any, user: User, *, expired_message: str, state_staff_message: str
) -> str | None:
    """Why `user` cannot accept `invitation` (a StaffInvitation or an EmployerInvitation, or
    None for an unknown link) now, or None when they can. The messages that name the
    organisation are the caller's."""
    if invitation is None:
        return _("This invitation link is not valid.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn or replaced by a newer one.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been accepted.")
    if invitation.expires_at <= timezone.now():
        return expired_message
    if user.email.lower() != invitation.email.lower():
        return _(
            "This invitation was sent to another email address. Sign in with that address "
            "to accept it."
        )
    if user.is_state_staff:
        return state_staff_message
    return None


def pending_invitations_withdraw(invitations: QuerySet, *, now: datetime.datetime) -> list[int]:
    """Withdraw the pending invitations among `invitations` (one organisation, one address),
    locked first; their ids. Called inside the transaction creating the newer invitation."""
    replaced = list(
        invitations.select_for_update()
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .values_list("pk", flat=True)
    )
    invitations.model.objects.filter(pk__in=replaced).update(revoked_at=now)
    return replaced


def invitation_email_send(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str],
    language: str | None = None,
    label: str,
) -> None:
    """Send the invitation email `emails/<template>.{subject.txt,txt,html}` (after commit),
    in `language` (default: the active one). A failure is logged, not raised: the
    administrator sees the invitation pending and may invite again, which sends a new link."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}.subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string(f"emails/{template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers=headers,
        )
        message.attach_alternative(
            render_to_string(f"emails/{template}.html", context), "text/html"
        )
    try:
        message.send()
    except OSError:
        logger.exception("Invitation %s could not be emailed", label)


def organisation_text_clean(value: str, *, field: str, limit: int, required: bool = True) -> str:
    """An organisation's text field (a name, a contact) on one line, spaces collapsed; a
    DomainError on `field` when it is missing, too long or holds a NUL."""
    value = " ".join((value or "").split())
    if "\x00" in value:
        raise DomainError(_("This field holds a character that is not allowed."), field=field)
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > limit:
        raise DomainError(_("Use at most %(count)d characters.") % {"count": limit}, field=field)
    return value


def organisation_email_clean(value: str, *, field: str, required: bool = True) -> str:
    """An email address, trimmed and lower-cased ("" when optional and blank)."""
    value = (value or "").strip().lower()
    if not value and not required:
        return ""
    if "@" not in value or " " in value or len(value) > 254 or "\x00" in value:
        raise DomainError(_("Enter an email address."), field=field)
    return value


def invitation_lock_for_accept(model: type[models.Model], token: str, problem: Any) -> Any:
    """The invitation of `model` whose link carries `token`, locked for the caller's
    transaction; a DomainError (conflict) with `problem(invitation)`'s reason when it cannot be
    accepted."""
    invitation = (
        model._default_manager.select_for_update()
        .filter(token_hash=invitation_token_hash(token or ""))
        .first()
    )
    reason = problem(invitation)
    if reason or invitation is None:
        raise DomainError(reason or _("This invitation link is not valid."), code="conflict")
    return invitation


def invitation_withdraw(invitation: Any) -> Any:
    """Withdraw a pending `invitation` (locked first, inside the caller's transaction): its
    link stops working. A DomainError (conflict) when it is no longer pending."""
    invitation = type(invitation)._default_manager.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise DomainError(_("This invitation is no longer pending."), code="conflict")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=("revoked_at",))
    return invitation


def membership_remove_keeping_an_admin(
    memberships: QuerySet, membership_pk: int, *, admin_role: str, last_admin_message: str
) -> Any:
    """Delete membership `membership_pk` among `memberships` (one organisation's, all locked
    first, inside the caller's transaction) and return it; refused (conflict) when it is gone
    or is the organisation's last administrator."""
    locked = list(memberships.select_for_update().order_by("pk"))
    target = next((m for m in locked if m.pk == membership_pk), None)
    if target is None:
        raise DomainError(_("This person is no longer on the staff."), code="conflict")
    admins = [m for m in locked if m.role == admin_role]
    if target.role == admin_role and len(admins) == 1:
        raise DomainError(last_admin_message, code="conflict")
    target.delete()
    return target

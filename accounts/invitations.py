"""Invitations to join a staff, a county's (counties.services.invitations) or an employer's
(employers.services.organisations): the parts both share. Each keeps its own model,
permissions, audit verbs and email templates; the link's token (only its SHA-256 is stored),
the reasons an invitation cannot be accepted, the withdrawal of a pending invitation when a
newer one replaces it, and the email sent after commit are the same and live here once."""

import datetime
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

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

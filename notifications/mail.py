"""The email backend of the product (settings.EMAIL_BACKEND): every email is logged.

Emails sent by `notifications.tasks.email_send` log themselves (with retries and idempotency) and
carry the LOGGED_HEADER; every other email (django-allauth's verification and password
emails, staff invitations) is logged here as it is handed to the real backend,
settings.EMAIL_DELIVERY_BACKEND (SMTP in production, files under var/mail locally). A
sender may name the kind of its email in the KIND_HEADER.
"""

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from core.rls import rls_context
from notifications.models import EmailLog, EmailStatus

LOGGED_HEADER = "X-Peercert-Email-Log"
KIND_HEADER = "X-Peercert-Kind"
UNNAMED_KIND = "direct"


def _log(messages: Sequence[EmailMessage], *, status: str, error: str = "") -> None:
    # The email log is the system's (closed to others behind row-level security), whoever's
    # request sends the email.
    with rls_context(system=True, savepoint=False):
        _log_rows(messages, status=status, error=error)


def _log_rows(messages: Sequence[EmailMessage], *, status: str, error: str = "") -> None:
    recipients = {m.to[0].lower() for m in messages if m.to}
    users = {
        u.email.lower(): u
        for u in get_user_model().objects.filter(email__in=recipients)  # emails are lower-case
    }
    now = timezone.now()
    EmailLog.objects.bulk_create(
        EmailLog(
            idempotency_key=f"direct-{uuid.uuid4().hex}",
            user=users.get(m.to[0].lower()) if m.to else None,
            to=", ".join(m.to)[:254],
            kind=m.extra_headers.get(KIND_HEADER, UNNAMED_KIND)[:80],
            subject=str(m.subject)[:255],
            status=status,
            attempts=1,
            error=error,
            created_at=now,
            updated_at=now,
            sent_at=now if status == EmailStatus.SENT else None,
        )
        for m in messages
    )


class LoggedEmailBackend(BaseEmailBackend):
    """Hands messages to settings.EMAIL_DELIVERY_BACKEND and logs those not logged yet."""

    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(
            settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self):
        return self.delivery.open()

    def close(self) -> None:
        self.delivery.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        unlogged = [m for m in email_messages if LOGGED_HEADER not in m.extra_headers]
        try:
            sent = self.delivery.send_messages(email_messages) or 0
        except Exception as exc:
            _log(unlogged, status=EmailStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}")
            raise
        if unlogged:
            failed = sent < len(email_messages)
            _log(unlogged, status=EmailStatus.FAILED if failed else EmailStatus.SENT)
        return sent

"""Emails to people about what happened and what to do next.

`notify` is called by services inside their transaction; the email is queued through the
outbox (jobs.services) and sent by the task `notifications.tasks.email_send` only after the
transaction commits (a rolled-back change sends nothing). Templates live in
templates/emails/<kind>.subject.txt, <kind>.txt and <kind>.html and are rendered in the
recipient's preferred language.

Context convention: values are JSON (ids, strings, numbers); a key ending in `_on` holds an
ISO date and reaches the templates as a `datetime.date`, so `{{ expires_on|date }}` formats it
in the recipient's language. `user` and `site_url` are added.
"""

import contextlib
import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from jobs.services import enqueue, enqueue_many
from notifications.mail import KIND_HEADER, LOGGED_HEADER
from notifications.models import EmailLog, EmailStatus

logger = logging.getLogger(__name__)

EMAIL_SEND_TASK = "notifications.tasks.email_send"
# The same task for fan-out, routed to the bulk queue (notifications/tasks.py).
EMAIL_SEND_BULK_TASK = "notifications.tasks.email_send_bulk"


def notify(*, user: User, kind: str, context: dict[str, Any] | None = None) -> None:
    """Queue the email `kind` to `user` once the current transaction commits.

    `context` must be JSON-serialisable (ids, strings, ISO dates): the email is rendered by a
    background task, which re-reads what it needs.
    """
    enqueue(EMAIL_SEND_TASK, user_id=user.pk, kind=kind, context=context or {})


def notify_many(notices: list[tuple[int, str, dict[str, Any]]]) -> int:
    """Queue many emails (user id, kind, context) with one INSERT, for set-based callers such
    as the expiry scan. Same contract as `notify`, on the bulk queue: they never delay an email
    a person is waiting for. Returns the number queued."""
    return enqueue_many(
        EMAIL_SEND_BULK_TASK,
        (
            {"user_id": user_id, "kind": kind, "context": context}
            for user_id, kind, context in notices
        ),
    )


def _template_context(user: User, context: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in context.items():
        if key.endswith("_on") and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = datetime.date.fromisoformat(value)
        values[key] = value
    return {**values, "user": user, "site_url": settings.SITE_URL}


def email_render(*, user: User, kind: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    """The multipart (text and HTML) email `kind` for `user`, in their preferred language."""
    values = _template_context(user, context)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{kind}.subject.txt", values)
        text = render_to_string(f"emails/{kind}.txt", values)
        html = render_to_string(f"emails/{kind}.html", values)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(html, "text/html")
    return message


def email_deliver(
    *,
    user_id: int,
    kind: str,
    context: dict[str, Any],
    idempotency_key: str,
    final_attempt: bool,
) -> EmailLog:
    """Send email `kind` to user `user_id` at most once per `idempotency_key`, and log it.

    The EmailLog row for the key is locked while sending, so a redelivered copy of the same
    task waits and then finds it sent. A transport error (OSError: SMTP, connection) is
    logged as `retrying`, or `failed` when `final_attempt`, and re-raised for the caller to
    retry. Any other error (a missing template) is logged as `failed` and re-raised.
    A worker killed between the SMTP hand-off and commit can still send twice: that boundary
    is outside any transaction.
    """
    failure: Exception | None = None
    with transaction.atomic():
        log, _created = EmailLog.objects.select_for_update().get_or_create(
            idempotency_key=idempotency_key,
            defaults={"kind": kind, "user_id": user_id, "status": EmailStatus.RETRYING},
        )
        if log.status == EmailStatus.SENT:
            logger.info("Email %s already sent (key %s): not sending again", kind, idempotency_key)
            return log
        log.attempts += 1
        log.updated_at = timezone.now()
        try:
            user = User.objects.get(pk=user_id)
            log.to = user.email
            if not user.is_active:
                # A closed account gets no more email (reminders, decisions): logged, not sent.
                log.status = EmailStatus.SKIPPED
                log.save()
                return log
            message = email_render(user=user, kind=kind, context=context)
            log.subject = message.subject[:255]
            message.extra_headers[LOGGED_HEADER] = idempotency_key
            message.extra_headers[KIND_HEADER] = kind
            message.send()
        except OSError as exc:  # SMTP and connection errors: worth retrying
            failure = exc
            log.status = EmailStatus.FAILED if final_attempt else EmailStatus.RETRYING
            log.error = f"{exc.__class__.__name__}: {exc}"[:5000]
        except Exception as exc:  # a bug or missing template: retrying will not help
            failure = exc
            log.status = EmailStatus.FAILED
            log.error = f"{exc.__class__.__name__}: {exc}"[:5000]
        else:
            log.status = EmailStatus.SENT
            log.sent_at = log.updated_at
            log.error = ""
        log.save()
    if failure is not None:
        raise failure
    return log

"""Email sending: bounded retries with exponential backoff, then the dead letter."""

from typing import Any

from celery import shared_task

from core.outage import DEPENDENCY_ERRORS
from notifications.services import email_deliver

EMAIL_MAX_RETRIES = 5


@shared_task(
    bind=True,
    autoretry_for=(OSError, *DEPENDENCY_ERRORS),
    max_retries=EMAIL_MAX_RETRIES,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_failed_later=True,
    ignore_result=True,
)
def email_send(self, user_id: int, kind: str, context: dict[str, Any]) -> None:
    """Send email `kind` to user `user_id`. Idempotent per task id (a redelivered or
    relayed-twice message sends once). SMTP and connection errors, and PostgreSQL or Redis
    restarting, are retried up to EMAIL_MAX_RETRIES times, 30 s, 60 s, 120 s... apart; after
    the last one the email is logged as failed and a FailedJob is recorded, which the
    scheduled retry picks up later."""
    email_deliver(
        user_id=user_id,
        kind=kind,
        context=context,
        idempotency_key=self.request.id,
        final_attempt=self.request.retries >= self.max_retries,
    )

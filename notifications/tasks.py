"""Email sending: bounded retries with exponential backoff, then the dead letter.

One task under two names: `email_send` for an email a person is waiting for (the
`interactive` queue) and `email_send_bulk` for fan-out such as the expiry scan's reminders
(the `bulk` queue), so a mass mailing never delays a single email (CELERY_TASK_ROUTES in
config/settings.py). A failed bulk email keeps its name, so even its retries stay bulk.
"""

from typing import Any

from celery import Task, shared_task

from core.outage import DEPENDENCY_ERRORS
from notifications.services import email_deliver

EMAIL_MAX_RETRIES = 5

_EMAIL_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "autoretry_for": (OSError, *DEPENDENCY_ERRORS),
    "max_retries": EMAIL_MAX_RETRIES,
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "retry_failed_later": True,
    "ignore_result": True,
}


def _email_send(task: Task, user_id: int, kind: str, context: dict[str, Any]) -> None:
    """Send email `kind` to user `user_id`. Idempotent per task id (a redelivered or
    relayed-twice message sends once). SMTP and connection errors, and PostgreSQL or Redis
    restarting, are retried up to EMAIL_MAX_RETRIES times, 30 s, 60 s, 120 s... apart; after
    the last one the email is logged as failed and a FailedJob is recorded, which the
    scheduled retry picks up later."""
    email_deliver(
        user_id=user_id,
        kind=kind,
        context=context,
        idempotency_key=task.request.id,
        final_attempt=task.request.retries >= task.max_retries,
    )


email_send = shared_task(name="notifications.tasks.email_send", **_EMAIL_TASK_OPTIONS)(_email_send)
email_send_bulk = shared_task(name="notifications.tasks.email_send_bulk", **_EMAIL_TASK_OPTIONS)(
    _email_send
)

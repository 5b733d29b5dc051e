"""Emails to people about what happened and what to do next.

`notify` is called by services inside their transaction; the email is queued only after the
transaction commits (a rolled-back change sends nothing). Templates live in
templates/emails/<kind>.subject.txt, <kind>.txt and <kind>.html and are rendered in the
recipient's preferred language.
"""

from typing import Any

from accounts.models import User
from config.jobs import enqueue


def notify(*, user: User, kind: str, context: dict[str, Any] | None = None) -> None:
    """Queue the email `kind` to `user` once the current transaction commits.

    `context` must be JSON-serialisable (ids, strings, ISO dates): the email is rendered by a
    background task, which re-reads what it needs.
    """
    enqueue("accounts.tasks.email_send", user_id=user.pk, kind=kind, context=context or {})

"""Queueing background work from services.

`enqueue` is called inside a service's transaction. It writes an outbox row in that
transaction (jobs.services): the task is sent only if the transaction commits, and it is
sent even when the broker is down at that moment (the sweeper relays it later).
"""

from collections.abc import Iterable
from typing import Any

from jobs.services import outbox_enqueue, outbox_enqueue_many


def enqueue(task_name: str, **kwargs: Any) -> None:
    """Queue Celery task `task_name` with keyword arguments (ids and plain values, JSON) to
    run after the current transaction commits. The task may run more than once (brokers
    redeliver): it must be idempotent."""
    outbox_enqueue(task_name=task_name, kwargs=kwargs)


def enqueue_many(task_name: str, kwargs_list: Iterable[dict[str, Any]]) -> int:
    """Queue `task_name` once per kwargs dict, with one INSERT (set-based callers such as the
    expiry scan). Returns the number queued."""
    return outbox_enqueue_many((task_name, kwargs) for kwargs in kwargs_list)

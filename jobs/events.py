"""Domain events on the outbox: a lower app announces what happened; upper apps subscribe.

Why: the certification services must tell employers (an app above them, which they may not
import) the moment a certification changes, never before the change commits and never losing
it. So a service calls `event_publish(topic, events)` inside its transaction: one outbox row
per subscribed task is written with the change (`jobs.services.outbox_enqueue`), relayed on
commit, and swept later if the broker was down. A subscriber registers its Celery task in its
`AppConfig.ready()` with `event_subscribe(topic, task_name)`; the task receives
`events=[...]` (a list, so a set-based publisher such as the expiry scan sends thousands in a
few messages) and must be idempotent per event `id` (brokers deliver twice).

An event is a JSON dict: `{"id": <uuid>, "type": <topic-specific type>, "occurred_at": <ISO
8601>, ...}` (`event_new`). Topics and their fields are listed in docs/CONTRACTS.md.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from jobs.services import outbox_enqueue

# Events per outbox message: a mass change (the nightly expiry scan) travels in messages of
# this many events, each well under a megabyte.
EVENTS_PER_MESSAGE = 1000

_subscribers: dict[str, list[str]] = defaultdict(list)


def event_subscribe(topic: str, task_name: str) -> None:
    """Have Celery task `task_name` receive every event published on `topic` (call from an
    `AppConfig.ready()`; idempotent)."""
    if task_name not in _subscribers[topic]:
        _subscribers[topic].append(task_name)


def event_subscribers(topic: str) -> list[str]:
    return list(_subscribers.get(topic, ()))


def event_new(event_type: str, *, occurred_at=None, event_id: str | None = None, **data: Any):
    """An event dict with a fresh id (or `event_id`, for events whose identity is known in
    advance) and the time it happened (default: now)."""
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": event_type,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        **data,
    }


def event_publish(topic: str, events: Sequence[dict[str, Any]]) -> int:
    """Queue `events` for every subscriber of `topic`, in the current transaction (sent on
    commit). Returns the number of outbox messages written (0 without subscribers)."""
    written = 0
    for task_name in event_subscribers(topic):
        for start in range(0, len(events), EVENTS_PER_MESSAGE):
            chunk = list(events[start : start + EVENTS_PER_MESSAGE])
            outbox_enqueue(task_name=task_name, kwargs={"topic": topic, "events": chunk})
            written += 1
    return written

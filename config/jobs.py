"""Queueing background work from services.

`enqueue` is called inside a service's transaction and sends the task only after commit.
"""

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task_name: str, **kwargs: Any) -> None:
    """Send Celery task `task_name` with keyword arguments (ids and plain values) on commit."""

    def send() -> None:
        from config.celery import app

        app.send_task(task_name, kwargs=kwargs)

    transaction.on_commit(send)

"""A task only the test workers load (`celery worker -I tests.jobs.worker_tasks`): it does
half its work, then on its first delivery blocks until the test kills the worker."""

import os
import time
from pathlib import Path

from celery import shared_task

from certification.certificates import certificate_render
from notifications.services import email_deliver


@shared_task(bind=True, name="tests.jobs.render_then_block")
def render_then_block(
    self, certification_id: int, user_id: int, context: dict, marker: str
) -> None:
    """Render the wall certificate and email the holder, then (first delivery only) write
    `marker` and sleep until killed; finally render the remaining certificate kinds.
    Redelivered, it redoes everything: the idempotent services must make it count once."""
    certificate_render(certification_id=certification_id, kinds=["wall"])
    email_deliver(
        user_id=user_id,
        kind="certification_expired",
        context=context,
        idempotency_key=self.request.id,
        final_attempt=False,
    )
    first_delivery = Path(marker)
    if not first_delivery.exists():
        # Tell the test who is running it: the worker's node name and the pool process id.
        first_delivery.write_text(f"{self.request.hostname} {os.getpid()}")
        time.sleep(120)
    certificate_render(certification_id=certification_id)


@shared_task(name="tests.jobs.always_fails")
def always_fails(reason: str) -> None:
    """Fails without retries: its failure is recorded as a FailedJob."""
    raise ValueError(reason)

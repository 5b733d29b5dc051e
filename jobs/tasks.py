"""Periodic infrastructure tasks (scheduled in config/celery.py)."""

from celery import shared_task

from jobs import services


@shared_task(ignore_result=True)
def outbox_relay() -> int:
    """Relay unsent outbox rows to the broker; returns how many were sent."""
    return services.outbox_relay().sent


@shared_task(ignore_result=True)
def failed_jobs_retry() -> int:
    """Queue again the failed jobs due for an automatic retry (emails)."""
    return services.failed_jobs_retry_due()


@shared_task(ignore_result=True)
def outbox_prune() -> int:
    """Delete relayed outbox rows past their retention."""
    return services.outbox_prune()

from celery import shared_task

from analytics.services import figures_refresh


@shared_task(ignore_result=True)
def figures_refresh_hourly() -> int:
    """Beat, hourly: the analytics pages' figures (idempotent: each run overwrites them)."""
    return figures_refresh()

"""Background tasks of cases: thin wrappers that take plain values and call a service.
Idempotent: the broker may deliver a message twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from cases.services import case_decisions_scan as decisions_scan


@shared_task(ignore_result=True)
def case_decisions_scan(today: str | None = None) -> dict[str, int]:
    """The daily follow-up of case decisions (beat): corrective actions met or overdue,
    suspensions decided until a date ended. For `today` (ISO date; default: the local date).
    Returns counts for the worker log."""
    on = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return decisions_scan(today=on)

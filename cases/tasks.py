"""Background tasks of cases: thin wrappers that take plain values and call a service.
Idempotent: the broker may deliver a message twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from cases.services import case_deadlines_scan as deadlines_scan
from cases.services import case_decisions_scan as decisions_scan
from cases.services import complaint_acknowledgement_send
from core.outage import DEPENDENCY_ERRORS


@shared_task(ignore_result=True)
def case_decisions_scan(today: str | None = None) -> dict[str, int]:
    """The daily follow-up of case decisions (beat): corrective actions met or overdue,
    suspensions decided until a date ended. For `today` (ISO date; default: the local date).
    Returns counts for the worker log."""
    on = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return decisions_scan(today=on)


@shared_task(
    name="cases.tasks.complaint_acknowledgement_send",
    ignore_result=True,
    retry_failed_later=True,
    autoretry_for=(OSError, *DEPENDENCY_ERRORS),
    max_retries=5,
    retry_backoff=30,
    retry_backoff_max=1800,
)
def complaint_acknowledgement_send_task(complaint_id: int) -> bool:
    """Email the complainant their acknowledgement (`complaint_acknowledgement_send`);
    mail server and connection errors are retried, 30 s, 60 s, 120 s... apart."""
    return complaint_acknowledgement_send(complaint_id=complaint_id)


@shared_task(ignore_result=True)
def case_deadlines_scan(today: str | None = None) -> dict[str, int]:
    """The daily deadline emails of cases (beat): warnings before the acknowledgement and
    resolution deadlines and notices once missed, each once. For `today` (ISO date; default:
    the local date). Returns counts for the worker log."""
    on = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return deadlines_scan(today=on)

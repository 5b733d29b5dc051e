"""Background tasks of CE audits: thin wrappers that take plain values and call a service.
Idempotent: the broker may deliver a message twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from ce_audits.services import ce_audit_makeup_scan as makeup_scan


@shared_task(ignore_result=True)
def ce_audit_makeup_scan(today: str | None = None) -> dict[str, int]:
    """The daily follow-up of hours required after failed CE audits (beat), for `today` (ISO
    date; default: the local date). Returns counts for the worker log."""
    on = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return makeup_scan(today=on)

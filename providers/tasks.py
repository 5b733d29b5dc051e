"""Background tasks of the provider services: thin wrappers over services, idempotent (each
announcement and each lapse notice is marked once sent)."""

import datetime

from celery import shared_task
from django.utils import timezone

from providers.services import approval_cycles_announce, approval_lapse_notices_send


@shared_task(ignore_result=True)
def provider_daily(today: str | None = None) -> dict[str, int]:
    """Every day (beat): announce the cycles opening today, and tell providers of approvals
    ending within the notice days (60 by default)."""
    on = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return {
        "cycle_emails": approval_cycles_announce(on),
        "lapse_emails": approval_lapse_notices_send(on),
    }

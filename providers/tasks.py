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


@shared_task(ignore_result=True)
def completions_import_commit(token: str, user_id: int, provider_id: int) -> int:
    """One step of a large completions upload (`providers.imports.commit_in_background`)."""
    from providers import imports

    return imports.commit_in_background(token=token, user_id=user_id, provider_id=provider_id)

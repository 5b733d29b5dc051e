"""Background tasks of the employer services: thin wrappers that take ids and call a
service. All are idempotent (events recorded once per id; deliveries claimed)."""

import datetime
from typing import Any

from celery import shared_task
from django.utils import timezone

from employers.services import exclusions, notices, webhooks


@shared_task(ignore_result=True)
def registry_events_receive(topic: str, events: list[dict[str, Any]]) -> dict[str, int]:
    """Subscriber of `certification.changed` (`employers.apps`): record and fan out."""
    return notices.registry_events_record(events)


@shared_task(ignore_result=True, acks_late=True)
def webhook_deliver(delivery_id: int) -> bool:
    """One attempt at a webhook delivery, if it is due."""
    return webhooks.webhook_delivery_attempt(delivery_id=delivery_id) is not None


@shared_task(ignore_result=True)
def webhook_retries_queue() -> int:
    """Every minute (beat): queue the deliveries whose retry is due."""
    return webhooks.webhook_retries_queue()


@shared_task(ignore_result=True)
def employer_daily(today: str | None = None) -> dict[str, int]:
    """Every day (beat): "expires in 60/30 days" notices, the digests, failing endpoints,
    and the screening of new certifications against the latest exclusion lists."""
    on = datetime.date.fromisoformat(today) if today else timezone.localdate()
    report = notices.registry_events_record(notices.expiry_notice_events(today=on))
    report["digests"] = notices.digests_send()
    report["endpoints_disabled"] = webhooks.webhook_endpoints_check()
    run = exclusions.exclusion_screen_new(today=on)
    report["exclusion_matches"] = run.matches_found if run else 0
    return report

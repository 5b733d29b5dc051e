"""With a real Celery worker: a suspension committed in the county workspace reaches the
employer's webhook receiver signed; a receiver that is down gets the event later, when the
retry falls due (beat's `webhook_retries_queue`)."""

import pytest
from django.conf import settings
from django.db.models import F
from standardwebhooks.webhooks import Webhook

from certification import services as certification_services
from config.celery import app
from employers.models import WebhookDelivery
from employers.services import webhooks
from tests.employers.receiver import Receiver, free_port, receiver_running
from tests.jobs.worker import wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_receiver_that_is_down_gets_the_event_later(cast, employers, celery_worker, broker_queue):
    receiver = Receiver(port=free_port())
    endpoint = webhooks.webhook_endpoint_create(
        actor=employers.boss, employer=employers.bayview, url=receiver.url
    )
    certification_services.certification_suspend(
        actor=cast.reviewer, certification=employers.reyes, reason="Complaint upheld."
    )
    # The receiver is down: the worker's first attempt is refused and scheduled again.
    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(status="retrying", attempts=1).first(),
        what="the first, failed attempt",
    )
    assert delivery.event_type == "certification.suspended"
    with receiver_running(receiver):
        # Beat queues due retries every minute; the first retry is due after the first delay
        # (5 seconds, plus up to 10 % jitter). Rather than wait for it, the test moves the
        # delivery's due time back by that delay: beat's task then finds it due.
        delay = delivery.next_attempt_at - delivery.last_attempt_at
        first = settings.EMPLOYER_WEBHOOK_RETRY_DELAYS[0]
        assert first <= delay.total_seconds() <= first * 1.1
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=F("next_attempt_at") - delay,
            last_attempt_at=F("last_attempt_at") - delay,
        )
        app.send_task("employers.tasks.webhook_retries_queue")
        wait_for(lambda: receiver.requests, what="the retried delivery")
    [received] = receiver.requests
    payload = Webhook(endpoint.secret).verify(received.body, received.headers)
    assert payload["data"]["certification_number"] == employers.reyes.number
    assert received.headers["webhook-id"] == delivery.message_id
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 204)

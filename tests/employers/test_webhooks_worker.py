"""With a real Celery worker: a suspension committed in the county workspace reaches the
employer's webhook receiver signed; a receiver that is down gets the event later, when the
retry falls due (beat's `webhook_retries_queue`)."""

import time

import pytest
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
        # Beat queues due retries every minute; the first retry is due after 5 seconds.
        delay = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
        time.sleep(max(0.0, delay) + 0.5)
        app.send_task("employers.tasks.webhook_retries_queue")
        wait_for(lambda: receiver.requests, what="the retried delivery")
    [received] = receiver.requests
    payload = Webhook(endpoint.secret).verify(received.body, received.headers)
    assert payload["data"]["certification_number"] == employers.reyes.number
    assert received.headers["webhook-id"] == delivery.message_id
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 204)

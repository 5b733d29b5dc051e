"""Webhooks as a receiver meets them: a real HTTP server on 127.0.0.1 receives each event and
verifies it with the `standardwebhooks` library, as a receiver would; failures are logged and
retried with backoff; an endpoint failing for 3 days is disabled and its administrators are
emailed; "send again" and the test event."""

import datetime
import json

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from core.errors import DomainError
from employers.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from employers.services import notices, webhooks
from jobs.models import OutboxMessage
from tests.employers.receiver import Receiver, free_port, receiver_running

pytestmark = pytest.mark.django_db


def _endpoint(employers, receiver) -> WebhookEndpoint:
    return webhooks.webhook_endpoint_create(
        actor=employers.boss, employer=employers.bayview, url=receiver.url, description="HR"
    )


def _suspension_delivery(employers) -> WebhookDelivery:
    notices.registry_events_record(
        [
            {
                "id": "3b7e4c1e-0000-4000-8000-000000000001",
                "type": "certification.suspended",
                "kind": "suspended",
                "certification_id": employers.reyes.pk,
                "number": employers.reyes.number,
                "previous_status": "active",
                "status": "suspended",
                "expires_on": employers.reyes.expires_on.isoformat(),
                "occurred_at": timezone.now().isoformat(),
            }
        ]
    )
    return WebhookDelivery.objects.get()


def test_a_receiver_verifies_the_event_with_the_standard_webhooks_library(employers):
    receiver = Receiver(port=free_port())
    endpoint = _endpoint(employers, receiver)
    assert endpoint.secret.startswith("whsec_")
    delivery = _suspension_delivery(employers)
    with receiver_running(receiver):
        attempt = webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
    assert (attempt.succeeded, attempt.status_code) == (True, 204)
    [received] = receiver.requests
    payload = Webhook(endpoint.secret).verify(received.body, received.headers)
    assert payload["type"] == "certification.suspended"
    assert payload["data"]["certification_number"] == employers.reyes.number
    assert received.headers["webhook-id"] == delivery.message_id
    # A changed byte, another secret, or an old timestamp: refused by the receiver.
    tampered = received.body.replace(b"suspended", b"active")
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(tampered, received.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.webhook_secret_new()).verify(received.body, received.headers)
    stale = {**received.headers, "webhook-timestamp": str(int(timezone.now().timestamp()) - 3600)}
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(received.body, stale)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 204)
    # Already delivered: a second copy of the task sends nothing.
    assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk) is None
    assert len(receiver.requests) == 1


def test_failures_are_logged_and_retried_with_growing_delays(employers):
    receiver = Receiver(port=free_port(), status=500)
    endpoint = _endpoint(employers, receiver)
    delivery = _suspension_delivery(employers)
    now = timezone.now()
    with receiver_running(receiver):
        attempt = webhooks.webhook_delivery_attempt(delivery_id=delivery.pk, now=now)
    assert (attempt.succeeded, attempt.status_code, attempt.error) == (False, 500, "HTTP 500")
    delivery.refresh_from_db()
    assert delivery.status == "retrying"
    first_delay = (delivery.next_attempt_at - now).total_seconds()
    delays = settings.EMPLOYER_WEBHOOK_RETRY_DELAYS
    assert delays[0] <= first_delay <= delays[0] * 1.1
    # Not due yet: nothing is sent; the retry queue picks it up once due.
    assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk, now=now) is None
    assert webhooks.webhook_retries_queue(now=now) == 0
    later = delivery.next_attempt_at + datetime.timedelta(seconds=1)
    assert webhooks.webhook_retries_queue(now=later) == 1
    # The receiver is down now: connection refused, logged without a status code.
    attempt = webhooks.webhook_delivery_attempt(delivery_id=delivery.pk, now=later)
    assert attempt.status_code is None and "ConnectionError" in attempt.error
    delivery.refresh_from_db()
    second_delay = (delivery.next_attempt_at - later).total_seconds()
    assert second_delay >= settings.EMPLOYER_WEBHOOK_RETRY_DELAYS[1]
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2
    endpoint.refresh_from_db()
    assert endpoint.failing_since == now and endpoint.enabled


def test_an_endpoint_failing_for_three_days_is_disabled_and_its_owner_emailed(employers):
    receiver = Receiver(port=free_port())
    endpoint = _endpoint(employers, receiver)
    delivery = _suspension_delivery(employers)
    start = timezone.now()
    webhooks.webhook_delivery_attempt(delivery_id=delivery.pk, now=start)
    delivery.refresh_from_db()
    disable_after = datetime.timedelta(days=settings.EMPLOYER_WEBHOOK_DISABLE_AFTER_DAYS)
    almost = start + disable_after - datetime.timedelta(minutes=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=almost)
    webhooks.webhook_delivery_attempt(delivery_id=delivery.pk, now=almost)
    endpoint.refresh_from_db()
    assert endpoint.enabled
    past = start + disable_after
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=past)
    webhooks.webhook_delivery_attempt(delivery_id=delivery.pk, now=past)
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert (endpoint.enabled, delivery.status) == (False, "failed")
    emails = [
        m.kwargs
        for m in OutboxMessage.objects.filter(
            task_name__startswith="notifications.tasks.email_send"
        )
        if m.kwargs["kind"] == "employer_webhook_disabled"
    ]
    assert [e["user_id"] for e in emails] == [employers.boss.pk]  # the administrator only
    # A disabled endpoint gets nothing more, even from the retry queue.
    assert webhooks.webhook_retries_queue(now=past + datetime.timedelta(days=1)) == 0


def test_operators_choose_the_retries_and_how_long_an_endpoint_may_fail(employers, settings):
    settings.EMPLOYER_WEBHOOK_DISABLE_AFTER_DAYS = 1
    settings.EMPLOYER_WEBHOOK_RETRY_DELAYS = (2, 86400)
    receiver = Receiver(port=free_port())  # never started: every attempt is refused
    endpoint = _endpoint(employers, receiver)
    delivery = _suspension_delivery(employers)
    start = timezone.now()
    webhooks.webhook_delivery_attempt(delivery_id=delivery.pk, now=start)
    delivery.refresh_from_db()
    assert 2 <= (delivery.next_attempt_at - start).total_seconds() <= 2.2
    past = start + datetime.timedelta(days=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=past)
    webhooks.webhook_delivery_attempt(delivery_id=delivery.pk, now=past)
    endpoint.refresh_from_db()
    assert endpoint.enabled is False


def test_send_again_and_the_test_event(employers):
    receiver = Receiver(port=free_port())
    endpoint = _endpoint(employers, receiver)
    delivery = _suspension_delivery(employers)
    with receiver_running(receiver):
        webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
        webhooks.webhook_delivery_resend(actor=employers.boss, delivery=delivery)
        webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
        test = webhooks.webhook_test_send(actor=employers.boss, endpoint=endpoint)
        webhooks.webhook_delivery_attempt(delivery_id=test.pk)
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert ids == [delivery.message_id, delivery.message_id, test.message_id]
    assert json.loads(receiver.requests[2].body)["type"] == "webhook.test"
    for received in receiver.requests:
        Webhook(endpoint.secret).verify(received.body, received.headers)


def test_members_and_outsiders_cannot_manage_webhooks(employers):
    receiver = Receiver(port=free_port())
    endpoint = _endpoint(employers, receiver)
    delivery = _suspension_delivery(employers)
    before = (WebhookEndpoint.objects.count(), WebhookDelivery.objects.count())
    for actor in (employers.clerk, employers.rival):
        with pytest.raises(PermissionDenied):
            webhooks.webhook_endpoint_create(
                actor=actor, employer=employers.bayview, url="https://x.test/"
            )
        with pytest.raises(PermissionDenied):
            webhooks.webhook_test_send(actor=actor, endpoint=endpoint)
        with pytest.raises(PermissionDenied):
            webhooks.webhook_delivery_resend(actor=actor, delivery=delivery)
    assert (WebhookEndpoint.objects.count(), WebhookDelivery.objects.count()) == before


@pytest.mark.parametrize(
    "url", ["ftp://x.test/", "https://user:pw@x.test/", "", "https://" + "a" * 600]
)
def test_bad_endpoint_addresses_are_refused_at_their_field(employers, url):
    with pytest.raises(DomainError) as caught:
        webhooks.webhook_endpoint_create(actor=employers.boss, employer=employers.bayview, url=url)
    assert caught.value.field == "url"
    assert WebhookEndpoint.objects.count() == 0


def test_production_refuses_plain_http_and_private_addresses(employers, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert webhooks.webhook_url_problems("http://example.org/") != []
    assert webhooks.webhook_url_problems("https://example.org/") == []
    assert webhooks._address_refused("https://127.0.0.1/") != ""
    assert webhooks._address_refused("https://10.1.2.3/") != ""


def test_the_api_schema_describes_every_webhook_event(client):
    from employers.models import ChangeKind

    schema = client.get("/api/schema/", {"format": "json"}).json()
    hooks = schema["x-webhooks"]
    assert set(hooks) == {f"certification.{k}" for k in ChangeKind.values} | {"webhook.test"}
    post = hooks["certification.suspended"]["post"]
    assert {p["name"] for p in post["parameters"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["type", "timestamp", "data"]

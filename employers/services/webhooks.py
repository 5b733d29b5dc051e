"""Webhooks: endpoints an employer's administrators register, and the signed deliveries of
registry changes to them (Standard Webhooks, https://www.standardwebhooks.com/).

Each delivery is one event: the JSON payload is POSTed with the headers `webhook-id` (the
message id, the same on every attempt so a receiver can drop duplicates), `webhook-timestamp`
(seconds since the epoch) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of
`id.timestamp.body` with the endpoint's secret), computed by the `standardwebhooks` library
a receiver verifies with. A 2xx answer is success; anything else (another status, a redirect,
a timeout, a refused connection) is a failure, retried after the delays of
`settings.EMPLOYER_WEBHOOK_RETRY_DELAYS` (the due ones are queued by `webhook_retries_queue`, every
minute). An endpoint that has not answered one success for `WEBHOOK_DISABLE_AFTER` (3 days) is
disabled and its administrators are emailed. Every attempt is logged (`WebhookAttempt`):
time, status code, duration, error.

Attempts claim their delivery with a compare-and-swap on its status, so a delivery queued
twice is sent once at a time.
"""

import base64
import datetime
import ipaddress
import json
import logging
import random
import secrets
import socket
import time
import urllib.parse
import uuid

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError
from employers import policy
from employers.models import (
    DeliveryStatus,
    Employer,
    EmployerMembership,
    EmployerRole,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from employers.selectors import ADMIN_ROLES, require_employer_staff
from jobs.services import enqueue, enqueue_many
from notifications.services import notify

logger = logging.getLogger(__name__)

WEBHOOK_DELIVER_TASK = "employers.tasks.webhook_deliver"
TEST_EVENT_TYPE = "webhook.test"
# A delivery claimed this long ago and still "sending" was lost with its worker.
SENDING_LOST_AFTER = datetime.timedelta(minutes=5)
USER_AGENT = "CA-Peer-Certification-Webhooks/1.0"


def webhook_secret_new() -> str:
    """A signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes, base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _private_address_allowed() -> bool:
    return bool(settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES)


def webhook_url_problems(url: str) -> list[str]:
    """Why `url` cannot be an endpoint: not https (http only where private addresses are
    allowed: development and tests), no host, credentials in it, too long."""
    url = (url or "").strip()
    if not url or len(url) > 500 or "\x00" in url:
        return [_("Enter the address of your endpoint.")]
    parts = urllib.parse.urlsplit(url)
    allowed_schemes = ("https", "http") if _private_address_allowed() else ("https",)
    if parts.scheme not in allowed_schemes or not parts.hostname:
        return [_("The address must start with https:// and name a host.")]
    if parts.username or parts.password:
        return [_("The address must not hold a user name or password.")]
    return []


def _address_refused(url: str) -> str:
    """Why the worker refuses to connect to `url` now ('' when it may): a host that resolves
    to a private, loopback or link-local address is refused in production (the product's own
    network is not for employers to reach)."""
    if _private_address_allowed():
        return ""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        return f"DNS: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return "refused: the host resolves to a non-public address"
    return ""


# --- endpoints -----------------------------------------------------------------------------


def webhook_endpoint_create(
    *, actor: User, employer: Employer, url: str, description: str = ""
) -> WebhookEndpoint:
    """An administrator registers an endpoint; it gets its own signing secret."""
    require_employer_staff(actor, employer, ADMIN_ROLES)
    problems = webhook_url_problems(url)
    if problems:
        raise DomainError(problems[0], field="url")
    description = " ".join((description or "").split())[:200]
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            employer=employer,
            url=url.strip(),
            description=description,
            secret=webhook_secret_new(),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            verb="webhook_endpoint_create",
            obj=endpoint,
            data={"employer_id": employer.pk, "url": endpoint.url},
        )
    return endpoint


def webhook_endpoint_set_enabled(
    *, actor: User, endpoint: WebhookEndpoint, enabled: bool
) -> WebhookEndpoint:
    """An administrator disables an endpoint, or enables it again (its failure clock
    restarts)."""
    require_employer_staff(actor, endpoint.employer, ADMIN_ROLES)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        before = endpoint.enabled
        endpoint.enabled = enabled
        endpoint.failing_since = None
        endpoint.disabled_at = None if enabled else timezone.now()
        endpoint.disabled_reason = "" if enabled else _("Disabled by an administrator.")
        endpoint.save(update_fields=("enabled", "failing_since", "disabled_at", "disabled_reason"))
        audit_record(
            actor=actor,
            verb="webhook_endpoint_enable" if enabled else "webhook_endpoint_disable",
            obj=endpoint,
            from_state=str(before),
            to_state=str(enabled),
        )
    return endpoint


def webhook_test_send(*, actor: User, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """An administrator sends a test event to an endpoint (queued at once)."""
    require_employer_staff(actor, endpoint.employer, ADMIN_ROLES)
    if not endpoint.enabled:
        raise DomainError(_("Enable the endpoint before testing it."), code="conflict")
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{uuid.uuid4().hex}",
            event_type=TEST_EVENT_TYPE,
            payload={
                "type": TEST_EVENT_TYPE,
                "timestamp": now.isoformat(),
                "data": {"employer": endpoint.employer.name, "message": "A test event."},
            },
            created_at=now,
        )
        enqueue(WEBHOOK_DELIVER_TASK, delivery_id=delivery.pk)
    return delivery


def webhook_delivery_resend(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """ "Send again": an administrator queues a delivery once more, same message id (the
    receiver may drop it as a duplicate if it had it)."""
    require_employer_staff(actor, delivery.endpoint.employer, ADMIN_ROLES)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status == DeliveryStatus.SENDING:
            raise DomainError(_("This delivery is being sent right now."), code="conflict")
        if not delivery.endpoint.enabled:
            raise DomainError(_("Enable the endpoint before sending again."), code="conflict")
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = None
        delivery.save(update_fields=("status", "next_attempt_at"))
        audit_record(
            actor=actor, verb="webhook_delivery_resend", obj=delivery, data={"id": delivery.pk}
        )
        enqueue(WEBHOOK_DELIVER_TASK, delivery_id=delivery.pk)
    return delivery


# --- sending -------------------------------------------------------------------------------


def webhook_request_parts(
    delivery: WebhookDelivery, secret: str, *, now: datetime.datetime
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt, signed for `now`."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    signature = Webhook(secret).sign(msg_id=delivery.message_id, timestamp=now, data=body)
    return body, {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    waiting = Q(status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING)) & due
    lost = Q(status=DeliveryStatus.SENDING, last_attempt_at__lt=now - SENDING_LOST_AFTER)
    return bool(
        WebhookDelivery.objects.filter(Q(pk=delivery_id) & (waiting | lost)).update(
            status=DeliveryStatus.SENDING, last_attempt_at=now
        )
    )


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str, str]:
    """(status code or None, error, start of the answer)."""
    refused = _address_refused(url)
    if refused:
        return None, refused, ""
    try:
        response = requests.post(
            url,
            data=body,
            headers=headers,
            timeout=settings.EMPLOYER_WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{exc.__class__.__name__}: {exc}"[:1000], ""
    return response.status_code, "", response.text[: policy.WEBHOOK_RESPONSE_KEEP_CHARS]


def _disable_after() -> datetime.timedelta:
    """How long an endpoint may fail without one success before it is disabled."""
    return datetime.timedelta(days=settings.EMPLOYER_WEBHOOK_DISABLE_AFTER_DAYS)


def _retry_delay(attempts: int) -> datetime.timedelta | None:
    if attempts > len(settings.EMPLOYER_WEBHOOK_RETRY_DELAYS):
        return None
    seconds = settings.EMPLOYER_WEBHOOK_RETRY_DELAYS[attempts - 1]
    return datetime.timedelta(seconds=seconds * (1 + random.uniform(0, 0.1)))


def _endpoint_disable(endpoint: WebhookEndpoint, now: datetime.datetime) -> None:
    """Disable a failing endpoint (under its row lock), fail its waiting deliveries and email
    its administrators."""
    endpoint.enabled = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = _("No successful delivery for %(days)d days.") % {
        "days": settings.EMPLOYER_WEBHOOK_DISABLE_AFTER_DAYS
    }
    endpoint.save(update_fields=("enabled", "disabled_at", "disabled_reason"))
    WebhookDelivery.objects.filter(
        endpoint=endpoint, status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
    ).update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    audit_record(actor=None, verb="webhook_endpoint_disable", obj=endpoint, to_state="False")
    for membership in EmployerMembership.objects.filter(
        employer_id=endpoint.employer_id, role=EmployerRole.ADMIN
    ).select_related("user"):
        notify(
            user=membership.user,
            kind="employer_webhook_disabled",
            context={
                "employer_name": endpoint.employer.name,
                "url": endpoint.url,
                "failing_since_on": timezone.localdate(endpoint.failing_since).isoformat(),
                "employer_id": endpoint.employer_id,
                "endpoint_id": endpoint.pk,
            },
        )


def webhook_delivery_attempt(
    *, delivery_id: int, now: datetime.datetime | None = None
) -> WebhookAttempt | None:
    """Send delivery `delivery_id` once if it is due (None when it is not, or is being sent
    elsewhere), log the attempt and settle what happens next."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint", "endpoint__employer").get(
        pk=delivery_id
    )
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        WebhookDelivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.FAILED)
        return None
    body, headers = webhook_request_parts(delivery, endpoint.secret, now=now)
    started = time.monotonic()
    status_code, error, answer = _post(endpoint.url, body, headers)
    duration_ms = int((time.monotonic() - started) * 1000)
    succeeded = status_code is not None and 200 <= status_code < 300
    if status_code is not None and not succeeded:
        error = f"HTTP {status_code}"
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        attempts = delivery.attempts + 1
        attempt = WebhookAttempt.objects.create(
            delivery_id=delivery_id,
            attempted_at=now,
            status_code=status_code,
            duration_ms=duration_ms,
            succeeded=succeeded,
            error=error,
            response_excerpt=answer,
        )
        fields: dict[str, object] = {
            "attempts": attempts,
            "last_status_code": status_code,
            "last_attempt_at": now,
        }
        if succeeded:
            fields.update(status=DeliveryStatus.SUCCEEDED, next_attempt_at=None)
            if endpoint.failing_since is not None:
                endpoint.failing_since = None
                endpoint.save(update_fields=("failing_since",))
        else:
            if endpoint.failing_since is None:
                endpoint.failing_since = now
                endpoint.save(update_fields=("failing_since",))
            delay = _retry_delay(attempts)
            if delay is None:
                fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
            else:
                fields.update(status=DeliveryStatus.RETRYING, next_attempt_at=now + delay)
        WebhookDelivery.objects.filter(pk=delivery_id).update(**fields)
        if (
            not succeeded
            and endpoint.enabled
            and endpoint.failing_since is not None
            and now - endpoint.failing_since >= _disable_after()
        ):
            _endpoint_disable(endpoint, now)
    return attempt


def webhook_retries_queue(*, now: datetime.datetime | None = None) -> int:
    """Queue every delivery whose retry is due (and any lost while sending): one statement
    to find them, one outbox COPY. Returns the number queued."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, last_attempt_at__lt=now - SENDING_LOST_AFTER),
        endpoint__enabled=True,
    ).values_list("pk", flat=True)
    with transaction.atomic():
        return enqueue_many(WEBHOOK_DELIVER_TASK, ({"delivery_id": pk} for pk in due))


def webhook_endpoints_check(*, now: datetime.datetime | None = None) -> int:
    """Disable every endpoint failing for WEBHOOK_DISABLE_AFTER even when no attempt is
    running any more (its deliveries gave up). Returns the number disabled."""
    now = now or timezone.now()
    disabled = 0
    with transaction.atomic():
        for endpoint in WebhookEndpoint.objects.select_for_update(skip_locked=True).filter(
            enabled=True, failing_since__lte=now - _disable_after()
        ):
            _endpoint_disable(endpoint, now)
            disabled += 1
    return disabled

"""Notices to watching employers: the registry changes they hear of, by email (at once or in
a daily digest) and by webhook.

Path of a change (docs/architecture.md#employers): a certification service publishes an event
on `certification.changed` in its transaction (`certification.events`); on commit the outbox
relays it to `employers.tasks.registry_events_receive`, which calls `registry_events_record`:
in one transaction it records each event once (`RegistryChange.event_id` is unique, so an
event delivered twice does nothing the second time), and fans the new changes out to the
employers watching them with a fixed number of statements whatever their number: the notices,
the webhook deliveries (one per change and enabled endpoint, with its JSON payload), one
outbox COPY queueing the deliveries, one COPY queueing the immediate emails.

The daily employer scan adds "expires in 60/30 days" changes (deterministic event ids: once
per certification, expiry date and threshold) and sends the digests.
"""

import datetime
import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from certification.models import Certification, CertificationStatus
from employers.models import (
    ChangeKind,
    Employer,
    EmployerMembership,
    Notice,
    NoticeMode,
    RegistryChange,
    Watch,
    WebhookDelivery,
    WebhookEndpoint,
)
from jobs.services import enqueue_many, enqueue_now_many
from notifications.services import notify_many

WEBHOOK_DELIVER_TASK = "employers.tasks.webhook_deliver"
NOTICE_EMAIL_KIND = "employer_notice"
DIGEST_EMAIL_KIND = "employer_digest"
# Up to this many deliveries of one batch are relayed to the broker as the batch commits;
# more go through one COPY and the sweeper (benchmarks/RESULTS.md, "Employer notices").
DIRECT_RELAY_MAX = 500
# Changes listed in one email; the rest are on the watchlist page.
EMAIL_MAX_CHANGES = 200
_EXPIRY_NAMESPACE = uuid.UUID("5b1c7a52-8a3e-4d5e-9f43-2f1b9c6d0e11")


def _insert_changes(events: list[dict[str, Any]]) -> list[RegistryChange]:
    """Record the events not recorded before; returns the new rows (one statement)."""
    if not events:
        return []
    rows = [
        (
            e["id"],
            int(e["certification_id"]),
            e["kind"],
            e["occurred_at"],
            {k: v for k, v in e.items() if k not in ("id", "certification_id", "kind", "type")},
        )
        for e in events
        if e.get("kind") in ChangeKind.values
    ]
    if not rows:
        return []
    table = RegistryChange._meta.db_table
    now = timezone.now()
    values = ", ".join(["(%s::uuid, %s, %s, %s::timestamptz, %s::jsonb, %s)"] * len(rows))
    params: list[Any] = []
    for event_id, certification_id, kind, occurred_at, data in rows:
        params += [event_id, certification_id, kind, occurred_at, _json(data), now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (event_id, certification_id, kind, occurred_at, data, "
            f"created_at) VALUES {values} ON CONFLICT (event_id) DO NOTHING RETURNING id",
            params,
        )
        ids = [row[0] for row in cursor.fetchall()]
    return list(RegistryChange.objects.filter(pk__in=ids).order_by("occurred_at", "id"))


def _json(value: Any) -> str:
    import json

    return json.dumps(value, default=str)


def _verify_url(number: str) -> str:
    return settings.SITE_URL + reverse("verify_certification", args=[number])


def webhook_payload(change: RegistryChange, certification: Certification) -> dict[str, Any]:
    """The JSON body of a webhook for `change` (Standard Webhooks' shape: type, timestamp,
    data), with the certification's public registry facts only."""
    extra = {k: v for k, v in change.data.items() if k not in ("occurred_at",)}
    return {
        "type": f"certification.{change.kind}",
        "timestamp": change.occurred_at.isoformat(),
        "data": {
            **extra,
            "certification_number": certification.number,
            "first_name": certification.first_name,
            "last_name": certification.last_name,
            "status": extra.get("status", certification.status),
            "issued_on": certification.issued_on.isoformat(),
            "expires_on": extra.get("expires_on", certification.expires_on.isoformat()),
            "issuing_county": {
                "code": certification.issuing_county.code,
                "name": certification.issuing_county.name,
            },
            "specializations": sorted(s.code for s in certification.specializations.all()),
            "verify_url": _verify_url(certification.number),
        },
    }


def _email_change(change: RegistryChange, certification: Certification) -> dict[str, str]:
    return {
        "number": certification.number,
        "name": f"{certification.first_name} {certification.last_name}",
        "kind": change.kind,
        "occurred_on": timezone.localdate(change.occurred_at).isoformat(),
        "status": certification.status,
        "expires_on": certification.expires_on.isoformat(),
        "days_before": str(change.data.get("days_before", "")),
        "county": certification.issuing_county.name,
        "action": str(change.data.get("action", "")),
        "summary": str(change.data.get("summary", "")),
    }


def _staff_by_employer(employer_ids: set[int]) -> dict[int, list[int]]:
    staff: dict[int, list[int]] = defaultdict(list)
    for employer_id, user_id in EmployerMembership.objects.filter(
        employer_id__in=employer_ids, user__is_active=True
    ).values_list("employer_id", "user_id"):
        staff[employer_id].append(user_id)
    return staff


def _email_notices(
    kind: str, by_employer: dict[int, list[dict[str, str]]], names: dict[int, str]
) -> int:
    """One email per staff member of each employer, listing its changes."""
    staff = _staff_by_employer(set(by_employer))
    notices = []
    for employer_id, changes in by_employer.items():
        listed = changes[:EMAIL_MAX_CHANGES]
        context = {
            "employer_id": employer_id,
            "employer_name": names[employer_id],
            "changes": listed,
            "more": max(0, len(changes) - EMAIL_MAX_CHANGES),
            # Who to ask about a change: the issuing county programs, with their contacts.
            "counties": sorted({c["county"] for c in listed if c.get("county")}),
        }
        notices += [(user_id, kind, context) for user_id in staff.get(employer_id, [])]
    return notify_many(notices)


def changes_fan_out(changes: list[RegistryChange]) -> dict[str, int]:
    """Tell every employer watching the certifications of `changes`: notices, webhook
    deliveries queued, immediate emails queued. A fixed number of statements whatever the
    number of changes. Call inside the transaction that recorded the changes."""
    report = {"changes": len(changes), "notices": 0, "deliveries": 0, "emails": 0}
    if not changes:
        return report
    certification_ids = {c.certification_id for c in changes}
    watchers: dict[int, list[int]] = defaultdict(list)
    for employer_id, certification_id in Watch.objects.filter(
        certification_id__in=certification_ids
    ).values_list("employer_id", "certification_id"):
        watchers[certification_id].append(employer_id)
    if not watchers:
        return report
    employers = {
        e.pk: e
        for e in Employer.objects.filter(pk__in={i for ids in watchers.values() for i in ids})
    }
    certifications = {
        c.pk: c
        for c in Certification.objects.filter(pk__in=watchers)
        .select_related("issuing_county")
        .prefetch_related("specializations")
    }
    endpoints: dict[int, list[int]] = defaultdict(list)
    for endpoint_id, employer_id in WebhookEndpoint.objects.filter(
        employer_id__in=employers, enabled=True
    ).values_list("pk", "employer_id"):
        endpoints[employer_id].append(endpoint_id)
    now = timezone.now()
    notices, deliveries = [], []
    immediate: dict[int, list[dict[str, str]]] = defaultdict(list)
    for change in changes:
        certification = certifications.get(change.certification_id)
        if certification is None:  # nobody watches it
            continue
        for employer_id in watchers.get(change.certification_id, []):
            notices.append(Notice(employer_id=employer_id, change=change, created_at=now))
            if employers[employer_id].notice_mode == NoticeMode.IMMEDIATE:
                immediate[employer_id].append(_email_change(change, certification))
            if not endpoints[employer_id]:
                continue
            payload = webhook_payload(change, certification)
            deliveries += [
                WebhookDelivery(
                    endpoint_id=endpoint_id,
                    change=change,
                    message_id=f"msg_{change.event_id.hex}",
                    event_type=payload["type"],
                    payload=payload,
                    created_at=now,
                )
                for endpoint_id in endpoints[employer_id]
            ]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    created = WebhookDelivery.objects.bulk_create(deliveries)
    report["notices"] = len(notices)
    # A few deliveries are relayed at once on commit (the 1-second promise); a mass change
    # goes in one COPY and the sweeper relays it.
    queue = enqueue_now_many if len(created) <= DIRECT_RELAY_MAX else enqueue_many
    report["deliveries"] = queue(WEBHOOK_DELIVER_TASK, [{"delivery_id": d.pk} for d in created])
    if immediate:
        report["emails"] = _email_notices(
            NOTICE_EMAIL_KIND, immediate, {pk: e.name for pk, e in employers.items()}
        )
        Notice.objects.filter(
            change__in=changes, employer_id__in=immediate, emailed_at__isnull=True
        ).update(emailed_at=now)
    return report


def registry_events_record(events: list[dict[str, Any]]) -> dict[str, int]:
    """Record the events of `certification.changed` (or the employer scan's) and fan the new
    ones out, in one transaction. Idempotent per event id."""
    with transaction.atomic():
        return changes_fan_out(_insert_changes(events))


def expiry_notice_events(*, today: datetime.date) -> list[dict[str, Any]]:
    """ "Expires in N days" events (N in `settings.EMPLOYER_EXPIRY_NOTICE_DAYS`) for every
    watched active certification expiring on today + N. Event ids are derived from the
    certification, its expiry date and N: a scan run twice, or late, announces each once."""
    targets = {today + datetime.timedelta(days=d): d for d in settings.EMPLOYER_EXPIRY_NOTICE_DAYS}
    events = []
    for pk, number, expires_on in (
        Certification.objects.filter(
            status=CertificationStatus.ACTIVE, expires_on__in=targets, watches__isnull=False
        )
        .distinct()
        .values_list("pk", "number", "expires_on")
    ):
        days = targets[expires_on]
        events.append(
            {
                "id": str(uuid.uuid5(_EXPIRY_NAMESPACE, f"{pk}:{expires_on}:{days}")),
                "type": "certification.expiring",
                "kind": ChangeKind.EXPIRING,
                "occurred_at": timezone.now().isoformat(),
                "certification_id": pk,
                "number": number,
                "status": CertificationStatus.ACTIVE,
                "expires_on": expires_on.isoformat(),
                "days_before": days,
            }
        )
    return events


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """The daily digest: to each digest employer's staff, one email with the changes not yet
    emailed; they are then marked emailed. Returns the emails queued."""
    now = now or timezone.now()
    with transaction.atomic():
        pending = list(
            Notice.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(emailed_at__isnull=True, employer__notice_mode=NoticeMode.DIGEST)
            .select_related("change", "change__certification__issuing_county", "employer")
            .order_by("employer_id", "change__occurred_at", "pk")
        )
        if not pending:
            return 0
        by_employer: dict[int, list[dict[str, str]]] = defaultdict(list)
        names = {}
        for notice in pending:
            by_employer[notice.employer_id].append(
                _email_change(notice.change, notice.change.certification)
            )
            names[notice.employer_id] = notice.employer.name
        sent = _email_notices(DIGEST_EMAIL_KIND, by_employer, names)
        Notice.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
    return sent


# The public actions of the audit trail as registry changes, one per audit event (the same
# as migration employers.0005's backfill): for data written while nothing listened (the demo
# seed withdraws the events its stories queued). Nobody is notified.
_FROM_AUDIT = """
INSERT INTO employers_registrychange
    (event_id, certification_id, kind, occurred_at, data, created_at)
SELECT md5('audit-event:' || a.id)::uuid, a.object_id, CASE a.verb
        WHEN 'certification_suspend' THEN 'suspended'
        WHEN 'certification_lift_suspension' THEN 'suspension_lifted'
        WHEN 'certification_reinstate' THEN 'reinstated'
        WHEN 'certification_revoke' THEN 'revoked' END,
       a.created_at,
       jsonb_build_object('previous_status', a.from_state, 'status', a.to_state,
                          'source', 'audit_trail'),
       now()
FROM counties_auditevent a
JOIN certification_certification c ON c.id = a.object_id
WHERE a.object_type = 'certification.certification'
  AND a.verb IN ('certification_suspend', 'certification_lift_suspension',
                 'certification_reinstate', 'certification_revoke')
ON CONFLICT (event_id) DO NOTHING
"""


def registry_changes_from_audit() -> int:
    """Record the audit trail's public actions as registry changes; returns how many were
    new."""
    with connection.cursor() as cursor:
        cursor.execute(_FROM_AUDIT)
        return cursor.rowcount

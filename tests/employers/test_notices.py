"""Instant notices: a change of a watched certification, published by the certification
services on commit, reaches each watching employer once (email at once or in the digest,
and a signed webhook delivery per enabled endpoint); the expiry scan's changes travel
set-based; "expires in 60/30 days" is announced once."""

import datetime

import pytest
from django.utils import timezone

from certification import services as certification_services
from certification.expiry import expiry_scan_run
from employers.models import Notice, RegistryChange, WebhookDelivery, WebhookEndpoint
from employers.services import notices
from employers.tasks import employer_daily, registry_events_receive
from jobs.models import OutboxMessage
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db

RECEIVE = "employers.tasks.registry_events_receive"


def _relay_events() -> list[dict]:
    """Run what the outbox would hand the worker (the subscriber task), as the worker would.
    Returns the events delivered."""
    events = []
    for message in OutboxMessage.objects.filter(task_name=RECEIVE, finished_at__isnull=True):
        registry_events_receive.run(**message.kwargs)
        events += message.kwargs["events"]
        message.finished_at = timezone.now()
        message.save(update_fields=["finished_at"])
    return events


def _emails(kind: str) -> list[dict]:
    return [
        m.kwargs
        for m in OutboxMessage.objects.filter(
            task_name__startswith="notifications.tasks.email_send"
        )
        if m.kwargs["kind"] == kind
    ]


@pytest.fixture
def endpoint(employers):
    return WebhookEndpoint.objects.create(
        employer=employers.bayview, url="http://127.0.0.1:9/none", secret="whsec_" + "A" * 44
    )


def test_a_suspension_reaches_the_watching_employer_once(cast, employers, endpoint):
    certification_services.certification_suspend(
        actor=cast.reviewer, certification=employers.reyes, reason="Complaint upheld."
    )
    [event] = _relay_events()
    assert (event["type"], event["number"], event["previous_status"], event["status"]) == (
        "certification.suspended",
        employers.reyes.number,
        "active",
        "suspended",
    )
    change = RegistryChange.objects.get()
    assert (change.kind, change.certification) == ("suspended", employers.reyes)
    assert list(Notice.objects.values_list("employer__name", flat=True)) == ["Bayview Health"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == endpoint
    assert delivery.payload["type"] == "certification.suspended"
    data = delivery.payload["data"]
    assert (data["certification_number"], data["status"], data["issuing_county"]["code"]) == (
        employers.reyes.number,
        "suspended",
        "alameda",
    )
    assert "reason" not in data and "holder" not in data
    assert OutboxMessage.objects.filter(
        task_name="employers.tasks.webhook_deliver", kwargs={"delivery_id": delivery.pk}
    ).exists()
    # Immediate mode: each staff member of Bayview gets one email; nobody else.
    emails = _emails("employer_notice")
    assert sorted(e["user_id"] for e in emails) == sorted([employers.boss.pk, employers.clerk.pk])
    assert emails[0]["context"]["changes"][0]["kind"] == "suspended"
    assert emails[0]["context"]["counties"] == [employers.reyes.issuing_county.name]
    # The same event delivered again changes nothing.
    registry_events_receive.run(topic="certification.changed", events=[event])
    assert (RegistryChange.objects.count(), Notice.objects.count()) == (1, 1)
    assert WebhookDelivery.objects.count() == 1
    assert len(_emails("employer_notice")) == 2


def test_a_change_nobody_watches_is_recorded_but_told_to_nobody(cast, employers):
    certification_services.certification_revoke(
        actor=cast.other_admin, certification=employers.okafor, reason="Fraud."
    )
    _relay_events()
    assert RegistryChange.objects.get().kind == "revoked"
    assert (Notice.objects.count(), WebhookDelivery.objects.count()) == (0, 0)


def test_a_rolled_back_change_announces_nothing(cast, employers):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        certification_services.certification_suspend(
            actor=cast.reviewer, certification=employers.reyes, reason="x"
        )
        raise RuntimeError
    assert not OutboxMessage.objects.filter(task_name=RECEIVE).exists()


def test_digest_employers_get_one_email_a_day(cast, employers):
    employers.bayview.notice_mode = "digest"
    employers.bayview.save(update_fields=["notice_mode"])
    certification_services.certification_suspend(
        actor=cast.reviewer, certification=employers.reyes, reason="x"
    )
    certification_services.certification_lift_suspension(
        actor=cast.reviewer, certification=employers.reyes
    )
    _relay_events()
    assert _emails("employer_notice") == []
    assert notices.digests_send() == 2
    [digest, _other] = _emails("employer_digest")
    assert [c["kind"] for c in digest["context"]["changes"]] == ["suspended", "suspension_lifted"]
    assert digest["context"]["counties"] == [employers.reyes.issuing_county.name]
    assert notices.digests_send() == 0


def test_the_expiry_scan_announces_in_a_few_messages(cast, employers):
    today = timezone.localdate()
    past = today - datetime.timedelta(days=1)
    expiring = [
        CertificationFactory(
            issuing_county=cast.county, expires_on=past, issued_on=past.replace(year=past.year - 2)
        )
        for _ in range(5)
    ]
    for certification in expiring:
        employers.valley.watches.create(certification=certification)
    expiry_scan_run(today=today)
    messages = OutboxMessage.objects.filter(task_name=RECEIVE)
    assert messages.count() == 1
    events = _relay_events()
    assert sorted(e["number"] for e in events) == sorted(c.number for c in expiring)
    assert {e["type"] for e in events} == {"certification.expired"}
    assert Notice.objects.filter(employer=employers.valley).count() == 5
    assert len(_emails("employer_notice")) == 1  # one email, five changes
    assert len(_emails("employer_notice")[0]["context"]["changes"]) == 5


def test_expiring_in_60_and_30_days_is_announced_once(employers):
    today = timezone.localdate()
    employers.reyes.expires_on = today + datetime.timedelta(days=60)
    employers.reyes.save(update_fields=["expires_on"])
    first = employer_daily.run(today=today.isoformat())
    second = employer_daily.run(today=today.isoformat())
    assert (first["changes"], second["changes"]) == (1, 0)
    change = RegistryChange.objects.get()
    assert (change.kind, change.data["days_before"]) == ("expiring", 60)
    later = today + datetime.timedelta(days=30)
    assert employer_daily.run(today=later.isoformat())["changes"] == 1
    assert sorted(RegistryChange.objects.values_list("data__days_before", flat=True)) == [30, 60]


def test_operators_choose_the_days_before_expiry(employers, settings):
    """EMPLOYER_EXPIRY_NOTICE_DAYS is the operator's: 45 days only, then 60 days is quiet."""
    settings.EMPLOYER_EXPIRY_NOTICE_DAYS = (45,)
    today = timezone.localdate()
    employers.reyes.expires_on = today + datetime.timedelta(days=60)
    employers.reyes.save(update_fields=["expires_on"])
    assert employer_daily.run(today=today.isoformat())["changes"] == 0
    later = today + datetime.timedelta(days=15)
    assert employer_daily.run(today=later.isoformat())["changes"] == 1
    assert RegistryChange.objects.get().data["days_before"] == 45


def test_the_watchlist_shows_public_actions(client, cast, employers):
    certification_services.certification_suspend(
        actor=cast.reviewer, certification=employers.reyes, reason="Complaint upheld."
    )
    _relay_events()
    client.force_login(employers.clerk)
    page = client.get(f"/employer/{employers.bayview.pk}/").content.decode()
    assert "Suspended" in page and "Complaint upheld." not in page


def test_a_few_deliveries_reach_the_broker_as_the_fan_out_commits(
    cast, employers, endpoint, broker_messages, django_capture_on_commit_callbacks
):
    certification_services.certification_suspend(
        actor=cast.reviewer, certification=employers.reyes, reason="x"
    )
    [message] = OutboxMessage.objects.filter(task_name=RECEIVE)
    with django_capture_on_commit_callbacks(execute=True):
        registry_events_receive.run(**message.kwargs)
    # The delivery itself, not a request to sweep for it (the emails' COPY asks for a sweep).
    assert "employers.tasks.webhook_deliver" in [m["task"] for m in broker_messages()]
    assert OutboxMessage.objects.get(task_name="employers.tasks.webhook_deliver").sent_at

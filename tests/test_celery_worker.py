"""Resilience with real Celery workers and the local Redis: a worker killed mid-task loses
nothing and its task counts once; work queued while Redis is down runs once it is back."""

import os
import signal
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certification.models import CertificateFile
from config.celery import app
from jobs.models import OutboxMessage
from jobs.services import REDELIVER_AFTER, enqueue, outbox_relay
from notifications.models import EmailLog
from notifications.services import notify
from tests.factories import CertificationFactory, UserFactory
from tests.jobs.routing import routes_to_one
from tests.jobs.worker import broker_unreachable, wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def expired_context(certification) -> dict:
    return {
        "certification_id": certification.pk,
        "number": certification.number,
        "county_name": "Alameda",
        "expires_on": "2026-06-14",
        "reinstate_until_on": "2030-06-13",
        "ce_hours": "20",
        "law_and_ethics_hours": "6",
    }


def _waiting(queue: str) -> int:
    """Messages in the broker waiting for a worker of `queue`."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        return client.llen(queue)
    finally:
        client.close()


def send_blocking_task(certification, marker, queue) -> str:
    task_id = f"blocking-{uuid.uuid4().hex[:8]}"
    app.send_task(
        "tests.jobs.render_then_block",
        kwargs={
            "certification_id": certification.pk,
            "user_id": certification.holder_id,
            "context": expired_context(certification),
            "marker": str(marker),
        },
        task_id=task_id,
        queue=queue,
    )
    return task_id


def assert_done_once(certification, workers, task_id) -> None:
    wait_for(
        lambda: CertificateFile.objects.filter(certification=certification).count() == 2,
        what="the redelivered task to finish",
    )
    assert sorted(
        CertificateFile.objects.filter(certification=certification).values_list("kind", flat=True)
    ) == ["wall", "wallet"]
    log = EmailLog.objects.get()
    assert (log.idempotency_key, log.status, log.attempts) == (task_id, "sent", 1)
    assert len(workers.emails_to(certification.holder.email)) == 1


def test_a_pool_process_killed_mid_task_is_replaced_and_the_task_counts_once(
    celery_worker, celery_workers, broker_queue, tmp_path
):
    certification = CertificationFactory(holder=UserFactory(email="child@example.test"))
    marker = tmp_path / "first-delivery"

    task_id = send_blocking_task(certification, marker, broker_queue)
    wait_for(marker.exists, what="the first delivery to block")
    _hostname, pool_pid = marker.read_text().split()
    os.kill(int(pool_pid), signal.SIGKILL)

    assert_done_once(certification, celery_workers, task_id)
    wait_for(lambda: f"{task_id}] succeeded" in celery_worker.log(), what="the success log")
    assert "WorkerLostError" in celery_worker.log()


def test_a_worker_killed_mid_task_leaves_the_task_to_another_worker(
    celery_workers, broker_queue, tmp_path
):
    queue = f"{broker_queue}-kill"
    # A short visibility timeout: the survivor takes the unacknowledged message back soon.
    workers = celery_workers.start(2, queue=queue, CELERY_VISIBILITY_TIMEOUT="3")
    certification = CertificationFactory(holder=UserFactory(email="killed@example.test"))
    marker = tmp_path / "first-delivery"

    task_id = send_blocking_task(certification, marker, queue)
    wait_for(marker.exists, what="the first delivery to block")
    hostname, _pool_pid = marker.read_text().split()
    [busy] = [w for w in workers if hostname.startswith(f"{w.name}@")]
    [survivor] = [w for w in workers if w is not busy]
    busy.kill()  # SIGKILL to the worker and its pool process: nothing is acknowledged
    assert CertificateFile.objects.filter(certification=certification).count() == 1

    assert_done_once(certification, celery_workers, task_id)
    wait_for(lambda: f"{task_id}] succeeded" in survivor.log(), what="the survivor's log")
    survivor.stop()


def test_work_queued_while_redis_is_down_runs_once_when_it_is_back(
    celery_worker, celery_workers, broker_queue
):
    certification = CertificationFactory(holder=UserFactory(email="down@example.test"))

    with broker_unreachable():
        started = time.monotonic()
        with transaction.atomic():  # a service's transaction inside a request
            notify(
                user=certification.holder,
                kind="certification_expired",
                context=expired_context(certification),
            )
            enqueue("certification.tasks.certificate_render", certification_id=certification.pk)
        elapsed = time.monotonic() - started

    assert elapsed < 5  # the request succeeded without waiting on the broker
    messages = OutboxMessage.objects.order_by("id")
    assert [(m.sent_at, m.attempts) for m in messages] == [(None, 1), (None, 1)]
    assert all("refused" in m.last_error.lower() for m in messages)
    # Nothing reached the broker, so no worker can have run anything yet.
    assert _waiting(broker_queue) == 0
    assert EmailLog.objects.count() == 0
    assert CertificateFile.objects.count() == 0

    assert outbox_relay().sent == 2  # Redis is back: the sweeper relays
    assert outbox_relay().sent == 0

    wait_for(
        lambda: (
            EmailLog.objects.filter(status="sent").exists() and CertificateFile.objects.count() == 2
        ),
        what=f"the relayed tasks\n{celery_worker.log()[-2000:]}",
    )
    # Nothing else arrives: both rows are finished, no task queued a third, none is waiting.
    wait_for(
        lambda: not OutboxMessage.objects.filter(finished_at=None).exists(),
        what="both outbox rows to be finished",
    )
    assert OutboxMessage.objects.count() == 2
    assert _waiting(broker_queue) == 0
    assert EmailLog.objects.count() == 1
    assert CertificateFile.objects.count() == 2
    assert len(celery_workers.emails_to("down@example.test")) == 1


def test_work_lost_by_a_redis_restart_is_relayed_again_and_done(celery_workers, broker_queue):
    """Redis here keeps nothing on disk: a message relayed to it and not yet taken by a
    worker is gone after a restart. The outbox row stays unfinished, and the sweeper relays
    it again once REDELIVER_AFTER has passed; the worker then does the work and finishes it."""
    queue = f"{broker_queue}-lost"
    app.conf.update(**routes_to_one(queue))  # no worker consumes it yet (put back after)
    certification = CertificationFactory(holder=UserFactory(email="lost@example.test"))
    with transaction.atomic():
        enqueue("certification.tasks.certificate_render", certification_id=certification.pk)
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None and message.finished_at is None
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert broker.llen(queue) == 1
    broker.delete(queue)  # what a restart of a Redis without persistence does to it
    broker.close()

    assert outbox_relay().sent == 0  # just relayed: not yet taken as lost
    OutboxMessage.objects.update(sent_at=timezone.now() - REDELIVER_AFTER - timedelta(minutes=1))
    [worker] = celery_workers.start(1, queue=queue)
    assert outbox_relay().sent == 1

    wait_for(
        lambda: OutboxMessage.objects.filter(finished_at__isnull=False).exists(),
        what=f"the relayed render to finish\n{worker.log()[-2000:]}",
    )
    worker.stop()
    assert sorted(
        CertificateFile.objects.filter(certification=certification).values_list("kind", flat=True)
    ) == ["wall", "wallet"]
    message.refresh_from_db()
    assert message.attempts == 2
    assert outbox_relay().sent == 0  # finished: never relayed again

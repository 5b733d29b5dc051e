"""The transactional outbox: written in the caller's transaction, relayed once to Redis."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from jobs.models import FailedJob, OutboxMessage
from jobs.services import (
    REDELIVER_AFTER,
    enqueue,
    enqueue_many,
    outbox_finish,
    outbox_prune,
    outbox_relay,
    outbox_relay_ids,
)
from tests.jobs.worker import broker_unreachable

RENDER = "certification.tasks.certificate_render"


@pytest.fixture(params=["unset", "exported"])
def broker_environment(request, monkeypatch, settings) -> str:
    """The outage simulations hold whether or not CELERY_BROKER_URL is in the environment
    (exported, or read from a `.env` copied from `.env.example`), which Celery reads before
    its configuration."""
    if request.param == "exported":
        monkeypatch.setenv("CELERY_BROKER_URL", settings.CELERY_BROKER_URL)
    else:
        monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    return request.param


def test_enqueue_writes_a_row_and_relays_it_after_commit(
    db, broker_messages, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue(RENDER, certification_id=42)
        message = OutboxMessage.objects.get()
        assert message.sent_at is None
        assert broker_messages() == []

    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.last_error == ""
    [sent] = broker_messages()
    assert sent["task"] == RENDER
    assert sent["id"] == f"outbox-{message.pk}"
    assert sent["kwargsrepr"] == "{'certification_id': 42}"


def test_a_rolled_back_transaction_queues_nothing(
    db, broker_messages, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue(RENDER, certification_id=42)
        raise RuntimeError("the service failed")

    assert callbacks == []
    assert OutboxMessage.objects.count() == 0
    assert broker_messages() == []


def test_broker_down_at_commit_keeps_the_row_for_the_sweeper(
    db, broker_environment, broker_messages, django_capture_on_commit_callbacks
):
    with broker_unreachable():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            enqueue(RENDER, certification_id=7)
        elapsed = time.monotonic() - started

    assert elapsed < 3  # the request is not held up by the dead broker
    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "refused" in message.last_error.lower()
    assert broker_messages() == []

    report = outbox_relay()

    assert (report.sent, report.failed, report.errors) == (1, 0, [])
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 2
    assert [m["id"] for m in broker_messages()] == [f"outbox-{message.pk}"]
    assert outbox_relay().sent == 0  # nothing left: never sent twice
    assert len(broker_messages()) == 1


def test_sweeper_with_broker_down_records_the_error_and_sends_nothing(
    db, broker_environment, broker_messages
):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(task_name=RENDER, kwargs={"certification_id": n}) for n in range(3)
    )
    with broker_unreachable():
        report = outbox_relay()

    assert (report.sent, report.failed) == (0, 3)
    assert len(report.errors) == 1
    assert list(OutboxMessage.objects.values_list("sent_at", "attempts")) == [(None, 1)] * 3
    assert broker_messages() == []


def test_sweeper_relays_in_batches_oldest_first(db, broker_messages):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(task_name=RENDER, kwargs={"certification_id": n}) for n in range(7)
    )
    ids = list(OutboxMessage.objects.order_by("id").values_list("id", flat=True))

    report = outbox_relay(batch_size=3)

    assert report.sent == 7
    assert [m["id"] for m in broker_messages()] == [f"outbox-{pk}" for pk in ids]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_enqueue_many_writes_rows_with_one_statement(
    db, broker_messages, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        django_assert_max_num_queries(1),  # one COPY (not logged by Django's cursor)
    ):
        count = enqueue_many(RENDER, ({"certification_id": n} for n in range(50)))

    assert count == 50
    assert OutboxMessage.objects.filter(task_name=RENDER, sent_at__isnull=True).count() == 50
    assert len(callbacks) == 1  # one request for a sweep, not 50 relays
    callbacks[0]()
    assert [m["task"] for m in broker_messages()] == ["jobs.tasks.outbox_relay"]


def test_relay_ids_skips_rows_already_sent(db, broker_messages):
    message = OutboxMessage.objects.create(
        task_name=RENDER, kwargs={"certification_id": 1}, sent_at=timezone.now(), attempts=1
    )

    report = outbox_relay_ids([message.pk])

    assert report.sent == 0
    assert broker_messages() == []


def test_a_retried_message_keeps_its_task_id(db, broker_messages):
    OutboxMessage.objects.create(task_name=RENDER, task_id="original-id")

    outbox_relay()

    assert [m["id"] for m in broker_messages()] == ["original-id"]


def test_prune_deletes_only_old_relayed_rows(db):
    now = timezone.now()
    old_sent = OutboxMessage.objects.create(task_name=RENDER, sent_at=now - datetime.timedelta(30))
    recent = OutboxMessage.objects.create(task_name=RENDER, sent_at=now - datetime.timedelta(1))
    old_unsent = OutboxMessage.objects.create(
        task_name=RENDER, created_at=now - datetime.timedelta(30)
    )

    assert outbox_prune(now=now) == 1

    remaining = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, old_unsent.pk}
    assert old_sent.pk not in remaining


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweepers_at_once_send_each_message_once(broker_messages):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(task_name=RENDER, kwargs={"certification_id": n}) for n in range(400)
    )
    barrier = threading.Barrier(2)
    reports = []

    def sweep() -> None:
        try:
            barrier.wait()
            reports.append(outbox_relay(batch_size=25))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ids = [m["id"] for m in broker_messages()]
    assert len(ids) == 400
    assert len(set(ids)) == 400
    assert sum(r.sent for r in reports) == 400
    assert all(r.sent > 0 for r in reports)  # both really worked, on disjoint rows
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_message_relayed_long_ago_and_never_finished_is_relayed_again(db, broker_messages):
    now = timezone.now()
    long_ago = now - REDELIVER_AFTER - datetime.timedelta(minutes=1)
    lost = OutboxMessage.objects.create(task_name=RENDER, sent_at=long_ago, attempts=1)
    finished = OutboxMessage.objects.create(
        task_name=RENDER, sent_at=long_ago, finished_at=long_ago, attempts=1
    )
    recent = OutboxMessage.objects.create(
        task_name=RENDER, sent_at=now - datetime.timedelta(minutes=5), attempts=1
    )

    report = outbox_relay()

    assert (report.sent, report.failed) == (1, 0)
    assert [m["id"] for m in broker_messages()] == [f"outbox-{lost.pk}"]  # the same task id
    lost.refresh_from_db()
    assert lost.sent_at > long_ago and lost.attempts == 2 and lost.finished_at is None
    for untouched in (finished, recent):
        before = untouched.sent_at
        untouched.refresh_from_db()
        assert (untouched.sent_at, untouched.attempts) == (before, 1)
    assert outbox_relay().sent == 0  # relayed just now: not again until REDELIVER_AFTER


def test_a_task_that_ends_finishes_its_row(db):
    own = OutboxMessage.objects.create(task_name=RENDER, sent_at=timezone.now())
    retried = OutboxMessage.objects.create(
        task_name=RENDER, task_id="original-id", sent_at=timezone.now()
    )
    other = OutboxMessage.objects.create(task_name=RENDER, sent_at=timezone.now())

    assert outbox_finish(task_id=f"outbox-{own.pk}") == 1
    assert outbox_finish(task_id="original-id") == 1
    assert outbox_finish(task_id="a-beat-task-uuid") == 0
    assert outbox_finish(task_id=f"outbox-{own.pk}") == 0  # already finished

    assert set(
        OutboxMessage.objects.filter(finished_at__isnull=False).values_list("pk", flat=True)
    ) == {own.pk, retried.pk}
    other.refresh_from_db()
    assert other.finished_at is None


def test_the_task_class_finishes_the_row_on_success_and_on_failure_for_good(
    db, django_capture_on_commit_callbacks
):
    from certification.tasks import certificate_render
    from tests.factories import CertificationFactory

    done = OutboxMessage.objects.create(task_name=RENDER, sent_at=timezone.now())
    failed = OutboxMessage.objects.create(task_name=RENDER, sent_at=timezone.now())
    certification = CertificationFactory()

    assert certificate_render.apply(
        args=[certification.pk], task_id=f"outbox-{done.pk}"
    ).successful()
    result = certificate_render.apply(args=[0], task_id=f"outbox-{failed.pk}")  # no such row

    assert result.failed()
    done.refresh_from_db()
    failed.refresh_from_db()
    assert done.finished_at is not None
    assert failed.finished_at is not None  # failed for good: the dead letter has it
    assert FailedJob.objects.get().task_id == f"outbox-{failed.pk}"


def test_prune_gives_up_on_rows_that_never_finished(db, caplog):
    now = timezone.now()
    stuck = OutboxMessage.objects.create(task_name=RENDER, sent_at=now - datetime.timedelta(30))

    assert outbox_prune(now=now) == 1

    assert not OutboxMessage.objects.filter(pk=stuck.pk).exists()
    assert f"never finished: [{stuck.pk}]" in caplog.text

"""The transactional outbox, its relay to the broker, and the dead-letter record.

Why an outbox: a service queues work inside its transaction. Sending to Redis there would
send work for changes that later roll back, and sending after commit loses the work when
Redis is down at that moment. So `outbox_enqueue` writes a row in the caller's transaction;
after commit one attempt relays it at once, and the periodic sweeper (`outbox_relay`) relays
whatever is still unsent. A relayed message keeps its task id (`outbox-<pk>`), so a message
relayed twice (the relay died between sending and marking it sent) is recognisable by the
task; tasks are written to be idempotent anyway.

Relaying claims rows with `SELECT ... FOR UPDATE SKIP LOCKED`: two sweepers (or a sweeper and
an on-commit attempt) never take the same row.

The outbox and the failed jobs are the system's machinery: behind row-level security they are
closed to everyone else, so every function here touches them acting for the system
(`_as_system`), whoever's request or task queues the work.

Relayed is not done: a message handed to a Redis that keeps nothing on disk is lost if Redis
restarts before a worker takes it. Every task reports its end (`jobs.base_task.RecordedTask`
calls `outbox_finish`: succeeded, or failed for good and recorded as a FailedJob), and the
sweeper relays again, with the same task id, a row relayed more than REDELIVER_AFTER ago and
never finished. Tasks are idempotent, so a message that was only slow costs a no-op run.
"""

import datetime
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from celery import current_app as app
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.rls import rls_context
from jobs.models import FailedJob, OutboxMessage

logger = logging.getLogger(__name__)

RELAY_TASK = "jobs.tasks.outbox_relay"
# Rows claimed per relay transaction; a sweep stops after RELAY_TIME_BUDGET so it finishes
# well before the next one starts (beat sends one a minute).
RELAY_BATCH_SIZE = 500
RELAY_TIME_BUDGET = datetime.timedelta(seconds=45)
# A relayed message not finished after this long is taken as lost by the broker and relayed
# again: longer than any queue backlog plus task run seen (a mass expiry's emails drain in
# minutes, benchmarks/RESULTS.md).
REDELIVER_AFTER = datetime.timedelta(hours=1)
# Relayed messages are kept this long for support, then pruned.
OUTBOX_RETENTION = datetime.timedelta(days=14)
# Failed jobs whose task allows it are retried automatically this long after failing, at
# most this many times in all; after that they wait for an operator (admin "retry" action).
FAILED_JOB_RETRY_AFTER = datetime.timedelta(hours=1)
FAILED_JOB_AUTO_RETRY_LIMIT = 3


@dataclass
class RelayReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _as_system():
    """Act for the system in the caller's transaction (or in one of its own outside any)."""
    return rls_context(system=True, savepoint=False)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def outbox_enqueue(
    *,
    task_name: str,
    kwargs: dict[str, Any] | None = None,
    args: Sequence[Any] = (),
    task_id: str = "",
) -> OutboxMessage:
    """Write one outbox row in the current transaction and try to relay it once the
    transaction commits. `kwargs` must be JSON-serialisable (ids and plain values). Never
    raises because the broker is down: the sweeper relays the row later."""
    with _as_system():
        message = OutboxMessage.objects.create(
            task_name=task_name, args=list(args), kwargs=kwargs or {}, task_id=task_id
        )
        transaction.on_commit(lambda: outbox_relay_ids([message.pk]), robust=True)
    return message


def enqueue(task_name: str, **kwargs: Any) -> None:
    """Queue Celery task `task_name` with keyword arguments (ids and plain values, JSON) to
    run after the current transaction commits: the way services queue follow-up work. The
    task may run more than once (brokers redeliver): it must be idempotent."""
    outbox_enqueue(task_name=task_name, kwargs=kwargs)


def enqueue_many(task_name: str, kwargs_list: Iterable[dict[str, Any]]) -> int:
    """Queue `task_name` once per kwargs dict, with one statement (set-based callers such as
    the expiry scan). Returns the number queued."""
    return outbox_enqueue_many((task_name, kwargs) for kwargs in kwargs_list)


def enqueue_now_many(task_name: str, kwargs_list: Sequence[dict[str, Any]]) -> int:
    """Queue `task_name` once per kwargs dict with one INSERT, and relay exactly these rows
    when the transaction commits (no sweeper round trip): for a handful to a few hundred
    messages that must start at once (webhook deliveries). Returns the number queued."""
    if not kwargs_list:
        return 0
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(task_name=task_name, kwargs=kwargs) for kwargs in kwargs_list
    )
    ids = [message.pk for message in messages]
    transaction.on_commit(lambda: outbox_relay_ids(ids), robust=True)
    return len(ids)


def outbox_enqueue_many(messages: Iterable[tuple[str, dict[str, Any]]]) -> int:
    """Write many outbox rows (task name, kwargs) with one INSERT ... SELECT FROM unnest(...)
    statement in the current transaction; after commit, ask a worker to run the sweeper
    rather than relaying them here one by one. Returns the number of rows written.

    One statement rather than `bulk_create`: with tens of thousands of JSON payloads (a mass
    expiry) it is an order of magnitude faster, whatever the count. (COPY was faster still,
    but PostgreSQL refuses COPY FROM into a table under row-level security.)"""
    names: list[str] = []
    payloads: list[str] = []
    for name, kwargs in messages:
        names.append(name)
        payloads.append(json.dumps(kwargs))
    if not names:
        return 0
    statement = (
        f"INSERT INTO {OutboxMessage._meta.db_table} "
        "(task_name, args, kwargs, task_id, created_at, attempts, last_error) "
        "SELECT name, '[]'::jsonb, payload::jsonb, '', %s, 0, '' "
        "FROM unnest(%s::text[], %s::text[]) AS message(name, payload)"
    )
    with _as_system():
        with connection.cursor() as cursor:
            cursor.execute(statement, [timezone.now(), names, payloads])
        transaction.on_commit(_request_sweep, robust=True)
    return len(names)


def _broker_send(messages: Sequence[OutboxMessage]) -> tuple[list[int], Exception | None]:
    """Publish `messages` in order on one fresh broker connection. Returns the ids published
    and the error that stopped publishing (None when all went). Fails fast when the broker is
    down: no connection retries here, the sweeper is the retry."""
    sent: list[int] = []
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)
            for message in messages:
                app.send_task(
                    message.task_name,
                    args=message.args,
                    kwargs=message.kwargs,
                    task_id=message.celery_task_id,
                    connection=connection,
                    retry=False,
                )
                sent.append(message.pk)
    except Exception as exc:  # kombu/redis/socket errors all mean "broker unavailable"
        return sent, exc
    return sent, None


def _relay_batch(queryset: QuerySet[OutboxMessage], limit: int) -> tuple[int, int, str]:
    """Claim up to `limit` rows of `queryset` that are unsent, or relayed over REDELIVER_AFTER
    ago and never finished; publish them and mark them sent, in one transaction. Publishing
    happens while the rows are locked: if this process dies before commit, the rows stay as
    they were and are published again later with the same task ids."""
    lost_before = timezone.now() - REDELIVER_AFTER
    with transaction.atomic(), _as_system():
        batch = list(
            queryset.filter(
                Q(sent_at__isnull=True) | Q(finished_at__isnull=True, sent_at__lt=lost_before)
            )
            .select_for_update(skip_locked=True)
            .order_by("id")[:limit]
        )
        if not batch:
            return 0, 0, ""
        lost = [m.pk for m in batch if m.sent_at is not None]
        if lost:
            logger.warning(
                "Relaying again %d outbox messages relayed over %s ago and never finished "
                "(lost by the broker?): %s",
                len(lost),
                REDELIVER_AFTER,
                lost[:20],
            )
        sent_ids, error = _broker_send(batch)
        if sent_ids:
            OutboxMessage.objects.filter(pk__in=sent_ids).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1
            )
        unsent_ids = [m.pk for m in batch if m.pk not in set(sent_ids)]
        error_text = f"{error.__class__.__name__}: {error}"[:2000] if error else ""
        if unsent_ids:
            OutboxMessage.objects.filter(pk__in=unsent_ids).update(
                attempts=F("attempts") + 1, last_error=error_text
            )
    return len(sent_ids), len(unsent_ids), error_text


def outbox_finish(*, task_id: str) -> int:
    """Mark the outbox row of task `task_id` finished (the task succeeded, or failed for good
    and was recorded). Task ids `outbox-<pk>` name their row; a retried failed job's row keeps
    its own id. Returns the rows marked (0 for a task not sent through the outbox). Never
    raises: an unmarked row is only relayed once more."""
    prefix, _sep, pk = task_id.partition("-")
    if prefix == "outbox" and pk.isdigit():
        rows = OutboxMessage.objects.filter(pk=int(pk), task_id="")
    else:
        rows = OutboxMessage.objects.filter(task_id=task_id)
    try:
        with _as_system():
            return rows.filter(finished_at__isnull=True).update(finished_at=timezone.now())
    except DatabaseError as exc:  # e.g. the database restarting: relayed once more later
        logger.warning("Could not mark outbox task %s finished: %s", task_id, exc)
        return 0


def outbox_relay(
    *,
    batch_size: int = RELAY_BATCH_SIZE,
    time_budget: datetime.timedelta = RELAY_TIME_BUDGET,
) -> RelayReport:
    """The sweeper: relay unsent outbox rows (and lost ones, see `_relay_batch`), oldest
    first, in batches, until none is left, the broker fails, or `time_budget` is spent. Safe
    to run in several processes at once."""
    report = RelayReport()
    deadline = timezone.now() + time_budget
    while True:
        sent, failed, error = _relay_batch(OutboxMessage.objects.all(), batch_size)
        report.sent += sent
        report.failed += failed
        if error:
            report.errors.append(error)
            logger.warning("Outbox relay stopped, broker unavailable: %s", error)
            break
        if sent < batch_size or timezone.now() >= deadline:
            break
    return report


def outbox_relay_ids(ids: Sequence[int]) -> RelayReport:
    """Relay the given rows if still unsent (the on-commit attempt). Never raises: a failure
    is recorded on the rows and left to the sweeper."""
    report = RelayReport()
    try:
        sent, failed, error = _relay_batch(OutboxMessage.objects.filter(pk__in=ids), len(ids))
    except Exception as exc:  # after commit nothing may break the caller's request
        logger.warning("Outbox relay of %s failed: %s", list(ids), exc)
        report.errors.append(str(exc))
        return report
    report.sent, report.failed = sent, failed
    if error:
        report.errors.append(error)
        logger.warning("Outbox relay deferred to the sweeper, broker unavailable: %s", error)
    return report


def _request_sweep() -> None:
    """Ask a worker to run the sweeper now (after a bulk enqueue). If the broker is down the
    periodic sweeper gets there anyway."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)
            app.send_task(RELAY_TASK, connection=connection, retry=False)
    except Exception as exc:  # broker unavailable: beat's sweeper relays within a minute
        logger.warning("Could not request an outbox sweep: %s", exc)


def outbox_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete relayed outbox rows older than OUTBOX_RETENTION (infrastructure rows, not
    domain records). Unsent rows are never pruned; a row still unfinished after all that
    time (relayed again every REDELIVER_AFTER) is given up, with a warning. Returns the
    number deleted."""
    cutoff = (now or timezone.now()) - OUTBOX_RETENTION
    with _as_system():
        old = OutboxMessage.objects.filter(sent_at__lt=cutoff)
        unfinished = list(old.filter(finished_at__isnull=True).values_list("pk", flat=True)[:20])
        if unfinished:
            logger.warning("Pruning outbox messages that never finished: %s", unfinished)
        deleted, _by_model = old.delete()
    return deleted


def failed_job_record(
    *,
    task_name: str,
    task_id: str,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    error: str,
    traceback: str,
    auto_retry: bool,
) -> FailedJob:
    """Record that task `task_id` failed for good. A job that fails again after a retry
    updates its row: one more failure, a new time, and it is no longer marked retried."""
    with transaction.atomic(), _as_system():
        job, created = FailedJob.objects.select_for_update().get_or_create(
            task_id=task_id,
            defaults={
                "task_name": task_name,
                "args": _json_safe(list(args)),
                "kwargs": _json_safe(dict(kwargs)),
                "error": error,
                "traceback": traceback,
                "auto_retry": auto_retry,
            },
        )
        if not created:
            job.failures += 1
            job.error = error
            job.traceback = traceback
            job.failed_at = timezone.now()
            job.retried_at = None
            job.save(update_fields=("failures", "error", "traceback", "failed_at", "retried_at"))
    return job


def failed_job_retry(*, job: FailedJob) -> bool:
    """Queue `job` again with its original task id (so an email keeps its one log entry).
    Claims the job with a compare-and-swap on `retried_at`: a job already retried and not
    failed since is left alone. Returns whether it was queued."""
    with transaction.atomic(), _as_system():
        claimed = FailedJob.objects.filter(pk=job.pk, retried_at__isnull=True).update(
            retried_at=timezone.now()
        )
        if claimed:
            outbox_enqueue(
                task_name=job.task_name, args=job.args, kwargs=job.kwargs, task_id=job.task_id
            )
    return bool(claimed)


def failed_jobs_retry_due(*, now: datetime.datetime | None = None) -> int:
    """Queue again every failed job whose task allows automatic retries, that failed at least
    FAILED_JOB_RETRY_AFTER ago and fewer than FAILED_JOB_AUTO_RETRY_LIMIT times. Returns the
    number queued. Safe to run concurrently (rows are claimed with SKIP LOCKED)."""
    now = now or timezone.now()
    with transaction.atomic(), _as_system():
        jobs = list(
            FailedJob.objects.select_for_update(skip_locked=True).filter(
                auto_retry=True,
                retried_at__isnull=True,
                failures__lt=FAILED_JOB_AUTO_RETRY_LIMIT,
                failed_at__lte=now - FAILED_JOB_RETRY_AFTER,
            )
        )
        if not jobs:
            return 0
        FailedJob.objects.filter(pk__in=[j.pk for j in jobs]).update(retried_at=now)
        OutboxMessage.objects.bulk_create(
            OutboxMessage(task_name=j.task_name, args=j.args, kwargs=j.kwargs, task_id=j.task_id)
            for j in jobs
        )
        transaction.on_commit(_request_sweep, robust=True)
    return len(jobs)

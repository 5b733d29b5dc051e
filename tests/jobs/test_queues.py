"""Queues by kind of work: what a person waits for never queues behind a mass mailing.

Routes are in settings (CELERY_TASK_ROUTES); `make run` and docker-compose start a worker
that serves only `interactive`. The slow test fills the bulk queue with 10,000 emails and
shows a certificate render queued after them done within seconds by a real worker.
"""

import shlex
import time
from pathlib import Path

import pytest
import redis
import yaml
from django.conf import settings
from django.db import transaction

from certification.models import CertificateFile
from certification.services.certifications import CERTIFICATE_RENDER_TASK
from config.celery import app
from jobs.services import enqueue, outbox_relay
from notifications.services import EMAIL_SEND_BULK_TASK, EMAIL_SEND_TASK, notify, notify_many
from tests.factories import CertificationFactory, UserFactory
from tests.jobs.worker import wait_for

ROOT = Path(settings.BASE_DIR)
QUEUES = {"interactive", "bulk", "default"}


@pytest.fixture(autouse=True, scope="module")
def _tasks_loaded() -> None:
    """Every app's tasks module, as a worker loads them at start."""
    app.loader.import_default_modules()


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("certification.tasks.certificate_render", "interactive"),
        ("notifications.tasks.email_send", "interactive"),
        ("certification.tasks.certificate_render_bulk", "bulk"),
        ("notifications.tasks.email_send_bulk", "bulk"),
        ("certification.tasks.expiry_scan", "bulk"),
        ("jobs.tasks.outbox_relay", "default"),
        ("jobs.tasks.failed_jobs_retry", "default"),
        ("jobs.tasks.outbox_prune", "default"),
        ("exams.tasks.exam_import_commit", "default"),
    ],
)
def test_each_task_goes_to_the_queue_of_its_kind_of_work(task_name, queue):
    assert task_name in app.tasks
    assert queue_of(task_name) == queue


def test_every_task_of_the_product_has_one_of_the_three_queues():
    ours = [name for name in app.tasks if not name.startswith(("celery.", "tests."))]
    assert {queue_of(name) for name in ours} == QUEUES


def test_the_bulk_twins_are_the_same_tasks_under_another_name():
    for name, twin in (
        ("notifications.tasks.email_send", "notifications.tasks.email_send_bulk"),
        ("certification.tasks.certificate_render", "certification.tasks.certificate_render_bulk"),
    ):
        task, bulk = app.tasks[name], app.tasks[twin]
        assert bulk.run.__code__ is task.run.__code__
        for option in ("max_retries", "retry_backoff", "retry_failed_later", "autoretry_for"):
            assert getattr(bulk, option) == getattr(task, option)


def test_one_email_is_interactive_many_are_bulk(db, django_capture_on_commit_callbacks):
    from jobs.models import OutboxMessage

    user = UserFactory()
    with transaction.atomic():
        notify(user=user, kind="certification_expired", context={})
        notify_many([(user.pk, "certification_expired", {})] * 3)
    assert list(OutboxMessage.objects.order_by("id").values_list("task_name", flat=True)) == [
        EMAIL_SEND_TASK,
        *[EMAIL_SEND_BULK_TASK] * 3,
    ]


def _worker_queues(command: list[str]) -> set[str]:
    [option] = [part for part in command if part.startswith("--queues=")]
    return set(option.removeprefix("--queues=").split(","))


def test_make_run_starts_an_interactive_only_worker_and_one_for_every_queue():
    script = (ROOT / "scripts" / "run_all.sh").read_text().replace("\\\n", " ")
    workers = [
        shlex.split(line.split("&")[0])
        for line in script.splitlines()
        if line.startswith(".venv/bin/celery -A config worker")
    ]
    assert [_worker_queues(command) for command in workers] == [{"interactive"}, QUEUES]


def test_docker_compose_starts_an_interactive_only_worker_and_one_for_every_queue():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    workers = {
        name: _worker_queues(service["command"])
        for name, service in compose["services"].items()
        if "worker" in service.get("command", [])
    }
    assert workers == {"worker": QUEUES, "worker-interactive": {"interactive"}}


def _expired_context(certification) -> dict:
    return {
        "certification_id": certification.pk,
        "number": certification.number,
        "county_name": "Alameda",
        "expires_on": "2026-06-14",
        "reinstate_until_on": "2030-06-13",
        "ce_hours": "20",
        "law_and_ethics_hours": "6",
    }


def _render_queued(certification) -> float:
    """Queue the certificate render of `certification` the way a service does (outbox, relayed
    on commit); returns the moment it was committed."""
    with transaction.atomic():
        enqueue(CERTIFICATE_RENDER_TASK, certification_id=certification.pk)
    return time.monotonic()


def _rendered(certification) -> bool:
    return CertificateFile.objects.filter(certification=certification).count() == 2


BULK_EMAILS = 10_000
RENDER_WITHIN_SECONDS = 10


@pytest.mark.slow
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_certificate_queued_after_ten_thousand_bulk_emails_is_rendered_within_seconds(
    celery_workers, kind_queues
):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    # The production topology (scripts/run_all.sh): one worker for interactive work only,
    # one for every queue.
    interactive = celery_workers.launch(kinds=("interactive",))
    everything = celery_workers.launch(kinds=("interactive", "default", "bulk"))
    try:
        interactive.wait_ready()
        everything.wait_ready()
        warm_up, waiting = CertificationFactory.create_batch(2)
        # A first render loads WeasyPrint's fonts: not what this test measures.
        _render_queued(warm_up)
        wait_for(lambda: _rendered(warm_up), timeout=120, what="the warm-up render")

        holder = UserFactory(email="bulk@example.test")
        with transaction.atomic():
            notify_many(
                [(holder.pk, "certification_expired", _expired_context(warm_up))] * BULK_EMAILS
            )
        while outbox_relay().sent:  # the sweeper relays them (a worker may help)
            pass
        assert broker.llen(kind_queues["bulk"]) > BULK_EMAILS * 0.9

        queued_at = _render_queued(waiting)
        wait_for(lambda: _rendered(waiting), timeout=60, what="the render behind the emails")
        elapsed = time.monotonic() - queued_at
        left_in_bulk = broker.llen(kind_queues["bulk"])

        assert elapsed < RENDER_WITHIN_SECONDS
        # It did not wait for the mailing: most of it is still queued.
        assert left_in_bulk > BULK_EMAILS / 2
        # The interactive worker received no bulk task (its log names each task received).
        assert "email_send_bulk[" not in interactive.log()
        # The worker for every queue takes the mailing once it is free (it may still be busy
        # with the outbox sweep that queued the mailing when the render is done).
        wait_for(
            lambda: "email_send_bulk[" in everything.log(),
            timeout=60,
            what="the mailing taken by the worker for every queue",
        )
        assert "email_send_bulk[" not in interactive.log()
    finally:
        # Nothing may run against the database after this test's data is flushed.
        broker.delete(*kind_queues.values())
        interactive.stop()
        everything.stop()
        broker.close()

"""The dead letter: any task that fails for good is recorded; operators retry it."""

import datetime

import pytest
from django.urls import reverse

from jobs.models import FailedJob, OutboxMessage
from jobs.services import FAILED_JOB_AUTO_RETRY_LIMIT, failed_job_retry, failed_jobs_retry_due
from tests.factories import UserFactory
from tests.jobs.worker_tasks import always_fails


@pytest.fixture
def operator(db):
    return UserFactory(email="ops@example.test", is_staff=True, is_superuser=True)


def test_a_failing_task_is_recorded(db):
    always_fails.apply(kwargs={"reason": "broken"}, task_id="job-1")

    job = FailedJob.objects.get()
    assert (job.task_name, job.task_id, job.kwargs, job.failures) == (
        "tests.jobs.always_fails",
        "job-1",
        {"reason": "broken"},
        1,
    )
    assert job.error == "ValueError: broken"
    assert "raise ValueError(reason)" in job.traceback
    assert job.auto_retry is False
    assert job.retried_at is None


def test_a_job_failing_again_after_a_retry_updates_its_row(db):
    always_fails.apply(kwargs={"reason": "first"}, task_id="job-1")
    job = FailedJob.objects.get()
    assert failed_job_retry(job=job) is True

    always_fails.apply(kwargs={"reason": "second"}, task_id="job-1")

    job.refresh_from_db()
    assert (job.failures, job.error, job.retried_at) == (2, "ValueError: second", None)
    assert FailedJob.objects.count() == 1


def test_retry_queues_the_job_once_with_its_task_id(db):
    always_fails.apply(kwargs={"reason": "broken"}, task_id="job-1")
    job = FailedJob.objects.get()

    assert failed_job_retry(job=job) is True
    assert failed_job_retry(job=job) is False  # already retried, not failed since

    message = OutboxMessage.objects.get()
    assert (message.task_name, message.kwargs, message.task_id) == (
        "tests.jobs.always_fails",
        {"reason": "broken"},
        "job-1",
    )
    job.refresh_from_db()
    assert job.retried_at is not None


def test_automatic_retries_only_for_tasks_that_allow_them_and_a_few_times(db):
    now = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    old = now - datetime.timedelta(hours=2)
    due = FailedJob.objects.create(task_name="e", task_id="a", auto_retry=True, failed_at=old)
    FailedJob.objects.create(task_name="x", task_id="b", auto_retry=False, failed_at=old)
    FailedJob.objects.create(
        task_name="e", task_id="c", auto_retry=True, failed_at=now - datetime.timedelta(minutes=5)
    )
    FailedJob.objects.create(
        task_name="e",
        task_id="d",
        auto_retry=True,
        failed_at=old,
        failures=FAILED_JOB_AUTO_RETRY_LIMIT,
    )

    assert failed_jobs_retry_due(now=now) == 1

    assert list(OutboxMessage.objects.values_list("task_id", flat=True)) == ["a"]
    due.refresh_from_db()
    assert due.retried_at == now
    assert FailedJob.objects.filter(retried_at__isnull=False).count() == 1


def test_operators_see_failed_jobs_in_the_admin_and_retry_them(operator, client):
    always_fails.apply(kwargs={"reason": "broken"}, task_id="job-1")
    job = FailedJob.objects.get()
    client.force_login(operator)
    url = reverse("admin:jobs_failedjob_changelist")

    page = client.get(url)
    assert page.status_code == 200
    assert "tests.jobs.always_fails" in page.text
    assert "ValueError: broken" in page.text

    response = client.post(url, {"action": "retry", "_selected_action": [job.pk]}, follow=True)

    assert response.status_code == 200
    assert "1 job queued again." in response.text
    assert OutboxMessage.objects.get().task_id == "job-1"


def test_staff_without_the_permission_cannot_retry(client, db):
    viewer = UserFactory(email="viewer@example.test", is_staff=True)
    client.force_login(viewer)

    response = client.get(reverse("admin:jobs_failedjob_changelist"))

    assert response.status_code == 403
    assert OutboxMessage.objects.count() == 0


def test_email_log_and_outbox_are_visible_to_operators(operator, client):
    client.force_login(operator)
    for name in ("admin:notifications_emaillog_changelist", "admin:jobs_outboxmessage_changelist"):
        assert client.get(reverse(name)).status_code == 200

"""Sending emails: rendering, idempotency, retries with backoff, the log and the dead letter."""

import datetime
from pathlib import Path

import pytest
from django.core import mail

from core.outage import DEPENDENCY_ERRORS
from jobs.models import FailedJob, OutboxMessage
from jobs.services import failed_jobs_retry_due
from notifications.models import EmailLog
from notifications.services import email_render, notify
from notifications.tasks import EMAIL_MAX_RETRIES, email_send
from tests.factories import UserFactory
from tests.notifications.backends import FlakyBackend

REMINDER = "certification_renewal_reminder"
CONTEXT = {
    "certification_id": 1,
    "number": "PSS-0001234",
    "county_name": "Alameda",
    "expires_on": "2027-03-15",
    "days_left": 30,
    "days_before": 30,
    "ce_hours": "20",
    "law_and_ethics_hours": "6",
    "renewal_window_days": 90,
}


@pytest.fixture
def peer(db):
    return UserFactory(email="ana@example.test", first_name="Ana", preferred_language="en")


def send(user, *, task_id="task-1", kind=REMINDER, context=CONTEXT):
    return email_send.apply(
        kwargs={"user_id": user.pk, "kind": kind, "context": context}, task_id=task_id
    )


def test_notify_queues_the_send_task_in_the_outbox(peer):
    notify(user=peer, kind=REMINDER, context=CONTEXT)

    message = OutboxMessage.objects.get()
    assert message.task_name == "notifications.tasks.email_send"
    assert message.kwargs == {"user_id": peer.pk, "kind": REMINDER, "context": CONTEXT}


def test_email_is_multipart_and_logged(peer, settings):
    send(peer)

    [message] = mail.outbox
    assert message.to == ["ana@example.test"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Your peer support certification expires in 30 days"
    assert "certification PSS-0001234 expires in 30 days, on March 15, 2027." in message.body
    assert f"{settings.SITE_URL}/me/" in message.body
    assert "You can file your renewal up to 90 days before the expiry date." in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert "<strong>PSS-0001234</strong>" in html
    assert f'href="{settings.SITE_URL}/me/"' in html
    log = EmailLog.objects.get()
    assert (log.idempotency_key, log.user, log.to, log.kind, log.status, log.attempts) == (
        "task-1",
        peer,
        "ana@example.test",
        REMINDER,
        "sent",
        1,
    )
    assert log.subject == message.subject
    assert log.sent_at is not None
    assert log.error == ""


def test_email_is_rendered_in_the_recipients_language(peer):
    peer.preferred_language = "es"
    peer.save()

    send(peer)

    [message] = mail.outbox
    assert "15 de marzo de 2027" in message.body
    assert '<html lang="es">' in message.alternatives[0][0]


def test_a_redelivered_task_sends_once(peer):
    send(peer, task_id="same")
    send(peer, task_id="same")

    assert len(mail.outbox) == 1
    log = EmailLog.objects.get()
    assert (log.status, log.attempts) == ("sent", 1)


def test_different_tasks_are_different_emails(peer):
    send(peer, task_id="first")
    send(peer, task_id="second")

    assert len(mail.outbox) == 2
    assert EmailLog.objects.count() == 2


def test_smtp_errors_are_retried_until_the_email_goes(peer, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 2

    send(peer)

    assert len(mail.outbox) == 1
    log = EmailLog.objects.get()
    assert (log.status, log.attempts, log.error) == ("sent", 3, "")
    assert FailedJob.objects.count() == 0


def test_email_send_backs_off_exponentially():
    assert email_send.autoretry_for == (OSError, *DEPENDENCY_ERRORS)
    assert email_send.max_retries == EMAIL_MAX_RETRIES == 5
    assert email_send.retry_backoff == 30
    assert email_send.retry_jitter is True
    assert email_send.retry_failed_later is True


def test_smtp_down_fails_for_good_after_the_retries(peer, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"

    result = send(peer)

    assert result.failed()
    assert mail.outbox == []
    log = EmailLog.objects.get()
    assert (log.status, log.attempts) == ("failed", EMAIL_MAX_RETRIES + 1)
    assert log.error == "SMTPServerDisconnected: Connection unexpectedly closed"
    job = FailedJob.objects.get()
    assert (job.task_name, job.task_id, job.failures, job.auto_retry) == (
        "notifications.tasks.email_send",
        "task-1",
        1,
        True,
    )
    assert job.kwargs == {"user_id": peer.pk, "kind": REMINDER, "context": CONTEXT}
    assert "SMTPServerDisconnected" in job.error
    assert "Traceback" in job.traceback


def test_a_failed_email_is_retried_later_under_the_same_log_entry(peer, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    send(peer)
    job = FailedJob.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert failed_jobs_retry_due(now=job.failed_at + datetime.timedelta(minutes=30)) == 0
    assert failed_jobs_retry_due(now=job.failed_at + datetime.timedelta(hours=2)) == 1
    assert failed_jobs_retry_due(now=job.failed_at + datetime.timedelta(hours=3)) == 0

    message = OutboxMessage.objects.get()
    assert (message.task_name, message.task_id) == ("notifications.tasks.email_send", "task-1")
    email_send.apply(kwargs=message.kwargs, task_id=message.celery_task_id)
    assert len(mail.outbox) == 1
    log = EmailLog.objects.get()
    assert (log.status, log.attempts) == ("sent", EMAIL_MAX_RETRIES + 2)


def test_a_missing_template_fails_at_once_without_retries(peer):
    send(peer, kind="no_such_email")

    assert mail.outbox == []
    log = EmailLog.objects.get()
    assert (log.status, log.attempts, log.kind) == ("failed", 1, "no_such_email")
    assert log.error.startswith("TemplateDoesNotExist")
    job = FailedJob.objects.get()
    assert job.error.startswith("TemplateDoesNotExist")


TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"
KINDS = sorted(path.name.removesuffix(".subject.txt") for path in TEMPLATES.glob("*.subject.txt"))


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_email_kind_renders_with_a_one_line_subject(peer, kind, language):
    peer.preferred_language = language
    context = {
        **CONTEXT,
        "reinstate_until_on": "2031-03-14",
        "window_ends_on": "2027-01-31",
        "count": 2,
    }

    message = email_render(user=peer, kind=kind, context=context)

    assert message.subject.strip() == message.subject
    assert "\n" not in message.subject
    assert message.body.strip()
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'lang="{language}"' in html or "<html" not in html


@pytest.fixture
def logged_backend(settings):
    settings.EMAIL_BACKEND = "notifications.mail.LoggedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_emails_sent_outside_the_task_are_logged_by_the_backend(peer, logged_backend):
    mail.send_mail("Confirm your email", "Click the link.", None, ["ana@example.test"])

    assert len(mail.outbox) == 1
    log = EmailLog.objects.get()
    assert (log.to, log.user, log.kind, log.subject, log.status, log.attempts) == (
        "ana@example.test",
        peer,
        "direct",
        "Confirm your email",
        "sent",
        1,
    )


def test_a_failed_direct_send_is_logged_and_raised(peer, logged_backend, settings):
    settings.EMAIL_DELIVERY_BACKEND = "tests.notifications.backends.FailingBackend"
    message = mail.EmailMessage("Invitation", "Join", to=["someone@example.test"])
    message.extra_headers["X-Peercert-Kind"] = "staff_invitation"

    with pytest.raises(OSError):
        message.send()

    log = EmailLog.objects.get()
    assert (log.to, log.user, log.kind, log.status) == (
        "someone@example.test",
        None,
        "staff_invitation",
        "failed",
    )
    assert log.error == "SMTPServerDisconnected: Connection unexpectedly closed"


def test_task_emails_are_logged_once_through_the_backend(peer, logged_backend):
    send(peer)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Peercert-Kind"] == REMINDER
    log = EmailLog.objects.get()
    assert (log.idempotency_key, log.status) == ("task-1", "sent")


def test_a_closed_account_gets_no_more_email(peer):
    peer.is_active = False
    peer.save(update_fields=["is_active"])
    send(peer, task_id="closed")

    assert mail.outbox == []
    log = EmailLog.objects.get()
    assert (log.status, log.to, log.kind) == ("skipped", "ana@example.test", REMINDER)

"""The Celery application. Tasks live in each app's tasks.py, take ids and call services.

Every task's class is `jobs.base_task.RecordedTask`: one that fails for good is recorded as a
`jobs.FailedJob` (visible in the Django admin, with a retry action). The beat schedule lives
here, in code.
"""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init
from django.conf import settings

from core.rls import worker_context_install

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("peercert", task_cls="jobs.base_task:RecordedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _tasks_act_for_the_system(**kwargs) -> None:
    """Row-level security: every task runs as the application role acting for the system
    (core/rls.py, `worker_context_install`)."""
    worker_context_install()


app.conf.beat_schedule = {
    # Reminders, expiries, vacated certifications and expired applications (set-based).
    "expiry-scan-daily": {
        "task": "certification.tasks.expiry_scan",
        "schedule": crontab(hour=1, minute=30),
    },
    # Hours required after failed CE audits: made up, or the deadline passed (set-based).
    "ce-audit-makeup-daily": {
        "task": "ce_audits.tasks.ce_audit_makeup_scan",
        "schedule": crontab(hour=2, minute=0),
    },
    # Case decisions: corrective actions met or overdue, suspensions ended on their date.
    "case-decisions-daily": {
        "task": "cases.tasks.case_decisions_scan",
        "schedule": crontab(hour=2, minute=10),
    },
    # Case deadlines: the investigator warned before the acknowledgement and resolution
    # deadlines, and told once missed (each email once).
    "case-deadlines-daily": {
        "task": "cases.tasks.case_deadlines_scan",
        "schedule": crontab(hour=6, minute=40),
    },
    # Relays outbox rows the on-commit attempt could not send (broker down, process died).
    "outbox-relay": {
        "task": "jobs.tasks.outbox_relay",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Failed emails are tried again an hour later, a few times, before waiting for operators.
    "failed-jobs-retry": {
        "task": "jobs.tasks.failed_jobs_retry",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    # Webhook deliveries whose retry is due (employers.services.webhooks).
    "webhook-retries": {
        "task": "employers.tasks.webhook_retries_queue",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Employers: "expires in 60/30 days" notices, daily digests, failing endpoints disabled;
    # after the expiry scan, so the day's expiries are in the digests (EMPLOYER_DAILY_TIME).
    "employer-daily": {
        "task": "employers.tasks.employer_daily",
        "schedule": crontab(
            hour=settings.EMPLOYER_DAILY_HOUR, minute=settings.EMPLOYER_DAILY_MINUTE
        ),
    },
    # Providers: approval cycles opening today announced, approvals ending within 60 days
    # (ProviderPolicy.lapse_notice_days) told once (providers.tasks).
    "provider-daily": {
        "task": "providers.tasks.provider_daily",
        "schedule": crontab(hour=6, minute=20),
    },
    # Copies of replaced and removed uploads, past their retention (SECURITY.md, "Uploads").
    "removed-files-purge": {
        "task": "documents.tasks.removed_files_purge_daily",
        "schedule": crontab(hour=2, minute=40),
    },
    # Personal data exports past their 7 days (privacy.services).
    "personal-data-exports-purge": {
        "task": "privacy.tasks.personal_data_exports_purge_daily",
        "schedule": crontab(hour=2, minute=50),
    },
    "outbox-prune": {
        "task": "jobs.tasks.outbox_prune",
        "schedule": crontab(hour=3, minute=10),
    },
    # The statewide analytics' figures, pre-aggregated for the pages and the API (set-based).
    "analytics-figures-refresh": {
        "task": "analytics.tasks.figures_refresh_hourly",
        "schedule": crontab(minute=5),
    },
}

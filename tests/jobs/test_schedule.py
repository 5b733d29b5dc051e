"""The beat schedule: in code, naming tasks that exist."""

from celery.schedules import crontab

from config.celery import app


def test_the_beat_schedule_names_registered_tasks():
    schedule = app.conf.beat_schedule
    app.loader.import_default_modules()

    assert {name: entry["task"] for name, entry in schedule.items()} == {
        "expiry-scan-daily": "certification.tasks.expiry_scan",
        "ce-audit-makeup-daily": "ce_audits.tasks.ce_audit_makeup_scan",
        "case-decisions-daily": "cases.tasks.case_decisions_scan",
        "case-deadlines-daily": "cases.tasks.case_deadlines_scan",
        "outbox-relay": "jobs.tasks.outbox_relay",
        "failed-jobs-retry": "jobs.tasks.failed_jobs_retry",
        "outbox-prune": "jobs.tasks.outbox_prune",
        "removed-files-purge": "documents.tasks.removed_files_purge_daily",
        "personal-data-exports-purge": "privacy.tasks.personal_data_exports_purge_daily",
        "webhook-retries": "employers.tasks.webhook_retries_queue",
        "employer-daily": "employers.tasks.employer_daily",
        "provider-daily": "providers.tasks.provider_daily",
        "analytics-figures-refresh": "analytics.tasks.figures_refresh_hourly",
    }
    assert all(entry["task"] in app.tasks for entry in schedule.values())
    assert schedule["expiry-scan-daily"]["schedule"] == crontab(hour=1, minute=30)
    assert schedule["case-decisions-daily"]["schedule"] == crontab(hour=2, minute=10)
    assert schedule["case-deadlines-daily"]["schedule"] == crontab(hour=6, minute=40)
    assert schedule["outbox-relay"]["schedule"] == 60.0
    assert schedule["webhook-retries"]["schedule"] == 60.0
    assert schedule["employer-daily"]["schedule"] == crontab(hour=6, minute=0)
    assert schedule["provider-daily"]["schedule"] == crontab(hour=6, minute=20)
    assert schedule["analytics-figures-refresh"]["schedule"] == crontab(minute=5)
    assert schedule["removed-files-purge"]["schedule"] == crontab(hour=2, minute=40)
    assert schedule["personal-data-exports-purge"]["schedule"] == crontab(hour=2, minute=50)

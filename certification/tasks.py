"""Background tasks of the certification app: thin wrappers that take ids and call services.
Both are idempotent: the broker may deliver a message twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from certification.certificates import certificate_render as render_certificates
from certification.expiry import expiry_scan_run


@shared_task(ignore_result=True)
def expiry_scan(today: str | None = None) -> dict[str, int]:
    """The daily expiry scan (beat) for `today` (ISO date; default: the local date).
    Returns counts for the worker log."""
    on = datetime.date.fromisoformat(today) if today else timezone.localdate()
    report = expiry_scan_run(today=on)
    return {
        "applications_expired": len(report.applications_expired),
        "certifications_expired": len(report.certifications_expired),
        "certifications_vacated": len(report.certifications_vacated),
        "reminders_sent": sum(report.reminders_sent.values()),
    }


def _certificate_render(certification_id: int) -> int:
    """Render and store the certificates of `certification_id` if its visible state has no
    stored files yet. Returns the number of files stored (0 when up to date).

    While the database restarts the render is retried (`jobs.base_task.RecordedTask`); after
    the last retry a FailedJob is recorded, which the scheduled retry picks up later."""
    return len(render_certificates(certification_id=certification_id))


# One task under two names: `certificate_render` after a person's own change (issue,
# renewal: they are waiting for it; the `interactive` queue) and `certificate_render_bulk`
# for the expiry scan's fan-out (the `bulk` queue). Routes: CELERY_TASK_ROUTES in settings.
certificate_render = shared_task(
    name="certification.tasks.certificate_render", retry_failed_later=True, ignore_result=True
)(_certificate_render)
certificate_render_bulk = shared_task(
    name="certification.tasks.certificate_render_bulk",
    retry_failed_later=True,
    ignore_result=True,
)(_certificate_render)

"""Background work of the documents app. Tasks are safe to run twice."""

from celery import shared_task

from documents.services import removed_files_purge


@shared_task(ignore_result=True)
def removed_files_purge_daily() -> int:
    """Delete the copies of files removed longer ago than the retention (beat, daily)."""
    return removed_files_purge()

"""Background work of the privacy app. Tasks take ids and are safe to run twice."""

from celery import shared_task

from privacy import services


@shared_task(ignore_result=True)
def personal_data_export_build(user_id: int, export_id: str) -> str:
    """Build a person's data export (`services.personal_data_export_build`)."""
    return services.personal_data_export_build(user_id=user_id, export_id=export_id)


@shared_task(ignore_result=True)
def personal_data_exports_purge_daily() -> int:
    """Delete stored exports past their keeping time (beat, daily)."""
    return services.personal_data_exports_purge()

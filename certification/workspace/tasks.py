"""Background work of the county workspace (registered through settings.CELERY_IMPORTS, as
this package is not an app of its own). Tasks take ids and are safe to run twice."""

from celery import shared_task

from certification.workspace import exam_import


@shared_task(ignore_result=True)
def exam_import_commit(token: str, user_id: int, county_id: int) -> int:
    """One step of a large exam results import (`exam_import.commit_in_background`)."""
    return exam_import.commit_in_background(token=token, user_id=user_id, county_id=county_id)

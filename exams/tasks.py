"""Background work of the exams app. Tasks take ids and are safe to run twice."""

from celery import shared_task

from exams import imports


@shared_task(ignore_result=True)
def exam_import_commit(token: str, user_id: int, county_id: int) -> int:
    """One step of a large exam results import (`imports.commit_in_background`)."""
    return imports.commit_in_background(token=token, user_id=user_id, county_id=county_id)

"""The default Celery task class (config/celery.py): a task that meets a dependency restarting
is retried, and one that fails for good is recorded.

"For good" means the exception escaped after any retries were used up (Celery calls
`on_failure` only then; a retry calls `on_retry`), or the hard time limit killed it. A task
lost with its worker is not a failure: with `acks_late` and `reject_on_worker_lost` its
message goes back to the queue.
"""

import logging
from typing import Any

import pghistory
from celery import Task, states

from core.outage import DEPENDENCY_ERRORS

logger = logging.getLogger(__name__)


class RecordedTask(Task):
    """Records a `jobs.FailedJob` (the dead letter) when the task fails for good.

    Every task is retried when PostgreSQL or Redis is unreachable (`core.outage`: connection
    refused, or terminated under a query), 5 s, 10 s, 20 s... apart with jitter, at most
    `max_retries` times; tasks are idempotent, so a retry after a partial run is safe. A task
    naming its own `autoretry_for` must include DEPENDENCY_ERRORS.

    Set `retry_failed_later = True` on tasks whose failures should be retried automatically
    later by the scheduled `jobs.tasks.failed_jobs_retry` (e.g. emails when SMTP is down).
    """

    autoretry_for = DEPENDENCY_ERRORS
    max_retries = 5
    retry_backoff = 5
    retry_backoff_max = 300
    retry_jitter = True
    retry_failed_later = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Field-history rows written by the task name it (the database triggers store the
        # context with each row); the task acts for the system unless a service says who.
        with pghistory.context(task=self.name, system=True):
            return super().__call__(*args, **kwargs)

    def after_return(
        self, status: str, retval: Any, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """A task that ended (not one waiting for a retry) finishes its outbox row, so the
        sweeper does not relay it again (`jobs.services.outbox_finish`)."""
        if status in (states.SUCCESS, states.FAILURE):
            from jobs.services import outbox_finish

            outbox_finish(task_id=task_id)
        super().after_return(status, retval, task_id, args, kwargs, einfo)

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        from jobs.services import failed_job_record

        try:
            failed_job_record(
                task_name=self.name,
                task_id=task_id,
                args=list(args or ()),
                kwargs=dict(kwargs or {}),
                error=f"{exc.__class__.__name__}: {exc}"[:5000],
                traceback=str(einfo) if einfo is not None else "",
                auto_retry=self.retry_failed_later,
            )
        except Exception:  # the dead letter must not hide the original failure
            logger.exception("Could not record failed job %s[%s]", self.name, task_id)
        super().on_failure(exc, task_id, args, kwargs, einfo)

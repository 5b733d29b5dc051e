"""Settings of the Celery worker subprocesses that tests start (tests/jobs/worker.py).

The production settings, plus: queues of the test session's own (so no other worker on the
same Redis takes the tests' messages: every task to TEST_CELERY_QUEUE, or with
TEST_CELERY_BY_KIND each kind of work to its own session queue, tests/jobs/routing.py), and
unacknowledged messages restored every second instead of every ~100 s (the killed-worker
test shortens the visibility timeout too).
"""

from config.settings import *  # noqa: F403
from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_TASK_ROUTES, env
from tests.jobs.routing import routes_by_kind, routes_to_one

_routes = (
    routes_by_kind(env("TEST_CELERY_QUEUE"), CELERY_TASK_ROUTES)
    if env.bool("TEST_CELERY_BY_KIND", default=False)
    else routes_to_one(env("TEST_CELERY_QUEUE"))
)
CELERY_TASK_DEFAULT_QUEUE = _routes["task_default_queue"]
CELERY_TASK_ROUTES = _routes["task_routes"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

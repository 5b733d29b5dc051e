"""Settings of the Celery worker subprocesses that tests start (tests/jobs/worker.py).

The production settings, plus: a queue of the test session's own (so no other worker on the
same Redis takes the tests' messages), and unacknowledged messages restored every second
instead of every ~100 s (the killed-worker test shortens the visibility timeout too).
"""

from config.settings import *  # noqa: F403
from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS, env

CELERY_TASK_DEFAULT_QUEUE = env("TEST_CELERY_QUEUE")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

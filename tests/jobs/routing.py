"""Queues of a test session's own, for the production routes (CELERY_TASK_ROUTES).

The test process and its worker subprocesses share the developer's Redis: they must never
send to or take from the real queues (`interactive`, `bulk`, `default`). Either every task
goes to one queue of the session's (`routes_to_one`, what most worker tests need), or each
kind of work to a queue of the session's named after it (`routes_by_kind`:
`<queue>-interactive`, `<queue>-bulk`, `<queue>-default`), as in production.

Imported by the workers' settings module too: no Django or pytest import here.
"""

from collections.abc import Mapping
from typing import Any

KINDS = ("interactive", "bulk", "default")


def kind_queue(queue: str, kind: str) -> str:
    return f"{queue}-{kind}"


def routes_to_one(queue: str) -> dict[str, Any]:
    """(default queue, routes): every task to `queue`."""
    return {"task_default_queue": queue, "task_routes": {"*": {"queue": queue}}}


def routes_by_kind(queue: str, production_routes: Mapping[str, Mapping[str, str]]) -> dict:
    """(default queue, routes): the production routes, each kind's queue renamed for the
    session."""
    return {
        "task_default_queue": kind_queue(queue, "default"),
        "task_routes": {
            name: {"queue": kind_queue(queue, route["queue"])}
            for name, route in production_routes.items()
        },
    }

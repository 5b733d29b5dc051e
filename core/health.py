"""GET /healthz: each dependency and its state; 503 naming the one that is down."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # any driver error means the dependency is down
        return f"down: {exc.__class__.__name__}"


def _broker_state() -> str:
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return "ok"
    except Exception as exc:  # connection refused, DNS failure, timeout, auth error
        return f"down: {exc.__class__.__name__}"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_state(), "broker": _broker_state()}
    down = [name for name, state in checks.items() if state != "ok"]
    body: dict[str, object] = {"status": "ok" if not down else "down", "checks": checks}
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)

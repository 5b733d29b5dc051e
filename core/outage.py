"""Answers while a dependency restarts: 503 "temporarily unavailable", never a 500.

When PostgreSQL restarts, every request that needs it fails with the driver's
OperationalError or InterfaceError (connection refused, "terminating connection due to
administrator command", a connection closed under the query); when Redis restarts, the
requests that touch the cache (the API's rate limits count there) fail with redis'
ConnectionError. Neither is a bug in the request: the right answer is 503 with `Retry-After`,
JSON for the API and a plain page for browsers, and the next request after the dependency is
back succeeds without restarting anything (persistent connections are health-checked before
reuse: CONN_HEALTH_CHECKS in config/settings.py).

Why a 500 handler and not a middleware's `process_exception`: most requests first touch the
database inside middleware (the session, the signed-in user, the row-level security context),
where `process_exception` never sees the error. Every uncaught exception, wherever it is
raised, reaches `handler500` (config/urls.py) with the exception still being handled, so
`server_error` can tell an outage from a bug. With DEBUG on, Django shows its technical page
instead, as for any error.

The page is rendered without the request (no context processors: they read the user, which
needs the database that is down).
"""

import logging
import sys

import psycopg
import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger(__name__)

# Errors that mean "a dependency is unreachable right now", not "this request is wrong".
# The psycopg ones reach here unwrapped when raised on the driver's own cursor.
DEPENDENCY_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    redis.ConnectionError,
    redis.TimeoutError,
)
# A PostgreSQL or Redis restart takes a few seconds.
RETRY_AFTER_SECONDS = 5


def is_dependency_outage(exc: BaseException | None) -> bool:
    """Whether `exc`, or an exception it was raised from, is a dependency being unreachable."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DEPENDENCY_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: `{"detail": ...}` for the API, a page for browsers."""
    message = _("The service is temporarily unavailable. Please try again in a moment.")
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while a dependency is down (see the module docstring), else Django's
    own 500 page (templates/500.html)."""
    exc = sys.exc_info()[1]
    if is_dependency_outage(exc):
        logger.warning(
            "Dependency unavailable (%s) for %s %s: answered 503",
            exc.__class__.__name__,
            request.method,
            request.path,
        )
        return unavailable_response(request)
    return django_server_error(request)

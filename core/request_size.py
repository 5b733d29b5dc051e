"""Request bodies over the limit are refused before a byte of them is read (SECURITY.md,
"Uploads"; issue 18, item 7).

Django reads a request's body when a view (or the CSRF check) first touches `request.POST`
or `request.FILES`; a file part larger than `FILE_UPLOAD_MAX_MEMORY_SIZE` is then written to
a temporary file on disk, whatever its size, before any form can say it is too big. This
middleware, placed before anything that reads the body, compares the declared
`Content-Length` with `REQUEST_BODY_MAX_BYTES` and answers 413 at once: the body is never
read, so nothing reaches memory or disk. A body without `Content-Length` (chunked transfer
encoding) is not read by Django at all (its WSGI request reads exactly `Content-Length`
bytes, 0 when absent), so it cannot get around the check.

The same limit stands in front: nginx's `client_max_body_size` (docker-compose.yml) refuses a
larger body before gunicorn sees it. gunicorn itself has no body limit (its `limit_request_*`
settings cap only the request line and headers), so this middleware is the application's own
cap wherever it is deployed.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core import policy


def declared_length(request: HttpRequest) -> int:
    """The body length the request declares (0 when absent or not a number, as Django reads
    it)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except (TypeError, ValueError):
        return 0


def too_large_response(request: HttpRequest) -> HttpResponse:
    """The 413 answer: JSON for the API, else a standalone page in the reader's language
    (no database, no session: nothing of the request is read to build it)."""
    megabytes = settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": _("The request body is larger than %(size)d MB, the most accepted.")
                % {"size": megabytes}
            },
            status=413,
        )
    else:
        response = HttpResponse(
            render_to_string(
                "413.html",
                {
                    "limit_mb": megabytes,
                    "upload_mb": policy.UPLOAD_MAX_BYTES // (1024 * 1024),
                },
            ),
            status=413,
        )
    return response


class RequestBodyLimitMiddleware:
    """Answers 413 to a request declaring a body over `settings.REQUEST_BODY_MAX_BYTES`,
    before anything reads it (keep it above the CSRF middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if declared_length(request) > settings.REQUEST_BODY_MAX_BYTES:
            return too_large_response(request)
        return self.get_response(request)

"""Site-wide request middleware that belongs to no single app."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY

from accounts import roles


class StaffSessionIdleTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request (30 minutes by
    default); every request restarts the clock. Applicants keep Django's default session age."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only sessions that carry a login: an API request authenticated by token has none,
        # and must not create one.
        signed_in_by_session = SESSION_KEY in getattr(request, "session", {})
        if signed_in_by_session and user.is_authenticated and roles.is_program_staff(user):
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return response

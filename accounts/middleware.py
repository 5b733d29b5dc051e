"""Request middleware for staff accounts: MFA before any staff page, and the idle timeout of
staff sessions."""

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import roles

# Pages a staff member without MFA may still reach: every allauth page (sign-in and out,
# email, password, enrolling in MFA), public pages and assets. The API follows the same rule
# for requests signed in by session (answered in JSON); a request with an API key is
# authenticated inside the view (the user here is anonymous): keys, created only after MFA,
# are the machine path. The public verification and the API's schema and docs stay open.
_EXEMPT_PREFIXES = (
    "/static/",
    "/healthz",
    "/i18n/",
    "/verify/",
    "/api/v1/verify/",
    "/api/schema/",
    "/api/docs/",
)
_API_PREFIX = "/api/"
# By the full view name (namespace included): the site's public home page only. A page named
# "home" in a front end's namespace ("portal:home") is gated like every other page.
_EXEMPT_VIEW_NAMES = {"home"}
_SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def _carries_api_key(request) -> bool:
    """An API request with `Authorization: Token ...`: DRF authenticates it as the key's
    holder (keys are created on a page behind this gate), whatever session it also sends."""
    return request.META.get("HTTP_AUTHORIZATION", "").startswith("Token ")


class StaffMfaRequiredMiddleware:
    """When STAFF_MFA_REQUIRED is on, county, state and employer staff and operators who have
    no authenticator (an app or a security key; recovery codes alone do not count) are sent to
    set one up before any other page; on the API, a request signed in by session is refused
    with 403 in JSON. Applicants are never gated."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._must_enrol(request, view_func):
            return None
        message = _(
            "Staff accounts must use two-factor authentication. Set up an authenticator "
            "app to continue."
        )
        if request.path.startswith(_API_PREFIX):
            return JsonResponse({"detail": message}, status=403)
        messages.warning(request, message)
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_activate_totp')}?{query}")

    @staticmethod
    def _must_enrol(request, view_func) -> bool:
        if not settings.STAFF_MFA_REQUIRED or not request.user.is_authenticated:
            return False
        if getattr(view_func, "__module__", "").startswith("allauth."):
            return False
        if request.path.startswith(_EXEMPT_PREFIXES):
            return False
        if request.path.startswith(_API_PREFIX) and _carries_api_key(request):
            return False
        match = request.resolver_match
        if match is not None and match.view_name in _EXEMPT_VIEW_NAMES:
            return False
        if not roles.is_staff_of_anyone(request.user):
            return False
        return not is_mfa_enabled(request.user, _SECOND_FACTORS)


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
        if signed_in_by_session and user.is_authenticated and roles.is_staff_of_anyone(user):
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return response

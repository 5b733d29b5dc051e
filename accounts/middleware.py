from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts import roles

# Paths a staff member without MFA may still reach: enrolling, signing out, static assets.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/verify/")


class StaffMfaRequiredMiddleware:
    """When STAFF_MFA_REQUIRED is on, county and state staff without an enrolled
    authenticator are sent to set one up before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            return redirect(reverse("mfa_activate_totp") + f"?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request) -> bool:
        if not settings.STAFF_MFA_REQUIRED or not request.user.is_authenticated:
            return False
        if request.path.startswith(_MFA_EXEMPT_PREFIXES) or request.path.startswith("/api/"):
            return False
        if not roles.is_program_staff(request.user):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists()

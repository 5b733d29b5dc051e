"""Who may call the staff endpoints of the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.roles import is_program_staff, is_state_staff


class IsProgramStaff(BasePermission):
    """County or state staff. Anyone else who is signed in gets 403; the anonymous caller is
    refused earlier by `IsAuthenticated` with 401 and `WWW-Authenticate: Token`."""

    message = _("Only county and state program staff may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return is_program_staff(request.user)


class IsStateStaff(BasePermission):
    """State staff only (the oversight figures); county staff and anyone else signed in get
    403."""

    message = _("Only state program staff may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return is_state_staff(request.user)

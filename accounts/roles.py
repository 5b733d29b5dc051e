"""What kind of person a user is, for navigation and gates. Permission to see data is decided
by each app's selectors (the access layer), not here."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User


def is_county_staff(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_county_staff", None)
    if cached is None:
        cached = user.county_memberships.exists()
        vars(user)["_is_county_staff"] = cached  # an attribute the model does not declare
    return cached


def is_state_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_state_staff)


def is_program_staff(user: User | AnonymousUser) -> bool:
    """County or state staff: the people who must use MFA when STAFF_MFA_REQUIRED is on."""
    return is_state_staff(user) or is_county_staff(user)

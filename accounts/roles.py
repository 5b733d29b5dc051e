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


def is_employer_staff(user: User | AnonymousUser) -> bool:
    """On the staff of an employer (`employers.EmployerMembership`, reached through its
    reverse relation: that app sits above this one)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_employer_staff", None)
    if cached is None:
        cached = user.employer_memberships.exists()
        user._is_employer_staff = cached
    return cached


def is_state_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_state_staff)


def is_program_staff(user: User | AnonymousUser) -> bool:
    """County or state staff."""
    return is_state_staff(user) or is_county_staff(user)


def is_staff_of_anyone(user: User | AnonymousUser) -> bool:
    """County, state or employer staff: the people who must use MFA when STAFF_MFA_REQUIRED
    is on, and whose sessions end after STAFF_SESSION_IDLE_SECONDS."""
    return is_program_staff(user) or is_employer_staff(user)

"""What kind of person a user is, for navigation and gates. Permission to see data is decided
by each app's selectors (the access layer), not here."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists

from accounts.models import User


def _memberships(user: User) -> tuple[bool, bool, bool]:
    """Whether `user` holds a county membership, an employer membership and a provider
    membership: one query for all three, cached on the user object (a request's user lives for
    one request). The membership tables belong to apps above this one and are reached through
    their reverse relations."""
    cached = vars(user).get("_staff_memberships")
    if cached is None:
        row = (
            User.objects.filter(pk=user.pk)
            .values_list(
                Exists(user.county_memberships.all()),
                Exists(user.employer_memberships.all()),
                Exists(user.provider_memberships.all()),
            )
            .first()
        )
        cached = (bool(row[0]), bool(row[1]), bool(row[2])) if row else (False, False, False)
        vars(user)["_staff_memberships"] = cached  # an attribute the model does not declare
    return cached


def is_county_staff(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return _memberships(user)[0]


def is_employer_staff(user: User | AnonymousUser) -> bool:
    """On the staff of an employer (`employers.EmployerMembership`)."""
    if not user.is_authenticated:
        return False
    return _memberships(user)[1]


def is_provider_staff(user: User | AnonymousUser) -> bool:
    """On the staff of a training or CE provider (`providers.ProviderMembership`)."""
    if not user.is_authenticated:
        return False
    return _memberships(user)[2]


def is_state_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_state_staff)


def is_program_staff(user: User | AnonymousUser) -> bool:
    """County or state staff."""
    return is_state_staff(user) or is_county_staff(user)


def is_operator(user: User | AnonymousUser) -> bool:
    """May use the Django admin (`is_staff`)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_staff_of_anyone(user: User | AnonymousUser) -> bool:
    """County, state, employer or provider staff, or an operator: the people who must use MFA
    when STAFF_MFA_REQUIRED is on, and whose sessions end after STAFF_SESSION_IDLE_SECONDS."""
    return (
        is_operator(user)
        or is_program_staff(user)
        or is_employer_staff(user)
        or is_provider_staff(user)
    )

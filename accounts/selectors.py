"""Reads about accounts that every access layer (`*/selectors.py`) starts from."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User


def can_read(user: User | AnonymousUser | None) -> bool:
    """Only signed-in, active users see any private row."""
    return bool(user is not None and user.is_authenticated and user.is_active)

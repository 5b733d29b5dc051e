"""Reads about accounts that every access layer (`*/selectors.py`) starts from."""

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser

from accounts.models import User


def can_read(user: User | AnonymousUser | None) -> TypeGuard[User]:
    """Only signed-in, active users see any private row. After `if not can_read(user):
    return ...` the type checker knows `user` is a `User`."""
    return bool(user is not None and user.is_authenticated and user.is_active)

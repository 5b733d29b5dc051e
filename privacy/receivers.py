"""allauth's account signals, each handed to one service (no logic here)."""

from typing import Any

from privacy.services import api_keys_revoke_after_password_change


def password_replaced(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """`password_changed` (signed in) and `password_reset` (by an emailed link)."""
    if user is not None and user.pk is not None:
        api_keys_revoke_after_password_change(user=user)

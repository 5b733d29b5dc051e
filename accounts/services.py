"""Writes for accounts: API tokens."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Language, User, hash_token_key
from core.errors import DomainError

DEFAULT_TOKEN_DAYS = 90
# Keys expire within a year at most, so a forgotten key stops working on its own (our choice).
MAX_TOKEN_DAYS = 365


def api_token_create(
    *, user: User, days: int = DEFAULT_TOKEN_DAYS, name: str = ""
) -> tuple[ApiToken, str]:
    """Create a key for `user`, valid for `days` (1 to MAX_TOKEN_DAYS, else DomainError).
    Returns the row and the plain key, which is never stored."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise DomainError(
            _("A key is valid for 1 to %(max)d days.") % {"max": MAX_TOKEN_DAYS}, field="days"
        )
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:8],
        key_hash=hash_token_key(key),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token, key


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of `user`'s own keys. Returns False when there was nothing to revoke."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every live key of `user` (their password changed: whoever knew the old one may
    have minted a key). Returns the number revoked."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def user_language_set(*, user: User, language: str) -> bool:
    """Remember `language` ("en" or "es") as the person's preferred language: the language of
    their emails and of the site when they sign in on another browser. Returns True when it
    changed."""
    if language not in Language.values:
        raise ValueError(f"unsupported language {language!r}")
    changed = (
        User.objects.filter(pk=user.pk)
        .exclude(preferred_language=language)
        .update(preferred_language=language)
    )
    user.preferred_language = language
    return bool(changed)

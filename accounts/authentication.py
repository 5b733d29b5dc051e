import functools

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from accounts.models import ApiToken, User, hash_token_key
from core.rls import capability_context


def request_capability(request) -> str:
    """The hash of the API key the request presents (`Authorization: Token <key>`, read as
    `TokenAuthentication` reads it), or '': the capability its row-level security context
    holds from the start of the request (`core.rls.request_capability`), so that the key's
    row is read without a nested context. A malformed header presents nothing."""
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != HashedTokenAuthentication.keyword.lower().encode():
        return ""
    try:
        key = parts[1].decode()
    except UnicodeError:
        return ""
    return hash_token_key(key)


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against keys stored as SHA-256 hashes, with expiry and
    revocation. An unknown, expired or revoked key answers 401."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        key_hash = hash_token_key(key)
        # Behind the wall, an API key's row opens only to the hash of the key presented.
        with capability_context(key_hash):
            token = usable_token(key_hash)
            if token is None:
                raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
            now = timezone.now()
            # Touch last_used_at at most once a minute so busy clients do not write on every
            # call.
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


@functools.lru_cache(maxsize=4)
def _usable_token_sql(using: str) -> str:
    """The statement of `ApiToken.objects.usable().select_related("user").filter(key_hash=...)
    .first()`, written once per database: building and compiling that query was about 0.6 ms
    of every token request's CPU (benchmarks/RESULTS.md, "Cost of an API request")."""
    quote = connections[using].ops.quote_name
    columns = [f"t.{quote(f.column)}" for f in ApiToken._meta.concrete_fields]
    columns += [f"u.{quote(f.column)}" for f in User._meta.concrete_fields]
    return (
        f"SELECT {', '.join(columns)} FROM {quote(ApiToken._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = t.user_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active "
        "ORDER BY t.created_at DESC LIMIT 1"
    )


def usable_token(key_hash: str) -> ApiToken | None:
    """The usable key (not revoked, not expired, its user active) with this hash, its user
    loaded with it, or None: `ApiTokenQuerySet.usable` by a statement written once
    (`_usable_token_sql`; tests/api/test_request_cost.py compares the two)."""
    using = router.db_for_read(ApiToken)
    with connections[using].cursor() as cursor:
        cursor.execute(_usable_token_sql(using), [key_hash, timezone.now()])
        row = cursor.fetchone()
    if row is None:
        return None
    token_fields = [f.attname for f in ApiToken._meta.concrete_fields]
    split = len(token_fields)
    token = ApiToken.from_db(using, token_fields, row[:split])
    user = User.from_db(using, [f.attname for f in User._meta.concrete_fields], row[split:])
    ApiToken.user.field.set_cached_value(token, user)
    return token

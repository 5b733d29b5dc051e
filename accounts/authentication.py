from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from accounts.models import ApiToken, hash_token_key
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
            token = (
                ApiToken.objects.usable().select_related("user").filter(key_hash=key_hash).first()
            )
            if token is None:
                raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
            now = timezone.now()
            # Touch last_used_at at most once a minute so busy clients do not write on every
            # call.
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

"""Rate limits of the API (docs/architecture.md#contracts: verification is rate-limited per
client; tokens get a generous limit). Rates come from
`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, read when each request is checked so that a changed
setting takes effect at once. A refused request answers
429 with `Retry-After` (seconds).

The counts live in the cache (Redis). While Redis restarts the limits fail open: the request
is served uncounted, with a warning in the log, rather than refused with a 503; a restart
takes seconds, and refusing every registry lookup and roster request for them would turn a
cache blip into an outage of the API."""

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.outage import is_dependency_outage
from core.proxies import client_address

logger = logging.getLogger(__name__)


class _CurrentRateMixin:
    scope: str

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:
            if not is_dependency_outage(exc):
                raise
            logger.warning("Rate limit %s not counted: the cache is unreachable", self.scope)
            return True


class VerifyThrottle(_CurrentRateMixin, SimpleRateThrottle):
    """Public verification (the JSON endpoint and the /verify/ pages share one budget):
    counted per client address, signed in or not."""

    scope = "verify_anon"

    def get_ident(self, request) -> str:
        """The client's address behind `NUM_PROXIES` trusted proxies (core.proxies): a
        client-chosen `X-Forwarded-For` never buys a fresh budget."""
        return client_address(request)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(_CurrentRateMixin, SimpleRateThrottle):
    """Staff endpoints: counted per user (one budget across all of a user's keys)."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class CredentialsThrottle(_CurrentRateMixin, SimpleRateThrottle):
    """The credentials' public documents (DID document, status lists, a wallet's collection
    link): counted per client address, with a budget of their own, since a verifier checking
    a credential fetches two status lists and the DID document at once."""

    scope = "credentials_anon"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

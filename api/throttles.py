"""Rate limits of the API (docs/architecture.md#contracts: verification is rate-limited per
client; tokens get a generous limit). Rates come from
`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, read when each request is checked so that a changed
setting takes effect at once. A refused request answers
429 with `Retry-After` (seconds).

The counts live in the cache's Redis, as DRF keeps them (a log of the request times of the
last `duration` seconds per client: a request is allowed while fewer than the rate's number
are in it), but in a Redis sorted set that Redis trims and counts itself: one round trip of a
few bytes per request (ZREMRANGEBYSCORE, ZADD, ZCARD, the oldest entry and EXPIRE in one
pipeline), where DRF's `SimpleRateThrottle` read and wrote the whole list of times (up to
6,000 for a token at its default rate) in two round trips on every request
(benchmarks/RESULTS.md, "Cost of an API request"). A refused request is not counted, and
`Retry-After` is when the oldest counted request leaves the window, as with DRF.

While Redis restarts the limits fail open: the request is served uncounted, with a warning in
the log, rather than refused with a 503; a restart takes seconds, and refusing every registry
lookup and roster request for them would turn a cache blip into an outage of the API."""

import logging
import math
import secrets
import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.outage import is_dependency_outage
from core.proxies import client_address

logger = logging.getLogger(__name__)


class _CurrentRateMixin:
    scope: str
    num_requests: int | None
    duration: int | None

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view) -> bool:
        try:
            return self._allow(request, view)
        except Exception as exc:
            if not is_dependency_outage(exc):
                raise
            logger.warning("Rate limit %s not counted: the cache is unreachable", self.scope)
            return True

    def _allow(self, request, view) -> bool:
        if self.num_requests is None or self.duration is None:
            return True
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return True
        redis = _redis_client()
        if redis is None:
            return super().allow_request(request, view)  # type: ignore[misc]
        now = time.time()
        # Not the key DRF kept its pickled list under (a value of another type).
        log = cache.make_key(f"{key}:log")
        entry = f"{now:.6f}:{secrets.token_hex(4)}"
        pipeline = redis.pipeline(transaction=True)
        pipeline.zremrangebyscore(log, "-inf", now - self.duration)
        pipeline.zadd(log, {entry: now})
        pipeline.zcard(log)
        pipeline.zrange(log, 0, 0, withscores=True)
        pipeline.expire(log, self.duration + 1)
        _trimmed, _added, count, oldest, _expiry = pipeline.execute()
        if count <= self.num_requests:
            return True
        redis.zrem(log, entry)
        self._wait = oldest[0][1] + self.duration - now if oldest else self.duration
        return False

    def wait(self) -> float | None:
        if not hasattr(self, "_wait"):
            return super().wait()  # type: ignore[misc]
        return max(1, math.ceil(self._wait))


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


class CoursesThrottle(VerifyThrottle):
    """The public course finder's API (/api/v1/courses/): counted per client address like
    verification, with a budget of its own."""

    scope = "courses_anon"


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


def _redis_client():
    """The Redis client of the default cache (Django's RedisCache), or None for another
    backend (DRF's own counting then)."""
    backend = getattr(cache, "_cache", None)
    get_client = getattr(backend, "get_client", None)
    if get_client is None:
        return None
    # Django builds a new client object (over the same connection pool) on every call, which
    # registers a few hundred response callbacks: about a twentieth of a one-row roster
    # request's CPU. One client per cache backend (the pool is the backend's, one per
    # thread) is kept instead.
    client = getattr(backend, "_throttle_client", None)
    if client is None:
        client = get_client(write=True)
        backend._throttle_client = client
    return client

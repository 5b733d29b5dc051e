"""Uploaded files kept between their preview and their confirmation (docs/architecture.md,
"Uploads with a preview"): the exam results import, the providers' completions, employers'
watch lists and the Medi-Cal enrollment file each parse an upload, show what it would do, and
act only on the person's confirmation. What they keep lives in the cache under an unguessable
token, for a while; a commit step takes a claim so that a double click or a redelivered task
runs it once."""

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

# What `secrets.token_urlsafe(24)` makes (32 characters); anything else in a URL is no token.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")


class PreviewStore:
    """The kept uploads of one kind, under `prefix`, each for `ttl_seconds`."""

    def __init__(self, prefix: str, ttl_seconds: int) -> None:
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)

    def save(self, token: str, value: object) -> None:
        cache.set(self.prefix + token, value, timeout=self.ttl_seconds)

    def load(self, token: str | None, kind: type[T]) -> T | None:
        """The `kind` kept under `token`, or None (no such token, expired, or not a token)."""
        if not token or not _TOKEN_SHAPE.fullmatch(token):
            return None
        value = cache.get(self.prefix + token)
        return value if isinstance(value, kind) else None

    def discard(self, token: str) -> None:
        cache.delete(self.prefix + token)

    @contextmanager
    def claim(self, token: str) -> Iterator[bool]:
        """Yields True for the one caller that may work on `token` now (one commit step at a
        time per file: a double click, a redelivered task), False for any other."""
        key = f"{self.prefix}{token}:claim"
        claimed = cache.add(key, 1, timeout=settings.CELERY_TASK_TIME_LIMIT)
        try:
            yield claimed
        finally:
            if claimed:
                cache.delete(key)

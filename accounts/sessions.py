"""The session engine (settings.SESSION_ENGINE): Django's database sessions behind the wall.

`django_session` is closed to the application role except for the row whose key the request
holds (row-level security, migration `certification.0018`): each read and write of a session
runs in a context holding its key as the capability (`core.rls.capability_context`), so an
injected statement, which holds no key, reads no session at all.
"""

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from core.rls import capability_context, rls_context

# Django's session keys (`get_random_string(32, VALID_KEY_CHARS)`): a cookie that is not one
# names no session and is not looked up.
_SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        if not self.session_key or not _SESSION_KEY.fullmatch(self.session_key):
            return None
        with capability_context(self.session_key):
            return super()._get_session_from_db()

    def exists(self, session_key: str) -> bool:
        with capability_context(session_key):
            return super().exists(session_key)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        with capability_context(self.session_key):
            return super().save(must_create=must_create)

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is None:
            return
        with capability_context(session_key):
            super().delete(session_key)

    @classmethod
    def clear_expired(cls) -> None:
        with rls_context(system=True):
            super().clear_expired()

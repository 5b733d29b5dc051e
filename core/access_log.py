"""What an access log line may say about a request's URL (SECURITY.md, "Secrets"; issue 18,
item 8): never its query string (search terms may be names; a link's parameters may be
secrets), and never the secret part of the paths that carry one: a password-reset key, an
email-confirmation key, a staff or employer invitation token.

Those secrets are also traded for the session on first use (allauth's reset view redirects
to the same page with `set-password` instead of the key; the invitation links to a key-less
page, `workspace.views.invitations`, `employers_portal.views.organisation`), but their first
request still carries them: this is what keeps that request's log line clean. gunicorn logs
through `config.gunicorn_logging.AccessLogger`, nginx through the same rules written as a
`map` (docker-compose.yml); `tests/security/test_access_log.py` holds both to these.
"""

import re

REDACTED = "[redacted]"

# (pattern, replacement): the path prefix is kept, the secret segment replaced.
SECRET_PATHS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(/accounts/password/reset/key/)(?!done/)[^/]+"), r"\1" + REDACTED),
    (re.compile(r"^(/accounts/confirm-email/)[^/]+"), r"\1" + REDACTED),
    (re.compile(r"^(/(?:county|employer)/invitations/)(?!accept/)[^/]+"), r"\1" + REDACTED),
)


def loggable_path(path: str) -> str:
    """`path` (without its query string) with any secret segment replaced by [redacted]."""
    path = (path or "").split("?", 1)[0]
    for pattern, replacement in SECRET_PATHS:
        path = pattern.sub(replacement, path)
    return path

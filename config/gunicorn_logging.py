"""gunicorn's access log without secrets or query strings (core.access_log; SECURITY.md,
"Secrets"). Used by config/gunicorn.conf.py."""

from gunicorn.glogging import Logger

from core.access_log import loggable_path

# Atoms of the standard format kept as they are; those naming the URL are rewritten, and the
# per-header and per-environment atoms ({referer}i, {cookie}i, {query_string}e, ...) dropped.
_KEPT = frozenset("hlutsmHbBaTDMLp")


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = loggable_path(environ.get("PATH_INFO") or "")
        safe = {key: value for key, value in atoms.items() if key in _KEPT}
        safe.update(
            {
                "r": f"{environ.get('REQUEST_METHOD', '-')} {path} "
                f"{environ.get('SERVER_PROTOCOL', '-')}",
                "U": path,
                "q": "",
                "f": "-",
            }
        )
        return safe

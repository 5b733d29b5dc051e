"""Read replicas: read-only work on a PostgreSQL streaming replica
(docs/architecture.md#read-replicas).

When `DATABASE_REPLICA_URL` is set (config/settings.py adds the `replica` database alias,
`ReplicaRouter` and `ReplicaMiddleware`), the views that only read and may scan many rows (the
API roster, its CSV, counties and statistics; the county roster, its CSV and the dashboard;
the public verification) read from the replica, a hot standby fed by PostgreSQL's own
streaming replication. Everything else, every write, and every read of a request after it
wrote stays on the primary. Without the setting nothing here runs: one database, as before.

How a read gets there. A view declares itself read-only with `replica_reads` (a decorator; the
API's read-only views call `use_replica` once authenticated). That opens a transaction on the
replica acting for the same person under the same signed row-level security context as the
request's transaction on the primary (`core.rls`: `app_context_set` only verifies the HMAC,
reads the person's memberships and sets transaction-local settings, so it runs on a read-only
standby). From then on `ReplicaRouter.db_for_read` sends the ORM's reads there; writes always
go to the primary (`db_for_write`). Authentication, permission checks and anything read before
`use_replica` came from the primary.

Read-your-writes. A replica lags the primary (milliseconds normally; as long as replay is
paused or the standby is behind). Two rules keep a person from ever seeing their own change
undone:

- In a request: the first write on the primary (an INSERT/UPDATE/DELETE/MERGE, COPY FROM, a
  row lock, a sequence step, DDL, or the router asked for the write database) pins the rest of
  the request to the primary, instance lookups included.
- Across requests: after a request that wrote commits, the primary's WAL position
  (`pg_current_wal_lsn()`, at or past the commit) is kept in the cache under the person
  (`REPLICA_READ_YOUR_WRITES_SECONDS`, our choice: an hour). Their later read-only requests
  use the replica only once it has replayed that far (`pg_last_wal_replay_lsn()`); until then
  they read from the primary. This is exact, not a guess at the lag: with replay paused the
  person reads from the primary for as long as it stays paused (up to that hour), and is back
  on the replica the moment it has caught up.

Other people's changes reach a reader on the replica with the replica's lag: a roster, a
count or a public verification may be that far behind a change made by someone else (the
verification page says "as of" its own read). Anonymous visitors have no "own" changes to
keep (nothing they can change is shown on these pages).

Failures: a replica that cannot be reached when a request opens it is skipped (a warning; the
request reads from the primary). Tasks, management commands and every view not declared
read-only never touch the replica.
"""

import functools
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse

from core.rls import WallNotReady, _raw_execute, _Scope, request_context, wall_check, wall_ensure

logger = logging.getLogger(__name__)

REPLICA = "replica"
_CACHE_KEY = "core.replica.written:{}"


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


# Statements that change something (or take row locks, or step a sequence): after one, the
# request reads from the primary. Conservative: when in doubt a statement counts as a write.
_READ_STARTS = (
    "SELECT",
    "WITH",
    "VALUES",
    "TABLE",
    "SHOW",
    "EXPLAIN",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK TO",
    "SET ",
    "FETCH",
    "CLOSE",
    "DECLARE",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
)
_WRITE_INSIDE = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s|DELETE\s+FROM|FOR\s+(NO\s+KEY\s+)?UPDATE|FOR\s+(KEY\s+)?SHARE"
    r"|NEXTVAL\s*\(|SETVAL\s*\()",
    re.IGNORECASE,
)


def is_write(sql: str) -> bool:
    """Whether `sql` may change the database (see _READ_STARTS and _WRITE_INSIDE)."""
    head = sql.lstrip().upper()
    if head.startswith("COPY"):
        return " FROM " in head and " TO STDOUT" not in head
    if not head.startswith(_READ_STARTS):
        return True
    if head.startswith(("SELECT", "WITH", "VALUES", "TABLE")):
        return bool(_WRITE_INSIDE.search(sql))
    return False


@dataclass
class _RequestState:
    request: HttpRequest
    scope: _Scope | None = None
    pinned: bool = False
    wrote: bool = False
    # Until the view returned: what the outer middleware write afterwards (a session saved
    # while a streamed response is sent) is not the request's own read-after-write.
    watching: bool = True

    def pin(self) -> None:
        if self.watching:
            self.pinned = True
            self.wrote = True

    def watch_writes(self, execute, sql, params, many, context):
        """Execute wrapper on the primary's connection: a write pins the request."""
        if not self.wrote and is_write(sql):
            self.pin()
        return execute(sql, params, many, context)


_state: ContextVar[_RequestState | None] = ContextVar("core.replica.state", default=None)


def on_replica() -> bool:
    """Whether the ORM's reads go to the replica now."""
    state = _state.get()
    return state is not None and state.scope is not None and not state.pinned


def read_alias() -> str:
    """The database alias reads go to now: for code that runs SQL on a connection of its own
    choosing (a COPY TO STDOUT export) and should follow the router."""
    return REPLICA if on_replica() else DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads of a read-only view to the replica (once `use_replica` opened it, until the
    request writes); everything else, every write and every migration to the primary.
    Explicit: an object read from the replica is still written to, and related to, the
    primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return REPLICA if on_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        state = _state.get()
        if state is not None:
            state.pin()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def _person_key(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return _CACHE_KEY.format(user.pk)


_CAUGHT_UP = "SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, NOT pg_is_in_recovery())"


_wall_verified: set[str] = set()


def _wall_holds() -> bool:
    """Whether row-level security is verified in force on the replica (`core.rls.wall_check`,
    once per process). The web process checks it at start (`ReplicaMiddleware`), but a
    replica down then is checked here before its first use: until it is verified, reads stay
    on the primary, and a replica where the wall does not hold is never used (logged)."""
    if REPLICA in _wall_verified:
        return True
    try:
        wall_check(REPLICA)
    except (OperationalError, InterfaceError, WallNotReady) as error:
        logger.warning("Read replica unavailable, reading from the primary: %s", error)
        return False
    except ImproperlyConfigured as error:
        logger.error("Read replica not used: %s", error)
        return False
    _wall_verified.add(REPLICA)
    return True


def use_replica(request: HttpRequest) -> bool:
    """From now on in this request, reads go to the replica acting for `request.user` (the
    request's row-level security context), unless the request wrote, the person's last write
    has not been replayed there yet, or the replica cannot be reached. Returns whether reads
    go there. Call it once the person is known (after authentication)."""
    state = _state.get()
    if state is None or state.pinned:
        return False
    if state.scope is not None:
        return True
    if not _wall_holds():
        return False
    key = _person_key(request)
    written_at = cache.get(key) if key else None
    connection = connections[REPLICA]
    try:
        if written_at and not _raw_execute(connection, _CAUGHT_UP, [written_at])[0][0]:
            return False
        context = request_context(request, getattr(request, "user", None))
        state.scope = _Scope(context, using=REPLICA, savepoint=False).open()
    except (OperationalError, InterfaceError) as error:
        logger.warning("Read replica unavailable, reading from the primary: %s", error)
        return False
    return True


def replica_reads(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Decorate a view that only reads: its reads go to the replica (`use_replica`). Place it
    below the decorators that check who may see the view (they read from the primary)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        use_replica(request)
        return view(request, *args, **kwargs)

    return wrapped


def _record_write(request: HttpRequest) -> None:
    """Keep the primary's WAL position, at or past this request's commit, for its person."""
    key = _person_key(request)
    if key is None:
        return
    try:
        lsn = _raw_execute(connections[DEFAULT_DB_ALIAS], "SELECT pg_current_wal_lsn()::text")
    except DatabaseError:
        logger.warning("Could not read the primary's WAL position after a write", exc_info=True)
        return
    cache.set(key, lsn[0][0], timeout=getattr(settings, "REPLICA_READ_YOUR_WRITES_SECONDS", 3600))


class _AfterStream:
    """The chunks of a streaming response; closing it ends the replica transaction and
    records a write, after the primary's transaction ended (closed first)."""

    def __init__(self, chunks: Iterable[bytes], done: Callable[[], None]) -> None:
        self._chunks = chunks
        self._done = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)

    def close(self) -> None:
        self._done()


class ReplicaMiddleware:
    """Around the row-level security middleware (placed just before it): watches the
    request's statements on the primary for writes, ends the replica transaction a view
    opened, and after a request that wrote has committed, records where the primary was for
    the person (see the module docstring)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        wall_ensure(REPLICA)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        state = _RequestState(request)
        # Set, not reset by token: a streamed response's chunks are produced after this
        # returns (on the same thread, in the same context), and read where the view read.
        _state.set(state)
        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(state.watch_writes):
                response = self.get_response(request)
        except BaseException:
            _state.set(None)
            self._end(state, sys.exc_info())
            raise
        state.watching = False
        if isinstance(response, StreamingHttpResponse) and not response.is_async:

            def done() -> None:
                _state.set(None)
                self._end(state)

            chunks = cast(Iterable[bytes], response.streaming_content)  # not async: checked
            response.streaming_content = _AfterStream(chunks, done)
        else:
            _state.set(None)
            self._end(state)
        return response

    @staticmethod
    def _end(state: _RequestState, exc_info: Any = (None, None, None)) -> None:
        scope, state.scope = state.scope, None
        if scope is not None:
            try:
                scope.close(exc_info)
            except DatabaseError:
                logger.warning("Ending the replica transaction failed", exc_info=True)
        if state.wrote and exc_info[0] is None:
            _record_write(state.request)

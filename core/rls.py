"""Row-level security: the second wall behind the access layer (docs/architecture.md#tenancy).

The access layer (`*/selectors.py`) decides what each user reads. Behind it, PostgreSQL
row-level security (migration `certification.0010_row_level_security`) refuses every row of
the private tables (applications, documents, training records, exam attempts, CE credits,
audit events, applicant profiles) that the acting user may not see, even when application code
forgets the selectors. The policies read who is asking from transaction-local settings
(`app.user_id`, `app.county_ids`, `app.is_state`, `app.is_operator`, `app.is_system`); this
module sets them.

Roles. The tables belong to the owner role (`peercert`), which runs migrations and bypasses
RLS (it is ENABLEd, not FORCEd). The application runs as `settings.DATABASE_APP_ROLE`
(`peercert_app`: owns nothing, not a superuser, NOBYPASSRLS). In production the web and worker
processes log in as that role; locally and in tests they log in as the owner and switch to it
(`set_config('role', ...)`, i.e. SET LOCAL ROLE), so every request of the test suite runs
under RLS. `DATABASE_APP_ROLE=""` turns the switch off (the context is still set).

Each request sets its context (`RowLevelSecurityMiddleware`): the rest of the request runs in
one transaction whose first statement switches the role and sets the settings from
`request.user`. When the user changes during the request (DRF authenticates API tokens inside
the view; signing in or out), the context follows before the next query. A streaming response
keeps the transaction, and so its context, open until its last chunk is sent: generators need
nothing of their own. Code outside a request that must act for a user uses `rls_context`.

Each task sets its context, once per database connection (`worker_context_install`, called
by config/celery.py when a worker starts): every connection a Celery worker process opens
switches to the application role with `app.is_system` on, at session level. Per-connection
rather than per-task-transaction because tasks manage their own transactions (the expiry
scan's one transaction, the outbox relay's SKIP LOCKED batches, the email lock, plain
autocommit reads): a session setting covers every statement of every task, reconnections
included, and a new task cannot forget it. A worker does nothing but system work.

The context statements run on the driver's own cursor, like Django's own connection set-up:
they are connection state, not queries of the view, so query-count tests measure the view.

Limits: the settings can be changed by any SQL the application role runs, so the wall stops
queries that forget the access layer, not arbitrary SQL injected into the application.
"""

import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)

_SETTINGS = (
    "app.user_id",
    "app.county_ids",
    "app.is_state",
    "app.is_operator",
    "app.is_system",
)
_ExcInfo = tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
_NO_EXCEPTION: _ExcInfo = (None, None, None)


@dataclass(frozen=True)
class Context:
    """Who the database is acting for. The default is nobody: no private row at all."""

    user_id: int | None = None
    is_state: bool = False
    is_operator: bool = False
    is_system: bool = False

    @classmethod
    def for_user(cls, user: Any, *, operator: bool = False) -> "Context":
        """The context of `user` (a User or AnonymousUser): nobody unless signed in and active,
        like the selectors. `operator` (the Django admin) applies to operators only."""
        if user is None or not user.is_authenticated or not user.is_active:
            return cls()
        return cls(
            user_id=user.pk,
            is_state=bool(user.is_state_staff),
            is_operator=bool(operator and user.is_staff),
        )


SYSTEM = Context(is_system=True)

# The table of county staff memberships (`counties.CountyMembership`), named here rather than
# imported: this module sits below every app, like the policies that name their tables.
MEMBERSHIP_TABLE = "counties_countymembership"

# The user's counties (memberships) are read by the same statement that sets them.
_APPLY = """
SELECT {role}
    set_config('app.user_id', %(user_id)s, true),
    set_config('app.county_ids', coalesce((
        SELECT string_agg(county_id::text, ',' ORDER BY county_id) FROM {membership}
        WHERE user_id = %(member_id)s), ''), true),
    set_config('app.is_state', %(is_state)s, true),
    set_config('app.is_operator', %(is_operator)s, true),
    set_config('app.is_system', %(is_system)s, true)
"""
_SNAPSHOT = "SELECT current_setting('role'), " + ", ".join(
    f"coalesce(current_setting('{name}', true), '')" for name in _SETTINGS
)
_RESTORE = "SELECT set_config('role', %s, true), " + ", ".join(
    f"set_config('{name}', %s, true)" for name in _SETTINGS
)

# (alias, role) -> whether the session user may switch to the role. Roles are cluster-wide and
# change with deployments, not while a process runs.
_role_usable: dict[tuple[str, str], bool] = {}


def _raw_execute(connection: BaseDatabaseWrapper, sql: str, params: Any = None) -> list[tuple]:
    """Run `sql` on the driver's cursor (not logged as a query of the view); driver errors
    surface as Django's database errors, as for any query."""
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def app_role(connection: BaseDatabaseWrapper) -> str:
    """`settings.DATABASE_APP_ROLE` when set and the session user may switch to it, else ''
    (with a warning once: the requests then run as the login role)."""
    role = getattr(settings, "DATABASE_APP_ROLE", "")
    if not role:
        return ""
    key = (connection.alias, role)
    if key not in _role_usable:
        rows = _raw_execute(
            connection,
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s "
            "AND pg_has_role(session_user, oid, 'MEMBER'))",
            [role],
        )
        _role_usable[key] = bool(rows[0][0])
        if not _role_usable[key]:
            logger.warning(
                "Database role %s is missing or not granted to the login role: row-level "
                "security applies only if the login role is subject to it.",
                role,
            )
    return role if _role_usable[key] else ""


def _apply(connection: BaseDatabaseWrapper, context: Context) -> None:
    role = app_role(connection)
    sql = _APPLY.format(
        role="set_config('role', %(role)s, true)," if role else "",
        membership=connection.ops.quote_name(MEMBERSHIP_TABLE),
    )
    on = {True: "on", False: "off"}
    _raw_execute(
        connection,
        sql,
        {
            "role": role,
            "user_id": "" if context.user_id is None else str(context.user_id),
            # State staff read everything and write nothing: their memberships do not count.
            "member_id": None if context.is_state else context.user_id,
            "is_state": on[context.is_state],
            "is_operator": on[context.is_operator],
            "is_system": on[context.is_system],
        },
    )


def _transaction_failed(connection: BaseDatabaseWrapper) -> bool:
    from psycopg.pq import TransactionStatus

    if connection.needs_rollback or connection.connection is None:
        return True
    return connection.connection.info.transaction_status == TransactionStatus.INERROR


def _scopes(connection: BaseDatabaseWrapper) -> list["_Scope"]:
    # Kept on the connection object (one per thread), an attribute Django does not declare.
    return vars(connection).setdefault("_rls_scopes", [])


class _Scope:
    """A context applied for the length of one `transaction.atomic` block.

    Outermost, the transaction's end drops the settings. Nested in a transaction that goes on
    (the test suite's, or a caller's), the settings found on entry are put back on exit."""

    def __init__(self, context: Context, *, using: str, savepoint: bool) -> None:
        self.context = context
        self.connection = connections[using]
        self._atomic = transaction.atomic(using=using, savepoint=savepoint)
        self.nested = False
        self._previous: list[str] | None = None
        self._open = False

    def open(self) -> "_Scope":
        self.nested = self.connection.in_atomic_block
        self._atomic.__enter__()
        try:
            if self.nested:
                self._previous = list(_raw_execute(self.connection, _SNAPSHOT)[0])
            _apply(self.connection, self.context)
        except BaseException:
            self._atomic.__exit__(*sys.exc_info())
            raise
        self._open = True
        _scopes(self.connection).append(self)
        return self

    @property
    def innermost(self) -> bool:
        scopes = _scopes(self.connection)
        return bool(scopes) and scopes[-1] is self

    def switch(self, context: Context) -> None:
        """Act for `context` from the next statement on, in the same transaction."""
        self.context = context
        _apply(self.connection, context)

    def close(self, exc_info: _ExcInfo = _NO_EXCEPTION) -> None:
        """Put back the previous settings (nested) and end the atomic block: commit, or roll
        back on an exception. Idempotent."""
        if not self._open:
            return
        self._open = False
        scopes = _scopes(self.connection)
        if self in scopes:
            scopes.remove(self)
        try:
            if self._previous is not None and not _transaction_failed(self.connection):
                _raw_execute(self.connection, _RESTORE, self._previous)
        finally:
            self._atomic.__exit__(*exc_info)


@contextmanager
def rls_context(
    user: Any = None, *, system: bool = False, using: str = DEFAULT_DB_ALIAS
) -> Iterator[None]:
    """Run the block in a transaction acting for `user` (or for the system): for work outside
    a request, such as a generator or a task acting for a person. Nested in another context,
    that one is back in force after the block."""
    scope = _Scope(SYSTEM if system else Context.for_user(user), using=using, savepoint=True).open()
    try:
        yield
    except BaseException:
        scope.close(sys.exc_info())
        raise
    scope.close()


# Views that read no table of their own (the health check runs its own probe; the API schema
# and its docs page are static): served outside any transaction, without touching the database
# (the health check must answer 503 when it is down; the schema loads without one).
_UNWALLED_VIEWS = ("healthz", "api:schema", "api:docs")


def _path_of(view_name: str) -> str | None:
    try:
        return reverse(view_name)
    except NoReverseMatch:
        return None


def _unwalled(request: HttpRequest) -> bool:
    return request.path in {_path_of(name) for name in _UNWALLED_VIEWS}


def request_context(request: HttpRequest, user: Any) -> Context:
    """The context of a request made by `user`. Operators read every row in the Django admin
    (it lists rows outside the access layer); everywhere else they are who they are."""
    prefix = _path_of("admin:index")
    in_admin = prefix is not None and request.path.startswith(prefix)
    return Context.for_user(user, operator=in_admin)


class _FollowUser:
    """Execute wrapper: when `request.user` is replaced during the request (DRF's token
    authentication inside the view, signing in or out), apply the new user's context before
    the next statement."""

    def __init__(self, scope: _Scope, request: HttpRequest) -> None:
        self.scope = scope
        self.request = request
        self.user: object = request.user

    def __call__(self, execute, sql, params, many, context):
        user = getattr(self.request, "user", None)
        if user is not self.user and self.scope.innermost:
            self.user = user
            self.scope.switch(request_context(self.request, user))
        return execute(sql, params, many, context)


class _ClosingStream:
    """The chunks of a streaming response; closing it (the server does, once sent) ends the
    request's transaction."""

    def __init__(self, chunks: Iterable[bytes], scope: _Scope) -> None:
        self._chunks = chunks
        self._scope = scope

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)

    def close(self) -> None:
        try:
            self._scope.close()
        except DatabaseError:
            logger.exception("Ending the transaction of a streamed response failed")


class RowLevelSecurityMiddleware:
    """Runs the rest of the request in one transaction acting for `request.user` (see the
    module docstring). Place it after the authentication middleware.

    When the database cannot be reached the request goes on without a context (its view
    answers as it would); a request without a context sees no private row when the login role
    is subject to row-level security. The health check and the API schema and docs pages read
    no table and are served without a transaction."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _unwalled(request):
            return self.get_response(request)
        context = request_context(request, request.user)
        try:
            scope = _Scope(context, using=DEFAULT_DB_ALIAS, savepoint=False).open()
        except (DatabaseError, RuntimeError):
            # Unreachable, or not to be used here (a test without database access): nothing
            # this request reads can come from the database anyway.
            logger.warning("Database unavailable: request served without a row-level context")
            return self.get_response(request)
        try:
            with scope.connection.execute_wrapper(_FollowUser(scope, request)):
                response = self.get_response(request)
        except BaseException:
            scope.close(sys.exc_info())
            raise
        if self._streams_from_database(response) and not scope.nested:
            response.streaming_content = _ClosingStream(response.streaming_content, scope)
            return response
        try:
            scope.close()
        except DatabaseError:
            if response.status_code < 500:
                raise
            logger.warning("Database error ending the request's transaction after an error")
        return response

    @staticmethod
    def _streams_from_database(response: HttpResponseBase) -> bool:
        return (
            isinstance(response, StreamingHttpResponse)
            and not isinstance(response, FileResponse)
            and not response.is_async
        )


def _system_session(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    role = app_role(connection)
    with connection.connection.cursor() as cursor:
        if role:
            cursor.execute("SELECT set_config('role', %s, false)", [role])
        cursor.execute("SELECT set_config('app.is_system', 'on', false)")


def worker_context_install() -> None:
    """In a Celery worker: every database connection opened from now on (in this process and
    the pool processes it forks) acts for the system, at session level. Open connections are
    closed so that none runs without it."""
    connection_created.connect(_system_session, dispatch_uid="core.rls.system_session")
    connections.close_all()

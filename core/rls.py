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

import hashlib
import hmac
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    connections,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import salted_hmac
from django.utils.http import base36_to_int
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_ExcInfo = tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
_NO_EXCEPTION: _ExcInfo = (None, None, None)


@dataclass(frozen=True)
class Context:
    """Who the database is acting for. The default is nobody: no private row at all.

    The database derives the rest from the user (their counties, administrator counties and
    state-staff flag, read by `app_context_set` as the owner), so the application signs only
    what it alone knows: who is signed in, whether this is the Django admin or the system,
    whose sign-in is half done (`pending_user_id`: a password proven, a second factor to go;
    a sign-up, an email confirmation or a password reset by link) and a `capability`, a
    secret the request holds (a session key, the hash of an API key or of an invitation link)
    that opens the one row it names."""

    user_id: int | None = None
    is_operator: bool = False
    is_system: bool = False
    pending_user_id: int | None = None
    capability: str = ""

    @classmethod
    def for_user(cls, user: Any, *, operator: bool = False, **extra: Any) -> "Context":
        """The context of `user` (a User or AnonymousUser): nobody unless signed in and active,
        like the selectors. `operator` (the Django admin) applies to operators only."""
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(**extra)
        return cls(user_id=user.pk, is_operator=bool(operator and user.is_staff), **extra)

    def claims(self, backend_pid: int) -> str:
        """What the application signs for the connection with this backend pid."""
        if "|" in self.capability:
            raise ValueError("A capability cannot contain '|'.")
        return "|".join(
            (
                CLAIMS_VERSION,
                str(backend_pid),
                "" if self.user_id is None else str(self.user_id),
                "" if self.pending_user_id is None else str(self.pending_user_id),
                "1" if self.is_operator else "0",
                "1" if self.is_system else "0",
                self.capability,
            )
        )


SYSTEM = Context(is_system=True)
CLAIMS_VERSION = "v1"

# The settings holding the verified context and its signature (written only by
# `app_context_set`, read only through `app_context()`).
CONTEXT_SETTING = "app.context"
SIGNATURE_SETTING = "app.context_signature"

_APPLY = "SELECT {role} app_context_set(%(claims)s, %(signature)s, %(local)s)"
_SNAPSHOT = (
    "SELECT current_setting('role'), "
    f"coalesce(current_setting('{CONTEXT_SETTING}', true), ''), "
    f"coalesce(current_setting('{SIGNATURE_SETTING}', true), '')"
)
# Putting back the verified pair found on entry: valid for this connection, as it was.
_RESTORE = (
    "SELECT set_config('role', %s, true), "
    f"set_config('{CONTEXT_SETTING}', %s, true), set_config('{SIGNATURE_SETTING}', %s, true)"
)


def context_key() -> bytes:
    """The key the application signs contexts with and `app_context_set` checks them with:
    `RLS_CONTEXT_KEY` (hex) when set, else derived from SECRET_KEY. The database holds it in
    `app_context_key`, which only the owner reads (`context_key_install`)."""
    configured = getattr(settings, "RLS_CONTEXT_KEY", "")
    if configured:
        return bytes.fromhex(configured)
    return salted_hmac("core.rls.context_key", "v1", algorithm="sha256").digest()


def claims_signature(claims: str) -> str:
    return hmac.new(context_key(), b"claims|" + claims.encode(), hashlib.sha256).hexdigest()


def _pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer pads of `key` (RFC 2104), which is what the database
    stores: `app_context_hmac` is then two calls of PostgreSQL's own sha256()."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def context_key_install(connection: BaseDatabaseWrapper) -> None:
    """Store the context key in the database (as the owner: the application role can neither
    read nor write `app_context_key`). Run after every migrate and by `manage.py
    rls_key_install`; a process whose key differs refuses to start (`wall_check`)."""
    inner, outer = _pads(context_key())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO app_context_key (id, inner_pad, outer_pad) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET inner_pad = EXCLUDED.inner_pad, "
            "outer_pad = EXCLUDED.outer_pad, installed_at = now()",
            [inner, outer],
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


def _apply(connection: BaseDatabaseWrapper, context: Context, *, local: bool = True) -> None:
    """Switch to the application role (when the login role is not it) and hand the signed
    context to `app_context_set`, transaction-local unless `local` is False."""
    role = app_role(connection)
    connection.ensure_connection()
    claims = context.claims(connection.connection.info.backend_pid)
    sql = _APPLY.format(
        role=f"set_config('role', %(role)s, {'true' if local else 'false'})," if role else ""
    )
    _raw_execute(
        connection,
        sql,
        {
            "role": role,
            "claims": claims,
            "signature": claims_signature(claims),
            "local": local,
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

    def __init__(
        self, context: Context, *, using: str, savepoint: bool, atomic_when_nested: bool = True
    ) -> None:
        self.context = context
        self.connection = connections[using]
        self._atomic: transaction.Atomic | None = transaction.atomic(
            using=using, savepoint=savepoint
        )
        # Nested without an atomic block of its own: the context changes for the block and
        # is put back after it, in the caller's transaction (no savepoint: errors are the
        # caller's, and query counts stay those of the code inside).
        self._atomic_when_nested = atomic_when_nested
        self.nested = False
        self._previous: list[str] | None = None
        self._open = False

    def open(self) -> "_Scope":
        self.nested = self.connection.in_atomic_block
        if self.nested and not self._atomic_when_nested:
            self._atomic = None
        if self._atomic is not None:
            self._atomic.__enter__()
        try:
            if self.nested:
                self._previous = list(_raw_execute(self.connection, _SNAPSHOT)[0])
            _apply(self.connection, self.context)
        except BaseException:
            if self._atomic is not None:
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
        back on an exception. Idempotent. Outermost, the work queued with
        `transaction.on_commit` runs after the commit inside the wall too, each callback in a
        transaction of its own acting for the same context (`_run_commit_hooks`)."""
        if not self._open:
            return
        self._open = False
        scopes = _scopes(self.connection)
        if self in scopes:
            scopes.remove(self)
        hooks: list = []
        try:
            if self._previous is not None and not _transaction_failed(self.connection):
                _raw_execute(self.connection, _RESTORE, self._previous)
        finally:
            if self._atomic is not None:
                if not self.nested and exc_info[0] is None and not self.connection.needs_rollback:
                    hooks, self.connection.run_on_commit = self.connection.run_on_commit, []
                self._atomic.__exit__(*exc_info)
        _run_commit_hooks(hooks, self.context, self.connection.alias)


def _run_commit_hooks(hooks: list, context: Context, using: str) -> None:
    """What Django's `run_and_clear_commit_hooks` does after a commit, but each callback in
    its own transaction acting for `context`: without this, work queued on commit (relaying
    the outbox, sending an invitation) would run after the context ended, as the login role
    with no context at all. Robust callbacks log their errors, others raise them."""
    for _savepoint_ids, func, robust in hooks:
        try:
            scope = _Scope(context, using=using, savepoint=False).open()
            try:
                func()
            except BaseException:
                scope.close(sys.exc_info())
                raise
            scope.close()
        except Exception as exc:
            if not robust:
                raise
            logger.exception(
                "Error calling %s in on_commit() (%s).", getattr(func, "__qualname__", func), exc
            )


def current_context(using: str = DEFAULT_DB_ALIAS) -> Context | None:
    """The context in force on the connection (the innermost scope's), or None outside any."""
    scopes = _scopes(connections[using])
    return scopes[-1].context if scopes else None


@contextmanager
def rls_context(
    user: Any = None,
    *,
    system: bool = False,
    capability: str = "",
    savepoint: bool = True,
    using: str = DEFAULT_DB_ALIAS,
) -> Iterator[None]:
    """Run the block in a transaction acting for `user` (or for the system), holding
    `capability` if given: for work outside a request, such as a generator or a task acting
    for a person. Nested in another context, that one is back in force after the block.
    Nested with `savepoint=False`, the block runs in the caller's transaction (no savepoint
    of its own): for small steps of the product's own machinery inside a request."""
    if system:
        context = replace(SYSTEM, capability=capability)
    else:
        context = Context.for_user(user, capability=capability)
    scope = _Scope(context, using=using, savepoint=savepoint, atomic_when_nested=savepoint).open()
    try:
        yield
    except BaseException:
        scope.close(sys.exc_info())
        raise
    scope.close()


@contextmanager
def capability_context(capability: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block acting for whoever acts now, who also holds `capability`: a secret the
    code has been given (a session key, the hash of an API key or of an invitation link) that
    opens the rows it names, and no others."""
    current = current_context(using) or Context()
    if current.capability == capability and _scopes(connections[using])[-1:]:
        # The request already holds it (`RLS_REQUEST_CAPABILITY`): nothing to change.
        yield
        return
    scope = _Scope(
        replace(current, capability=capability),
        using=using,
        savepoint=False,
        atomic_when_nested=False,
    ).open()
    try:
        yield
    except BaseException:
        scope.close(sys.exc_info())
        raise
    scope.close()


@contextmanager
def context_restored(context: Context, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block acting for `context`, a context taken earlier from `current_context`:
    for work a request hands on that runs after the request's own scope may have ended (the
    COPY of a streamed export, `core.csv_copy`). In a transaction that goes on, the block
    runs in it and the context found on entry is put back after it; otherwise in a
    transaction of its own."""
    scope = _Scope(context, using=using, savepoint=False, atomic_when_nested=False).open()
    try:
        yield
    except BaseException:
        scope.close(sys.exc_info())
        raise
    scope.close()


def act_for_pending(user: Any, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """From now on in this request, the person `user` is half signed in (their password was
    proven and a second factor is next; they just signed up, confirmed their address by link
    or reset their password by link): they may read and change their own account rows
    (authenticators, email addresses, password) though not yet signed in. No-op outside a
    request's scope."""
    scopes = _scopes(connections[using])
    if scopes and user is not None and user.pk is not None:
        scopes[-1].switch(replace(scopes[-1].context, pending_user_id=user.pk))


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


# Where django-allauth keeps a sign-in that is half done (password proven, second factor to
# go): `allauth.account.internal.stagekit.LOGIN_SESSION_KEY`.
_PENDING_LOGIN_SESSION_KEY = "account_login"


def _pending_user_id(request: HttpRequest, user: Any) -> int | None:
    """The person whose sign-in this browser has half done (allauth's stashed login, within
    ACCOUNT_LOGIN_TIMEOUT), or None."""
    if user is not None and user.is_authenticated:
        return None
    session = getattr(request, "session", None)
    stash = session.get(_PENDING_LOGIN_SESSION_KEY) if session is not None else None
    if not isinstance(stash, dict):
        return None
    timeout = getattr(settings, "ACCOUNT_LOGIN_TIMEOUT", 15 * 60)
    initiated = stash.get("initiated_at")
    if not isinstance(initiated, int | float) or time.time() - initiated > timeout:
        return None
    user_pk = stash.get("user_pk")
    if not isinstance(user_pk, str):
        return None
    try:
        # allauth writes the pk in base 36 (`user_pk_to_url_str`).
        return base36_to_int(user_pk)
    except ValueError:
        return None


def request_context(request: HttpRequest, user: Any) -> Context:
    """The context of a request made by `user`. Operators read every row in the Django admin
    (it lists rows outside the access layer); everywhere else they are who they are. Until
    someone is signed in, the request holds the capability it presents
    (`request_capability`)."""
    prefix = _path_of("admin:index")
    in_admin = prefix is not None and request.path.startswith(prefix)
    signed_in = user is not None and user.is_authenticated and user.is_active
    return Context.for_user(
        user,
        operator=in_admin,
        pending_user_id=_pending_user_id(request, user),
        capability="" if signed_in else request_capability(request),
    )


_capability_reader: list[Any] = []


def request_capability(request: HttpRequest) -> str:
    """The capability a request presents (`RLS_REQUEST_CAPABILITY`: the dotted path of a
    function of the request; accounts.authentication reads the hash of the API key in its
    `Authorization: Token` header), or ''. Held from the start of the request, it lets the
    authentication read the key's row in the request's first context instead of a nested
    one (three statements fewer per API request: benchmarks/RESULTS.md, "Cost of an API
    request"); the signed-in user's context replaces it."""
    path = getattr(settings, "RLS_REQUEST_CAPABILITY", "")
    if not path:
        return ""
    if not _capability_reader or _capability_reader[0][0] != path:
        _capability_reader[:] = [(path, import_string(path))]
    capability = _capability_reader[0][1](request)
    return capability if capability and "|" not in capability else ""


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


# ROW_LEVEL_SECURITY: "enforce" (the default: the login role must be subject to the wall),
# "switch" (the login role may escape it and switches to DATABASE_APP_ROLE per transaction:
# the test suite, and development where the owner logs in), "off" (no wall: development only).
WALL_MODES = ("enforce", "switch", "off")
_wall_checked: set[str] = set()

_LOGIN_ROLE = """
SELECT session_user, r.rolsuper, r.rolbypassrls,
       EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
                 AND pg_has_role(session_user, c.relowner, 'MEMBER'))
FROM pg_roles r WHERE r.rolname = session_user
"""
_PROBE = """
SELECT current_user, app_is_system(), r.rolsuper OR r.rolbypassrls
FROM pg_roles r WHERE r.rolname = current_user
"""


# undefined_function, undefined_table: the database has not been migrated yet.
_NOT_MIGRATED = ("42883", "42P01")


class WallNotReady(Exception):
    """The database has not been migrated yet: nothing private is in it, check later."""


def wall_mode() -> str:
    mode = getattr(settings, "ROW_LEVEL_SECURITY", "enforce")
    if mode not in WALL_MODES:
        raise ImproperlyConfigured(
            f"ROW_LEVEL_SECURITY must be one of {', '.join(WALL_MODES)}, not {mode!r}."
        )
    return mode


def wall_check(using: str = DEFAULT_DB_ALIAS) -> str:
    """Raise ImproperlyConfigured unless row-level security is in force for this process:
    web and worker processes call it at start and refuse to start (SECURITY.md). Returns a
    one-line description. Database errors other than a refused check propagate (unreachable:
    the caller decides)."""
    mode = wall_mode()
    if mode == "off":
        logger.warning(
            "ROW_LEVEL_SECURITY=off: there is no row-level security wall (development only)."
        )
        return "off"
    try:
        return _wall_check(connections[using], mode, using)
    except ProgrammingError as error:
        if getattr(error.__cause__, "sqlstate", "") in _NOT_MIGRATED:
            raise WallNotReady(str(error)) from error
        raise ImproperlyConfigured(
            f"Row-level security cannot be in force: the database refused the context ({error})."
            " The context key of this process differs from the database's, or the migrations "
            "have not run: run `manage.py migrate` (or `manage.py rls_key_install`) as the "
            "owner with the same SECRET_KEY / RLS_CONTEXT_KEY."
        ) from error


def _wall_check(connection: BaseDatabaseWrapper, mode: str, using: str) -> str:
    login, superuser, bypass, owner = _raw_execute(connection, _LOGIN_ROLE)[0]
    escapes = (
        "is a superuser"
        if superuser
        else "bypasses row-level security"
        if bypass
        else "owns tables"
        if owner
        else ""
    )
    if escapes and mode == "enforce":
        raise ImproperlyConfigured(
            f"Row-level security cannot be in force: the database login role {login} "
            f"{escapes}, so it is not subject to the wall (and RESET ROLE would leave it). Log "
            f"in as the application role ({settings.DATABASE_APP_ROLE or 'peercert_app'}: "
            "DATABASE_URL=postgres://peercert_app@...) and run migrations as the owner "
            "(MIGRATE_DATABASE_URL), or set ROW_LEVEL_SECURITY=switch for tests and "
            "development."
        )
    if escapes and not app_role(connection):
        raise ImproperlyConfigured(
            f"Row-level security cannot be in force: the login role {login} {escapes} and the "
            f"application role {settings.DATABASE_APP_ROLE!r} is missing or not granted to it "
            "(scripts/ensure_services.sh creates it)."
        )
    with transaction.atomic(using=using):
        _apply(connection, SYSTEM)
        current, verified, escapes_now = _raw_execute(connection, _PROBE)[0]
        transaction.set_rollback(True, using=using)
    if escapes_now or not verified:
        raise ImproperlyConfigured(
            f"Row-level security cannot be in force: acting as {current}, the context "
            f"{'is not verified' if not verified else 'is bypassed'}."
        )
    return f"{mode}: login {login}, acting as {current}"


def wall_ensure(using: str = DEFAULT_DB_ALIAS) -> None:
    """`wall_check` once per process and database. A database that cannot be reached (or may
    not be used here, as in a test without database access) is checked on the next call."""
    if using in _wall_checked:
        return
    try:
        description = wall_check(using)
    except (OperationalError, InterfaceError, RuntimeError, WallNotReady) as error:
        logger.warning("Row-level security not checked yet (database not ready: %s)", error)
        return
    _wall_checked.add(using)
    logger.info("Row-level security in force (%s)", description)
    connection = connections[using]
    if not connection.in_atomic_block:
        # Checked at start, maybe in a process that forks workers next (gunicorn --preload,
        # Celery's prefork pool): no connection may be shared with them.
        connection.close()


class RowLevelSecurityMiddleware:
    """Runs the rest of the request in one transaction acting for `request.user` (see the
    module docstring). Place it after the authentication middleware.

    When the database cannot be reached the request goes on without a context (its view
    answers as it would); a request without a context sees no private row when the login role
    is subject to row-level security. The health check and the API schema and docs pages read
    no table and are served without a transaction."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        # The web process refuses to start when the wall cannot be in force.
        wall_ensure()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _unwalled(request):
            return self.get_response(request)
        wall_ensure()
        context = request_context(request, request.user)
        try:
            scope = self._open(context)
        except (OperationalError, InterfaceError, RuntimeError):
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
    def _open(context: Context) -> _Scope:
        """The request's scope. Its first statement (the context) is also the health check
        of a persistent connection (`CONN_HEALTH_CHECKS`), which Django would otherwise make
        with a `SELECT 1` of its own, one round trip per request: when that statement finds
        the connection broken (a database restart), the connection is replaced and the
        scope opened again, once, so that a restart still costs no failed request."""
        # Django's health check attributes are not in its type stubs.
        connection: Any = connections[DEFAULT_DB_ALIAS]
        checking = (
            connection.health_check_enabled
            and not connection.health_check_done
            and connection.connection is not None
            and not connection.in_atomic_block
        )
        if checking:
            connection.health_check_done = True
        try:
            return _Scope(context, using=DEFAULT_DB_ALIAS, savepoint=False).open()
        except (OperationalError, InterfaceError):
            if not checking:
                raise
            logger.info("A persistent database connection was broken: replaced")
            connection.close()
            return _Scope(context, using=DEFAULT_DB_ALIAS, savepoint=False).open()

    @staticmethod
    def _streams_from_database(response: HttpResponseBase) -> bool:
        return (
            isinstance(response, StreamingHttpResponse)
            and not isinstance(response, FileResponse)
            and not response.is_async
        )


def _system_session(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    _apply(connection, SYSTEM, local=False)


def worker_context_install() -> None:
    """In a Celery worker: every database connection opened from now on (in this process and
    the pool processes it forks) acts for the system, at session level. Open connections are
    closed so that none runs without it."""
    connection_created.connect(_system_session, dispatch_uid="core.rls.system_session")
    connections.close_all()
    # The worker refuses to start when the wall cannot be in force (Celery logs and ignores
    # exceptions of signal handlers: SystemExit is not one of them).
    try:
        wall_ensure()
    except ImproperlyConfigured as error:
        logger.critical("%s", error)
        raise SystemExit(f"Refusing to start: {error}") from error

"""CSV exports written by PostgreSQL: `COPY (query) TO STDOUT WITH (FORMAT csv)`, streamed.

The product's large CSV exports (the API's `/api/v1/roster.csv`, the county roster CSV) are
built as querysets, like any other read, through the access layer and the request's filters.
`csv_copy_chunks` then hands the queryset's own SQL to PostgreSQL's `COPY`, which formats every
row itself (benchmarks/RESULTS.md, "Roster CSV by COPY"); Python only changes each row's line
end to CRLF (RFC 4180) and gathers rows into chunks of a bounded size, so memory stays flat
whatever the number of rows.

Row-level security. The export is checked in the view (`EXPLAIN` of its query, through the
connection's execute wrappers like any query: the request's context follows a user
authenticated inside the view, DRF's token authentication, and a query that cannot run is an
error answer rather than a CSV cut off after its status line), and the context then in force
is kept. The COPY itself starts when the server reads the first chunk, after every middleware
is done with the connection (a COPY holds the connection until its last row), as the
application role acting for that same context: in the request's own transaction, which a
streamed response keeps open until its last chunk is sent (`RowLevelSecurityMiddleware`), or,
when that transaction has already ended (a test client inside a test's transaction), in a
scope acting for the same context (`core.rls.context_restored`). An export outside any context
is refused. The statements are logged like any query when queries are logged (DEBUG,
query-count tests).

The same bytes as Python's `csv.writer` (QUOTE_MINIMAL, CRLF) writes for the same values, with
two things the query must do (the exports' tests compare both byte for byte):
- each text column goes through `csv_cell`: COPY writes an empty text as `""` (to tell it from
  NULL) where `csv.writer` writes nothing;
- values are text as the export wants them written (timestamps by `to_char`, booleans by
  CASE or a cast to text: COPY writes a boolean as `t`/`f`); dates may stay dates, which the
  COPY writes as YYYY-MM-DD (it runs with DateStyle ISO), as `date.isoformat()` does.
Quoting is then the same: a field is quoted when it holds a comma, a double quote, a carriage
return or a line feed, and quotes are doubled.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, nullcontext
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Expression, F, QuerySet, TextField, Value
from django.db.models.functions import NullIf
from psycopg.pq import TransactionStatus

from core.rls import Context, context_restored, current_context

# Rows gathered into one chunk of the response: about 100 KB of roster, one write to the client.
ROWS_PER_CHUNK = 1000
_LINE_FEED = ord("\n")
_SAVEPOINT = "csv_copy"
# Dates written as YYYY-MM-DD whatever the session's DateStyle; no JIT compilation: a COPY's
# expressions are cheap per row, and compiling them costs a few hundred milliseconds for the
# 200,000-row roster (benchmarks/RESULTS.md, "Roster CSV by COPY").
_SETTINGS = "SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL jit = off"


class CopyOutsideContext(RuntimeError):
    """A COPY outside a transaction acting for someone (core/rls.py)."""


def csv_cell(expression: Expression | str) -> NullIf:
    """The text `expression` (a field name or an expression) as a cell of a COPY export: an
    empty text becomes NULL, which COPY writes as nothing (as `csv.writer` writes '')."""
    value = F(expression) if isinstance(expression, str) else expression
    return NullIf(value, Value(""), output_field=TextField())


def csv_line(cells: Sequence[str]) -> bytes:
    """One CSV line of plain cells (a header), quoted as `csv.writer` would."""

    def quoted(cell: str) -> str:
        if any(c in cell for c in ',"\r\n'):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    return (",".join(quoted(cell) for cell in cells) + "\r\n").encode()


def _select(rows: QuerySet) -> tuple[str, tuple[Any, ...]] | None:
    """The queryset's SQL and parameters, or None when it can match no row (Django builds no
    SQL for it)."""
    if rows.query.is_empty():
        return None
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def _copy_statement(sql: str, params: tuple[Any, ...]) -> str:
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    if not params:
        # psycopg merges parameters (and turns %% into %) only when there are some.
        statement = statement.replace("%%", "%")
    return statement


def csv_copy_chunks(
    rows: QuerySet, header: Sequence[str], *, wrap: Callable[[str], str] | None = None
) -> Iterator[bytes]:
    """UTF-8 CSV of `rows` (a `values_list` queryset whose every column is text or NULL, in
    `header` order; see the module docstring), `header` first, in chunks of `ROWS_PER_CHUNK`
    rows. Call it in the view: it checks the query at once (one `EXPLAIN`) and returns the
    chunks, whose COPY starts at the first `next()`; closing them early cancels the COPY.

    `wrap`, when given, turns the queryset's SQL into the statement to copy (a join the ORM
    cannot write: `api.rows.roster_csv_export`); it adds no parameters, and its columns are
    then the ones in `header` order."""
    select = _select(rows)
    head = csv_line(header)
    if select is None:
        return iter([head])
    sql, params = select
    if wrap is not None:
        sql = wrap(sql)
    connection = connections[rows.db]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        cursor.fetchall()
    context = current_context(connection.alias)
    if context is None or not connection.in_atomic_block:
        raise CopyOutsideContext(
            "A COPY export runs in a transaction acting for someone (core.rls)."
        )
    return _chunks(connection, context, _copy_statement(sql, params), params, head=head)


def _chunks(
    connection: BaseDatabaseWrapper,
    context: Context,
    statement: str,
    params: tuple[Any, ...],
    *,
    head: bytes,
) -> Iterator[bytes]:
    acting = (
        nullcontext()
        if connection.in_atomic_block and current_context(connection.alias) == context
        else context_restored(context, using=connection.alias)
    )
    with acting, connection.cursor() as cursor:
        # The COPY runs in a savepoint of its own, with its own settings: a COPY stopped early
        # (the client went away, the response was closed) is cancelled (psycopg), which
        # would otherwise abort the whole transaction, and rolling back to the savepoint
        # after it (it wrote nothing) puts the settings back for what follows (ending the
        # request, or a caller's transaction).
        _raw(connection, f"SAVEPOINT {_SAVEPOINT}; {_SETTINGS}")
        try:
            yield from _rows(connection, cursor, statement, params, head=head)
        finally:
            if _raw_status(connection) != TransactionStatus.UNKNOWN:
                _raw(
                    connection,
                    f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}",
                )


def _rows(
    connection: BaseDatabaseWrapper,
    cursor: Any,
    statement: str,
    params: tuple[Any, ...],
    *,
    head: bytes,
) -> Iterator[bytes]:
    logged = (
        cursor.debug_sql(statement, params)
        if isinstance(cursor, CursorDebugWrapper)
        else nullcontext()
    )
    with ExitStack() as stack:
        with logged, connection.wrap_database_errors:
            copy = stack.enter_context(cursor.cursor.copy(statement, params or None))
        with connection.wrap_database_errors:
            rows: list[Any] = []
            for row in copy:
                rows.append(row)
                if len(rows) == ROWS_PER_CHUNK:
                    yield head + _crlf(rows)
                    head, rows = b"", []
            if rows or head:
                yield head + _crlf(rows)


def _crlf(rows: list[Any]) -> bytes:
    """COPY's rows (one per message, each ending with LF) as CSV lines ending with CRLF. Most
    chunks hold no line break inside a field: one replace in C. Otherwise row by row, so that
    a line break inside a quoted field stays as it was."""
    data = b"".join(rows)
    if data.count(b"\n") == len(rows) and data[-1:] in (b"\n", b""):
        return data.replace(b"\n", b"\r\n")
    lines = []
    for row in rows:
        if row[-1] != _LINE_FEED:
            # PostgreSQL sends one row per CopyData message; anything else would be cut
            # here in the middle of a row.
            raise RuntimeError("COPY sent a message that is not one whole row.")
        lines.append(row[:-1])
    return b"\r\n".join(lines) + b"\r\n"


def _raw(connection: BaseDatabaseWrapper, sql: str) -> None:
    """Transaction machinery on the driver's connection (not a query of the view, like the
    row-level security context statements)."""
    with connection.wrap_database_errors:
        connection.connection.execute(sql)


def _raw_status(connection: BaseDatabaseWrapper) -> TransactionStatus:
    return connection.connection.info.transaction_status

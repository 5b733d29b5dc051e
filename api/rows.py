"""Roster rows written by PostgreSQL, and the public registry entry.

The roster is the API's hot path (benchmarks/roster_api.py): one query per page or export, no
per-row query, and no serializer per row. PostgreSQL writes each JSON result itself
(`json_build_object`) in the same statement that filters and orders the rows, and writes the
CSV export itself (`COPY`, `core.csv_copy`); Python only joins the pieces. `api.docs`
describes the same shapes for the OpenAPI schema, and the contract tests pin them.
"""

import datetime
import functools
import json
from collections.abc import Callable
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import (
    Expression,
    F,
    Func,
    JSONField,
    OuterRef,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast

from cases.models import PublicNotice
from cases.selectors import public_notices_of
from certification.models import Certification, CertificationSpecialization
from certification.rules import expiring_soon_window
from certification.selectors import certification_by_number_public, expiring_soon_flag
from core.csv_copy import csv_cell
from core.spreadsheet import spreadsheet_text_sql

CSV_HEADER = (
    "certification_number",
    "status",
    "first_name",
    "last_name",
    "county_code",
    "county_name",
    "issued_on",
    "expires_on",
    "expiring_soon",
    "specializations",
    "updated_at",
)
CSV_SPECIALIZATION_SEPARATOR = ";"


class _JsonObject(Func):
    """`json_build_object(key, value, ...)`: keys in the order given."""

    function = "json_build_object"
    output_field = JSONField()

    def __init__(self, **fields: Any) -> None:
        pairs = [part for key, value in fields.items() for part in (Value(key), value)]
        super().__init__(*pairs)


class _UtcIsoText(Func):
    """A timestamp as ISO 8601 text in UTC with microseconds and `Z`."""

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    output_field = TextField()


def _specialization_codes() -> ArraySubquery:
    codes = (
        CertificationSpecialization.objects.filter(certification=OuterRef("pk"))
        .order_by("code")
        .values("code")
    )
    return ArraySubquery(codes)


def _public_actions() -> ArraySubquery:
    """The certification's public notices (`cases.selectors.public_notices_of`, the same
    order and the same withdrawn ones left out) as JSON objects."""
    notices = (
        PublicNotice.objects.filter(certification=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by("-effective_on", "-pk")
        .values(
            json=_JsonObject(
                action=F("action"),
                effective_on=F("effective_on"),
                ended_on=F("ended_on"),
                summary=F("summary"),
            )
        )
    )
    return ArraySubquery(notices)


def _roster_row(today: datetime.date) -> Cast:
    """One roster result (docs/architecture.md#contracts) as JSON text, as an expression."""
    row = _JsonObject(
        certification_number=F("number"),
        status=F("status"),
        first_name=F("first_name"),
        last_name=F("last_name"),
        county=_JsonObject(code=F("issuing_county__code"), name=F("issuing_county__name")),
        # JSON writes a date as YYYY-MM-DD whatever the DateStyle: cheaper than to_char.
        issued_on=F("issued_on"),
        expires_on=F("expires_on"),
        expiring_soon=expiring_soon_flag(on=today),
        specializations=_specialization_codes(),
        updated_at=_UtcIsoText("updated_at"),
        public_actions=_public_actions(),
    )
    return Cast(row, TextField())


@functools.lru_cache(maxsize=8)
def _roster_row_sql(
    window: tuple[datetime.date, datetime.date], using: str
) -> tuple[str, tuple[Any, ...], str, str]:
    """`_roster_row` compiled once per day and database against the bare certifications
    query: its SQL and parameters, and the aliases it names the certification and its
    issuing county by. Building and compiling the expression (two subqueries, about a
    hundred nodes) cost about half of a one-row roster request's own work
    (benchmarks/RESULTS.md, "Cost of an API request")."""
    query = Certification.objects.annotate(row=_roster_row(window[0])).query
    compiler = query.get_compiler(using=using)
    sql, params = compiler.compile(query.annotations["row"])
    county = F("issuing_county__code").resolve_expression(query)
    return sql, tuple(params), query.get_initial_alias(), county.alias


class _CompiledRosterRow(Expression):
    """`_roster_row(today)` in a query of certifications, as the SQL compiled once by
    `_roster_row_sql`: resolving it only joins the issuing county (the one join the row
    reads), and the certification's and county's aliases of the query it lands in take the
    place of those it was compiled with."""

    output_field = TextField()

    def __init__(self, today: datetime.date) -> None:
        super().__init__()
        self.today = today
        self.columns: list[Any] = []

    def get_source_expressions(self) -> list[Any]:
        return list(self.columns)

    def set_source_expressions(self, exprs: list[Any]) -> None:
        self.columns = list(exprs)

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        clone = self.copy()
        clone.columns = [
            F(name).resolve_expression(query, allow_joins, reuse, summarize, for_save)
            for name in ("id", "issuing_county__code")
        ]
        return clone

    def as_sql(self, compiler, connection):
        sql, params, base, county = _roster_row_sql(
            expiring_soon_window(self.today), connection.alias
        )
        for compiled, column in zip((base, county), self.columns, strict=True):
            if column.alias != compiled:
                sql = sql.replace(
                    f"{connection.ops.quote_name(compiled)}.",
                    f"{compiler.quote_name_unless_alias(column.alias)}.",
                )
        return sql, params


def roster_json_rows(certifications: QuerySet[Certification], *, today: datetime.date) -> QuerySet:
    """`certifications` as dicts `{"id", "row"}`, `row` being one roster result
    (docs/architecture.md#contracts) as JSON text; still unordered and unsliced, for the
    paginator."""
    return (
        certifications.prefetch_related(None)
        .annotate(row=_CompiledRosterRow(today))
        .values("id", "row")
    )


class JsonPage:
    """One page of roster results (`roster_json_page`): how many rows the statement returned
    (the page and the row after it), the page's JSON results in key order joined by commas,
    the keys at the page's ends (the first two and the last two: all a cursor's links read)
    and the key of the row after the page."""

    def __init__(self, fetched: int, results: str, ends: list[int], following: int | None):
        self.fetched = fetched
        self.results = results
        # The keys at the page's ends, as the rows a cursor paginator reads positions from.
        self.ends = [{"id": key} for key in ends]
        self.following = following


def roster_json_page(sliced: QuerySet, *, page_size: int, descending: bool) -> JsonPage:
    """Run `sliced` (`roster_json_rows`, ordered by key, `descending` or not, and sliced to
    the page and the row after it) on a plain cursor of its connection (same transaction and
    row-level security context) and join the JSON texts PostgreSQL wrote: Django's rows (a
    dict per row through the values iterator) cost more than the rows themselves, and
    joining them in PostgreSQL (`string_agg`) cost the database more than it saved here
    (benchmarks/RESULTS.md, "Cost of an API request")."""
    using = sliced.db
    sql, params = sliced.query.get_compiler(using=using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    page = rows[:page_size]
    following = rows[page_size][0] if len(rows) > page_size else None
    if descending:
        page.reverse()
    ends = page if len(page) <= 4 else page[:2] + page[-2:]
    return JsonPage(
        len(rows), ",".join(row for _key, row in page), [key for key, _row in ends], following
    )


def roster_page_json(page: JsonPage, *, next_link: str | None, previous_link: str | None) -> bytes:
    """The page document `{"next", "previous", "results"}` of a `JsonPage`: only the links are
    encoded here, the results are the JSON text PostgreSQL wrote and joined."""
    links = f'"next":{json.dumps(next_link)},"previous":{json.dumps(previous_link)}'
    return f'{{{links},"results":[{page.results}]}}'.encode()


def _csv_cells(today: datetime.date) -> dict[str, Any]:
    return {
        "csv_number": csv_cell("number"),
        "csv_status": csv_cell("status"),
        "csv_first_name": csv_cell(spreadsheet_text_sql("first_name")),
        "csv_last_name": csv_cell(spreadsheet_text_sql("last_name")),
        "csv_county_code": csv_cell("issuing_county__code"),
        "csv_county_name": csv_cell("issuing_county__name"),
        # Written YYYY-MM-DD by COPY (core.csv_copy), cheaper than to_char.
        "csv_issued_on": F("issued_on"),
        "csv_expires_on": F("expires_on"),
        # PostgreSQL writes a boolean as text "true" or "false".
        "csv_expiring_soon": Cast(expiring_soon_flag(on=today), TextField()),
        "csv_specializations": csv_cell(
            Func(
                _specialization_codes(),
                Value(CSV_SPECIALIZATION_SEPARATOR),
                function="array_to_string",
                output_field=TextField(),
            )
        ),
        "csv_updated_at": _UtcIsoText("updated_at"),
    }


def roster_csv_rows(certifications: QuerySet[Certification], *, today: datetime.date) -> QuerySet:
    """`certifications` as rows of text in `CSV_HEADER` order, still unordered, for
    `core.csv_copy` (PostgreSQL writes the CSV). The names (typed by people) are written as
    text even when they look like spreadsheet formulas (`core.spreadsheet`)."""
    cells = _csv_cells(today)
    return certifications.prefetch_related(None).annotate(**cells).values_list(*cells)


# Every certification's specialization codes, joined as the CSV writes them, in one pass over
# the specializations in certification order (`roster_csv_export`).
_CODES_BY_CERTIFICATION = (
    "SELECT certification_id, string_agg(code, '{separator}' ORDER BY code) AS codes "
    "FROM {table} GROUP BY certification_id"
)


def roster_csv_export(
    certifications: QuerySet[Certification], *, today: datetime.date, whole_roster: bool
) -> tuple[QuerySet, Callable[[str], str] | None]:
    """The rows of `roster_csv_rows` in key order, as a queryset and the `wrap` of
    `core.csv_copy.csv_copy_chunks` that completes its statement. A part of the roster (a
    county, a filter) reads each row's specialization codes with a subquery per row (an index
    probe each); the whole roster (`whole_roster`) joins every certification's codes gathered
    in one pass over the specializations instead, about a fifth of the export's time at
    200,000 certifications (benchmarks/RESULTS.md, "Roster CSV by COPY"). The same bytes
    either way (tests/api/test_roster_csv_copy.py)."""
    if not whole_roster:
        return roster_csv_rows(certifications, today=today).order_by("id"), None
    cells = _csv_cells(today)
    del cells["csv_specializations"]
    rows = (
        certifications.prefetch_related(None)
        .annotate(**cells, csv_id=F("id"))
        .values_list(*cells, "csv_id")
        .order_by()
    )
    codes = _CODES_BY_CERTIFICATION.format(
        separator=CSV_SPECIALIZATION_SEPARATOR,
        table=CertificationSpecialization._meta.db_table,
    )
    columns = [f"q.{name}" for name in cells]
    columns.insert(CSV_HEADER.index("specializations"), "NULLIF(s.codes, '')")

    def wrap(sql: str) -> str:
        return (
            f"SELECT {', '.join(columns)} FROM ({sql}) q "
            f"LEFT JOIN ({codes}) s ON s.certification_id = q.csv_id ORDER BY q.csv_id"
        )

    return rows, wrap


def public_certification(number: str) -> Certification | None:
    """The registry entry with this number (case and surrounding spaces ignored), or None."""
    if "\x00" in number:
        return None
    return certification_by_number_public(number)


def verification_row(certification: Certification) -> dict[str, Any]:
    """What the public may know of a certification, and nothing else about the person.
    `certification` comes from `certification_by_number_public` (specializations prefetched)."""
    return {
        "certification_number": certification.number,
        "first_name": certification.first_name,
        "last_name": certification.last_name,
        "status": certification.status,
        "issued_on": certification.issued_on,
        "expires_on": certification.expires_on,
        # A suspension is a public fact of the registry (action and date), and stays on record
        # when the suspended certification expires.
        "suspended_on": certification.suspended_on,
        "specializations": sorted(s.code for s in certification.specializations.all()),
        "issuing_county": {
            "code": certification.issuing_county.code,
            "name": certification.issuing_county.name,
        },
        "public_actions": public_actions(certification),
    }


def public_actions(certification: Certification) -> list[dict[str, Any]]:
    """The public actions on a certification, newest first (`cases.selectors.public_notices_of`):
    the action, its effective date, when it ended (a suspension) and the public summary staff
    wrote when the program chose to publish one. Never the complaint, the findings or who
    complained."""
    return [
        {
            "action": notice.action,
            "effective_on": notice.effective_on,
            "ended_on": notice.ended_on,
            "summary": notice.summary,
        }
        for notice in public_notices_of([certification.pk]).get(certification.pk, [])
    ]

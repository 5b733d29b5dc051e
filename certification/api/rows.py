"""Roster rows built from `values_list()` and plain functions: one query per page, no per-row
queries and no serializer per row (issue 6 'Speed'). The documentation serializers in
`certification.api.docs` describe the same shapes for the OpenAPI schema.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Func, OuterRef, QuerySet, TextField

from certification.models import Certification, CertificationSpecialization, CertificationStatus
from certification.rules import is_expiring_soon
from certification.selectors import certification_by_number_public

_ROW_FIELDS = (
    "id",
    "number",
    "status",
    "first_name",
    "last_name",
    "issuing_county__code",
    "issuing_county__name",
    "issued_on",
    "expires_on",
    "updated_at_iso",
    "specialization_codes",
)

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
# Rows written to the buffer before it is handed to the server as one chunk.
_CSV_ROWS_PER_CHUNK = 1000


class _UtcIsoText(Func):
    """A timestamp as ISO 8601 text in UTC with microseconds and `Z`, written by PostgreSQL:
    cheaper than loading a timezone-aware datetime into Python only to format it again."""

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    output_field = TextField()


def roster_rows(certifications: QuerySet[Certification]) -> QuerySet:
    """`certifications` as named tuples (`_ROW_FIELDS`) holding everything a roster row needs:
    specialization codes gathered by a subquery and `updated_at` formatted, all in the same
    statement. Still unordered and unsliced."""
    codes = (
        CertificationSpecialization.objects.filter(certification=OuterRef("pk"))
        .order_by("code")
        .values("code")
    )
    return (
        certifications.prefetch_related(None)
        .annotate(
            specialization_codes=ArraySubquery(codes), updated_at_iso=_UtcIsoText("updated_at")
        )
        .values_list(*_ROW_FIELDS, named=True)
    )


def expiring_soon(status: str, expires_on: datetime.date, *, today: datetime.date) -> bool:
    """Derived, not a status: an active certification within `EXPIRING_SOON_DAYS` of its
    expiry (`certification.rules.is_expiring_soon`). Never true for a certification that is
    not active: a suspended, revoked or vacated one is not "about to expire"."""
    return status == CertificationStatus.ACTIVE and is_expiring_soon(expires_on, on=today)


def roster_row(row: Any, *, today: datetime.date) -> dict[str, Any]:
    """One roster result (DESIGN.md 'Contracts') from a `roster_rows` tuple, every value
    already a JSON type (dates as ISO 8601 text)."""
    return {
        "certification_number": row.number,
        "status": row.status,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "county": {"code": row.issuing_county__code, "name": row.issuing_county__name},
        "issued_on": row.issued_on.isoformat(),
        "expires_on": row.expires_on.isoformat(),
        "expiring_soon": expiring_soon(row.status, row.expires_on, today=today),
        "specializations": row.specialization_codes,
        "updated_at": row.updated_at_iso,
    }


def _csv_record(row: Any, today: datetime.date) -> tuple:
    soon = expiring_soon(row.status, row.expires_on, today=today)
    return (
        row.number,
        row.status,
        row.first_name,
        row.last_name,
        row.issuing_county__code,
        row.issuing_county__name,
        row.issued_on.isoformat(),
        row.expires_on.isoformat(),
        "true" if soon else "false",
        CSV_SPECIALIZATION_SEPARATOR.join(row.specialization_codes),
        row.updated_at_iso,
    )


def roster_csv_chunks(rows: Iterable[Any], *, today: datetime.date) -> Iterator[bytes]:
    """UTF-8 CSV (RFC 4180: CRLF line ends, fields with commas, quotes or line breaks quoted,
    quotes doubled) of `roster_rows` tuples, header first, in chunks of a bounded
    size so that memory stays constant whatever the number of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    batch: list[tuple] = []
    for row in rows:
        batch.append(_csv_record(row, today))
        if len(batch) == _CSV_ROWS_PER_CHUNK:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue().encode()


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
        "specializations": sorted(s.code for s in certification.specializations.all()),
        "issuing_county": {
            "code": certification.issuing_county.code,
            "name": certification.issuing_county.name,
        },
    }

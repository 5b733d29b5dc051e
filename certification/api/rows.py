"""Roster rows built from `values()` and plain functions: one query per page, no per-row
queries and no serializer per row (issue 6 'Speed'). The documentation serializers in
`certification.api.docs` describe the same shapes for the OpenAPI schema.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet

from certification.models import Certification, CertificationSpecialization, CertificationStatus
from certification.rules import is_expiring_soon
from certification.selectors import certification_by_number_public

_VALUE_FIELDS = (
    "id",
    "number",
    "status",
    "first_name",
    "last_name",
    "issuing_county__code",
    "issuing_county__name",
    "issued_on",
    "expires_on",
    "updated_at",
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


def _with_specialization_codes(certifications: QuerySet[Certification]) -> QuerySet:
    codes = (
        CertificationSpecialization.objects.filter(certification=OuterRef("pk"))
        .order_by("code")
        .values("code")
    )
    return certifications.prefetch_related(None).annotate(specialization_codes=ArraySubquery(codes))


def roster_values(certifications: QuerySet[Certification]) -> QuerySet:
    """`certifications` as dicts holding everything a roster row needs (specialization codes
    gathered by a subquery in the same statement), still unordered and unsliced."""
    return _with_specialization_codes(certifications).values(*_VALUE_FIELDS)


def roster_values_list(certifications: QuerySet[Certification]) -> QuerySet:
    """The same as `roster_values`, as tuples in `_VALUE_FIELDS` order (cheaper for the CSV)."""
    return _with_specialization_codes(certifications).values_list(*_VALUE_FIELDS)


def expiring_soon(status: str, expires_on: datetime.date, *, today: datetime.date) -> bool:
    """Derived, not a status: an active certification within `EXPIRING_SOON_DAYS` of its
    expiry (`certification.rules.is_expiring_soon`). Never true for a certification that is
    not active: a suspended, revoked or vacated one is not "about to expire"."""
    return status == CertificationStatus.ACTIVE and is_expiring_soon(expires_on, on=today)


def roster_row(values: dict[str, Any], *, today: datetime.date) -> dict[str, Any]:
    """One roster result (DESIGN.md 'Contracts') from a `roster_values` dict."""
    return {
        "certification_number": values["number"],
        "status": values["status"],
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "county": {"code": values["issuing_county__code"], "name": values["issuing_county__name"]},
        "issued_on": values["issued_on"],
        "expires_on": values["expires_on"],
        "expiring_soon": expiring_soon(values["status"], values["expires_on"], today=today),
        "specializations": values["specialization_codes"],
        "updated_at": values["updated_at"],
    }


def _csv_record(values: tuple, today: datetime.date) -> tuple:
    (_id, number, status, first, last, code, name, issued, expires, updated, codes) = values
    soon = expiring_soon(status, expires, today=today)
    return (
        number,
        status,
        first,
        last,
        code,
        name,
        issued.isoformat(),
        expires.isoformat(),
        "true" if soon else "false",
        CSV_SPECIALIZATION_SEPARATOR.join(codes),
        _iso_datetime(updated),
    )


def _iso_datetime(value: datetime.datetime) -> str:
    """ISO 8601 in UTC with a `Z`, as the JSON renderer writes datetimes."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def roster_csv_chunks(rows: Iterable[tuple], *, today: datetime.date) -> Iterator[bytes]:
    """UTF-8 CSV (RFC 4180: CRLF line ends, fields with commas, quotes or line breaks quoted,
    quotes doubled) of `roster_values_list` tuples, header first, in chunks of a bounded
    size so that memory stays constant whatever the number of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    batch: list[tuple] = []
    for values in rows:
        batch.append(_csv_record(values, today))
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

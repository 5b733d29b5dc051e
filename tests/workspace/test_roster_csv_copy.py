"""The county roster CSV written by PostgreSQL's COPY (core.csv_copy): byte for byte what the
Python writer it replaced wrote, on values that test a CSV writer, with every filter."""

import csv
import datetime
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from core import rls
from core.spreadsheet import spreadsheet_text
from tests.api.test_roster_csv_copy import TRICKY
from tests.factories import CertificationFactory, SpecializationFactory
from workspace.views.roster import CSV_COLUMNS, roster_rows


class _Echo:
    def write(self, value: str) -> str:
        return value


def old_roster_csv(rows) -> bytes:
    """The export as written before COPY (`git show d8b9b85:workspace/views/roster.py`)."""
    writer = csv.writer(_Echo())
    lines = [writer.writerow(CSV_COLUMNS)]
    for row in rows.iterator(chunk_size=2000):
        lines.append(
            writer.writerow(
                (
                    row.number,
                    row.status,
                    spreadsheet_text(row.first_name),
                    spreadsheet_text(row.last_name),
                    row.issued_on.isoformat(),
                    row.expires_on.isoformat(),
                    "yes" if row.expiring_soon else "no",
                    row.specialization_codes or "",
                )
            )
        )
    return "".join(lines).encode()


@pytest.fixture
def tricky(cast):
    today = timezone.localdate()
    for n, first in enumerate(TRICKY):
        certification = CertificationFactory(
            number=f"PSS-W{n:06d}",
            issuing_county=cast.county if n % 4 else cast.other_county,
            first_name=first,
            last_name=TRICKY[(n * 7) % len(TRICKY)],
            status=("active", "suspended", "expired")[n % 3],
            issued_on=today - datetime.timedelta(days=700),
            expires_on=today + datetime.timedelta(days=10 * n - 60),
        )
        for code in ("crisis", "unhoused")[: (n // 2) % 3]:
            SpecializationFactory(certification=certification, code=code)


@pytest.mark.parametrize(
    ("who", "params"),
    [
        ("admin", {}),
        ("state", {}),
        ("admin", {"status": "active"}),
        ("admin", {"specialization": "crisis"}),
        ("admin", {"expiring": "on"}),
        ("admin", {"q": "Brien"}),
    ],
)
def test_the_copy_export_is_byte_for_byte_what_the_python_writer_wrote(
    cast, client, tricky, who, params
):
    user = getattr(cast, who)
    query = QueryDict(mutable=True)
    query.update(params)
    with rls.rls_context(user):
        expected = old_roster_csv(roster_rows(user, SimpleNamespace(county=cast.county), query).qs)
    client.force_login(user)

    response = client.get(reverse("workspace:roster_csv", args=["alameda"]), params)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == expected
    assert expected.count(b"PSS-W") >= 1

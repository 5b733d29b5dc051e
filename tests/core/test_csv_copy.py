"""core.csv_copy: CSV written by PostgreSQL's COPY, acting for the request's row-level
security context; core.spreadsheet: the one formula-safe rule, in Python and in SQL."""

import csv
import io

import pytest
from django.db import connection
from django.db.models import F, TextField, Value
from django.db.models.functions import Cast
from hypothesis import example, given, settings
from hypothesis import strategies as st

from certification.models import Application, Certification
from core import rls
from core.csv_copy import CopyOutsideContext, csv_cell, csv_copy_chunks, csv_line
from core.spreadsheet import FORMULA_STARTS, spreadsheet_text, spreadsheet_text_sql
from counties.models import County
from tests.api.conftest import bulk_certifications
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _ids(model=Application):
    return model.objects.annotate(pk_text=Cast(F("pk"), TextField())).values_list("pk_text")


def _body(chunks) -> list[str]:
    return b"".join(chunks).decode().splitlines()


def test_row_level_security_alone_decides_the_rows_of_a_copy(cast):
    """No access layer at all: the county reviewer's COPY of every application returns their
    county's submitted one only; the system's returns both."""
    own = ApplicationFactory(applicant=cast.applicant, county=cast.county, status="submitted")
    other = ApplicationFactory(
        applicant=cast.other_applicant, county=cast.other_county, status="submitted"
    )

    with rls.rls_context(cast.reviewer):
        reviewer = _body(csv_copy_chunks(_ids().order_by("pk"), ["id"]))
    with rls.rls_context(system=True):
        system = _body(csv_copy_chunks(_ids().order_by("pk"), ["id"]))

    assert reviewer == ["id", str(own.pk)]
    assert system == ["id", str(own.pk), str(other.pk)]


def test_a_copy_outside_any_context_is_refused_before_it_runs(cast, django_assert_num_queries):
    with pytest.raises(CopyOutsideContext), django_assert_num_queries(1) as queries:
        csv_copy_chunks(_ids(), ["id"])

    assert queries.captured_queries[0]["sql"].startswith("EXPLAIN ")


def test_a_copy_runs_after_its_scope_ended_acting_for_the_same_context(cast):
    """A streamed response's chunks are read after the view; the COPY still acts for the
    context of the view (here the test client's case: the scope already ended)."""
    own = ApplicationFactory(applicant=cast.applicant, county=cast.county, status="submitted")
    ApplicationFactory(applicant=cast.other_applicant, county=cast.other_county, status="submitted")
    with rls.rls_context(cast.reviewer):
        chunks = csv_copy_chunks(_ids().order_by("pk"), ["id"])

    assert rls.current_context() is None
    assert _body(chunks) == ["id", str(own.pk)]
    assert rls.current_context() is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.context', true)")
        assert cursor.fetchone()[0] in (None, "")


def test_a_copy_closed_early_is_cancelled_and_the_transaction_goes_on(cast):
    bulk_certifications(3000, cast.county)
    with rls.rls_context(cast.state):
        chunks = csv_copy_chunks(_ids(Certification), ["id"])
        first = next(chunks)
        chunks.close()
        # The same transaction, still usable, still acting for the same person.
        assert Certification.objects.count() == 3000
        assert rls.current_context() == rls.Context(user_id=cast.state.pk)

    assert first.count(b"\r\n") > 1000
    assert Certification.objects.count() == 3000


def test_a_queryset_that_matches_nothing_is_the_header_alone(cast, django_assert_num_queries):
    with rls.rls_context(cast.state), django_assert_num_queries(0):
        assert b"".join(csv_copy_chunks(_ids().none(), ["id", "a,b"])) == b'id,"a,b"\r\n'


def test_empty_text_and_null_are_both_written_as_nothing_as_csv_writer_does(cast):
    county = County.objects.filter(code="alameda")
    rows = county.annotate(
        empty=csv_cell(Value("")),
        null=csv_cell(Value(None, output_field=TextField())),
        quoted=csv_cell(Value('a "b", c\r\nd')),
    ).values_list("empty", "null", "quoted")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [["x", "y", "z"], ["", None, 'a "b", c\r\nd']]
    )

    with rls.rls_context(cast.state):
        written = b"".join(csv_copy_chunks(rows, ["x", "y", "z"]))

    assert written == buffer.getvalue().encode()


@pytest.mark.parametrize("header", [["a", "b"], ["a,b", 'c"d', "e\nf", ""]])
def test_a_header_line_is_quoted_as_csv_writer_quotes_it(header):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(header)
    assert csv_line(header) == buffer.getvalue().encode()


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=12,
    )
)
@example(text="")
@example(text="=1+2")
@example(text="'=1")
@example(text="\r\n")
def test_the_sql_rule_is_the_python_rule(text):
    """The exports PostgreSQL writes and the ones Python writes apply the same rule."""
    value = (
        County.objects.filter(code="alameda")
        .annotate(safe=spreadsheet_text_sql(Value(text, output_field=TextField())))
        .values_list("safe", flat=True)
        .get()
    )
    assert value == spreadsheet_text(text)


def test_every_formula_start_is_guarded(db):
    for start in FORMULA_STARTS:
        value = (
            County.objects.filter(code="alameda")
            .annotate(safe=spreadsheet_text_sql(Value(f"{start}x", output_field=TextField())))
            .values_list("safe", flat=True)
            .get()
        )
        assert value == f"'{start}x"

"""Hostile vendor files in the exam results import: cells of hostile text,
wrong encodings (Latin-1, UTF-16 with its byte-order mark, binary garbage), missing and extra
columns, short and long rows, huge cells. The file is refused as a whole with a clear message
at the file field, or previewed with every row's outcome and a message for each problem row;
never a server error."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from exams import imports as exam_import
from exams.imports import ImportFileError, RowOutcome
from exams.models import ExamAttempt
from tests.portal.conftest import client_for
from tests.security.hostile import HOSTILE, assert_refused_clearly, hostile_text
from tests.workspace.conftest import approved_application, person

pytestmark = pytest.mark.django_db

UPLOAD = reverse("workspace:exam_import", args=["alameda"])


@pytest.fixture
def candidate(cast, settings):
    settings.STAFF_MFA_REQUIRED = False
    return approved_application(
        person("cand@example.org", "Cand", "Idate", cast.county), cast.county
    )


def _cell(candidate) -> st.SearchStrategy[str]:
    today = timezone.localdate().isoformat()
    return st.one_of(
        st.sampled_from(
            [str(candidate.pk), candidate.applicant.email, today, "passed", "no show", "512"]
        ),
        st.sampled_from(["PV-1", "PV-2", "²", "١٢٣", "0" * 13, "12/31/9999", "0001-01-01"]),
        hostile_text,
    )


def _header() -> st.SearchStrategy[list[str]]:
    columns = [*exam_import.COLUMNS, "candidate_id", "notes", "", "EMAIL ", "Result"]
    return st.one_of(
        st.just(list(exam_import.COLUMNS)),
        st.permutations(list(exam_import.COLUMNS)),
        st.lists(st.sampled_from(columns), min_size=0, max_size=9),
        st.lists(st.one_of(st.sampled_from(columns), hostile_text), max_size=7),
    )


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def _csv_text(header: list[str], rows: list[list[str]], quoting: str) -> str:
    if quoting == "raw":
        return "\n".join(",".join(values) for values in [header, *rows])
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue()


@st.composite
def vendor_files(draw, candidate) -> bytes:
    """A CSV a vendor, a spreadsheet or an attacker might produce."""
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    header = draw(_header())
    rows = draw(st.lists(st.lists(_cell(candidate), max_size=9), max_size=12))
    text = _csv_text(header, rows, draw(st.sampled_from(["writer", "raw"])))
    return _encode(text, draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"])))


def _check_plan(cast, data: bytes) -> None:
    """Parsing and planning either refuse the file with a message or give every row an
    outcome, with a message for every row that is not ready."""
    try:
        parsed = exam_import.parse_file(data)
    except ImportFileError as error:
        assert error.field == "file" and str(error.message)
        return
    plan = exam_import.plan_import(cast.admin, cast.county, parsed)
    assert len(plan.rows) == len(parsed.rows)
    for row in plan.rows:
        assert row.outcome in RowOutcome.values
        assert row.is_ok or str(row.message)


@HOSTILE
@given(data=st.data())
def test_parsing_and_planning_hostile_files_refuse_or_explain_every_row(cast, candidate, data):
    _check_plan(cast, data.draw(vendor_files(candidate)))


@HOSTILE
@given(data=st.data())
def test_uploading_hostile_files_previews_or_refuses_at_the_file_field(cast, candidate, data):
    content = data.draw(vendor_files(candidate))
    client = client_for(cast.admin)

    response = client.post(UPLOAD, {"file": SimpleUploadedFile("results.csv", content)})

    if response.status_code == 302:
        preview = client.get(response["Location"])
        assert preview.status_code == 200
        plan = preview.context["plan"]
        labels = {str(label) for label in RowOutcome.labels}
        html = preview.content.decode()
        assert plan.rows and all(row.outcome_label in labels for row in plan.rows)
        assert plan.rows[0].outcome_label in html
    else:
        assert_refused_clearly(response)
        assert response.context["form"].errors["file"]
    assert ExamAttempt.objects.count() == 0  # nothing is recorded before the commit


def _row(candidate, **values) -> list[str]:
    row = {
        "application_id": str(candidate.pk),
        "email": candidate.applicant.email,
        "exam_date": timezone.localdate().isoformat(),
        "result": "passed",
        "scaled_score": "512",
        "vendor_reference": "PV-1",
        **values,
    }
    return [row[column] for column in exam_import.COLUMNS]


@pytest.mark.parametrize(
    ("values", "outcome"),
    [
        ({"application_id": "²"}, RowOutcome.UNKNOWN_CANDIDATE),
        ({"application_id": "١٢٣"}, RowOutcome.UNKNOWN_CANDIDATE),
        ({"scaled_score": "5²"}, RowOutcome.BAD_SCORE),
        ({"scaled_score": "٥١٢"}, RowOutcome.BAD_SCORE),
        ({"vendor_reference": "<script>alert(1)</script>" * 3}, RowOutcome.MISSING_REFERENCE),
        ({"exam_date": "2025-02-30"}, RowOutcome.MALFORMED_DATE),
        ({"result": "passed\u202e"}, RowOutcome.BAD_RESULT),
    ],
)
def test_each_hostile_cell_is_a_row_problem_with_a_message(cast, candidate, values, outcome):
    text = _csv_text(list(exam_import.COLUMNS), [_row(candidate, **values)], "writer")

    plan = exam_import.plan_import(cast.admin, cast.county, exam_import.parse_file(text.encode()))

    (row,) = plan.rows
    assert (row.outcome, bool(row.message)) == (outcome, True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("x".encode("utf-16"), "The file is not UTF-8 text."),
        ("application_id,email\n1,é".encode("utf-16"), "The file is not UTF-8 text."),
        (
            "application_id,email,exam_date,result,vendor_reference\n1,é,".encode("latin-1"),
            "The file is not UTF-8 text.",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00garbage", "The file is not UTF-8 text."),
        (b"application_id,email\x00,exam_date\n", "The file is not a CSV text file."),
        (b"", "The submitted file is empty."),
        (b"application_id,email\n1,a@b\n", "Columns missing from the header: exam_date"),
        (",".join(exam_import.COLUMNS).encode() + b"\n", "The file has a header but no rows."),
        (
            ",".join(exam_import.COLUMNS).encode() + b'\n1,"' + b"x" * 200_000 + b'"\n',
            "Line 2 is not valid CSV.",
        ),
    ],
)
def test_unreadable_files_are_refused_at_the_file_field(cast, candidate, content, message):
    response = client_for(cast.admin).post(
        UPLOAD, {"file": SimpleUploadedFile("results.csv", content)}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(message)
    assert_refused_clearly(response)


@example(columns=10_000)
@given(columns=st.integers(min_value=7, max_value=50))
@HOSTILE
def test_rows_longer_than_the_header_are_malformed_rows(cast, candidate, columns):
    row = _row(candidate) + ["extra"] * (columns - len(exam_import.COLUMNS))
    text = _csv_text(list(exam_import.COLUMNS), [row, _row(candidate)[:3]], "writer")

    plan = exam_import.plan_import(cast.admin, cast.county, exam_import.parse_file(text.encode()))

    assert [row.outcome for row in plan.rows] == [RowOutcome.MALFORMED_ROW] * 2

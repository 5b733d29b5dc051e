"""Who reads and writes program reports: the access layer (`program_reports_for`) and
row-level security alone agree; a submitted version is frozen in the database itself."""

import datetime

import pytest
from django.db import ProgrammingError, transaction
from django.http import Http404

from reports.models import ProgramReport
from reports.selectors import program_report_get, program_reports_for
from tests.security.test_rls import acting_as

pytestmark = pytest.mark.django_db

START, END = datetime.date(2025, 7, 1), datetime.date(2026, 6, 30)


def _reports(cast):
    mine = ProgramReport.objects.create(
        county=cast.county, period_start=START, period_end=END, created_by=cast.admin
    )
    theirs = ProgramReport.objects.create(
        county=cast.other_county, period_start=START, period_end=END, created_by=cast.other_admin
    )
    return mine, theirs


def test_the_access_layer_shows_a_report_to_its_county_and_state_staff_only(cast):
    mine, theirs = _reports(cast)
    expected = {
        "anonymous": set(),
        "applicant": set(),
        "other_applicant": set(),
        "reviewer": {mine.pk},
        "admin": {mine.pk},
        "other_admin": {theirs.pk},
        "state": {mine.pk, theirs.pk},
    }
    for who, ids in expected.items():
        assert set(program_reports_for(cast.everyone[who]).values_list("pk", flat=True)) == ids
    with pytest.raises(Http404):
        program_report_get(cast.other_admin, mine.pk)
    with pytest.raises(Http404):
        program_report_get(cast.admin, "x")


def test_row_level_security_alone_keeps_reports_private(cast):
    mine, theirs = _reports(cast)
    expected = {
        "anonymous": set(),
        "applicant": set(),
        "other_applicant": set(),
        "reviewer": {mine.pk},
        "admin": {mine.pk},
        "other_admin": {theirs.pk},
        "state": {mine.pk, theirs.pk},
    }
    for who, ids in expected.items():
        with acting_as(cast.everyone[who]) as cursor:
            cursor.execute("SELECT id FROM reports_programreport")
            assert {row[0] for row in cursor.fetchall()} == ids, who
    # Only the county's administrators write: another county's admin, the reviewer and state
    # staff change nothing.
    for who in ("other_admin", "reviewer", "state"):
        with acting_as(cast.everyone[who]) as cursor:
            cursor.execute(
                "UPDATE reports_programreport SET challenges = 'x' WHERE id = %s", [mine.pk]
            )
            assert cursor.rowcount == 0, who
    for who in ("other_admin", "reviewer", "state"):
        with (
            acting_as(cast.everyone[who]) as cursor,
            pytest.raises(ProgrammingError, match="row-level"),
        ):
            cursor.execute(
                "INSERT INTO reports_programreport (county_id, period_start, period_end, version, "
                "status, plan_changes, challenges, what_changed, pdf, pdf_sha256, created_by_id, "
                "created_at, updated_at) VALUES (%s, '2024-07-01', '2025-06-30', 1, 'draft', '', "
                "'', '', '', '', %s, now(), now())",
                [cast.county.pk, cast.everyone[who].pk],
            )
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="denied"):
        cursor.execute("DELETE FROM reports_programreport")
    mine.refresh_from_db()
    assert mine.challenges == "" and ProgramReport.objects.count() == 2


def test_a_submitted_version_is_frozen_in_the_database(cast):
    mine, _theirs = _reports(cast)
    ProgramReport.objects.filter(pk=mine.pk).update(
        status="submitted",
        figures={"sections": []},
        pdf="reports/x.pdf",
        submitted_at=datetime.datetime(2026, 7, 2, tzinfo=datetime.UTC),
        submitted_by=cast.admin,
    )
    for change in (
        lambda: ProgramReport.objects.filter(pk=mine.pk).update(figures={"sections": [1]}),
        lambda: ProgramReport.objects.filter(pk=mine.pk).update(status="draft"),
        lambda: ProgramReport.objects.filter(pk=mine.pk).delete(),
    ):
        with pytest.raises(ProgrammingError, match="frozen"), transaction.atomic():
            change()
    mine.refresh_from_db()
    assert mine.status == "submitted" and mine.figures == {"sections": []}

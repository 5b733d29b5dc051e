"""Starting, writing, submitting and correcting a program report: only the county's
administrators act (every refusal changes nothing), a submitted version keeps its figures and
PDF whatever happens to the records afterwards, and a correction is a new version that says
what it changes."""

import datetime
import hashlib
import io

import pypdf
import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core.errors import DomainError
from reports import services
from reports.models import ProgramReport
from reports.selectors import report_figures
from tests.reports import dataset

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def _start(cast, **kw):
    return services.program_report_start(
        actor=kw.pop("actor", cast.admin),
        county=kw.pop("county", cast.county),
        period_start=kw.pop("period_start", dataset.START),
        period_end=kw.pop("period_end", dataset.END),
        today=TODAY,
    )


def _rows(report):
    return (
        ProgramReport.objects.filter(pk=report.pk)
        .values("status", "plan_changes", "challenges", "figures", "pdf", "version")
        .get()
    )


def test_an_administrator_starts_one_draft_per_period(cast):
    report = _start(cast)
    assert report.status == "draft" and report.version == 1 and report.figures is None
    assert _start(cast).pk == report.pk  # a double click opens the same draft
    assert ProgramReport.objects.count() == 1
    assert AuditEvent.objects.filter(verb="program_report_start", object_id=report.pk).count() == 1


@pytest.mark.parametrize("who", ["reviewer", "other_admin", "state", "applicant"])
def test_nobody_else_starts_a_report(cast, who):
    with pytest.raises(PermissionDenied):
        _start(cast, actor=cast.everyone[who])
    assert ProgramReport.objects.count() == 0
    assert not AuditEvent.objects.filter(verb__startswith="program_report").exists()


def test_a_bad_period_is_refused_with_its_reason(cast):
    with pytest.raises(DomainError, match="on or after"):
        _start(cast, period_start=dataset.END, period_end=dataset.START)
    assert ProgramReport.objects.count() == 0


@pytest.mark.parametrize("who", ["reviewer", "other_admin", "state"])
def test_nobody_else_writes_or_submits_a_draft(cast, who):
    report = _start(cast)
    before = _rows(report)
    with pytest.raises(PermissionDenied):
        services.program_report_save(
            actor=cast.everyone[who], report=report, plan_changes="x", challenges="y"
        )
    with pytest.raises(PermissionDenied):
        services.program_report_submit(actor=cast.everyone[who], report=report, today=TODAY)
    assert _rows(report) == before


def test_a_period_not_over_is_not_submitted(cast):
    report = _start(
        cast, period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2027, 6, 30)
    )
    before = _rows(report)
    with pytest.raises(DomainError, match="once its period is over"):
        services.program_report_submit(actor=cast.admin, report=report, today=TODAY)
    assert _rows(report) == before


def test_the_submitted_version_is_frozen_and_a_correction_says_what_changed(cast):
    data = dataset.build(cast.county, cast.other_county)
    report = _start(cast)
    services.program_report_save(
        actor=cast.admin, report=report, plan_changes="Two new trainers.", challenges="Rural reach."
    )
    report = services.program_report_submit(actor=cast.admin, report=report, today=TODAY)
    assert report.status == "submitted" and report.submitted_by == cast.admin
    figures_then = report_figures(cast.admin, cast.county, dataset.START, dataset.END)
    figures_then.pop("computed_at")
    frozen = dict(report.figures)
    frozen.pop("computed_at")
    assert frozen == figures_then
    pdf = report.pdf.open("rb").read()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged
    assert root["/Lang"] == "en" and "Alameda" in reader.metadata.title
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Two new trainers." in text and "Fewer than 11" in text
    assert "Not shown (protects a small count)" in text
    # The frozen copy holds the breakdowns' complementary suppression: 15 people, neither
    # the 12 English speakers nor the 3 Spanish speakers shown.
    people = next(s for s in report.figures["sections"] if s["key"] == "people_language")
    assert [(r["key"], r["value"], r.get("protected")) for r in people["rows"]] == [
        ("total", 15, None),
        ("en", "suppressed", True),
        ("es", "suppressed", True),
    ]
    assert hashlib.sha256(pdf).hexdigest() == report.pdf_sha256
    # Submitting again (a double click) changes nothing.
    again = services.program_report_submit(actor=cast.admin, report=report, today=TODAY)
    assert again.pdf.name == report.pdf.name and again.submitted_at == report.submitted_at
    assert AuditEvent.objects.filter(verb="program_report_submit").count() == 1
    # The records change afterwards: 11 more applications received in the period.
    for i in range(11):
        application = data.applications[i]
        dataset.event(
            "application_submit",
            application,
            cast.county,
            application.applicant,
            dataset.at(datetime.date(2026, 5, 1)),
            "submitted",
        )
    live = report_figures(cast.admin, cast.county, dataset.START, dataset.END)
    assert live["sections"][0]["rows"][0]["value"] == 23
    report.refresh_from_db()
    assert report.figures["sections"][0]["rows"][0]["value"] == 12
    assert report.pdf.open("rb").read() == pdf
    # Narrative of a submitted version: refused, nothing changed.
    before = _rows(report)
    with pytest.raises(DomainError, match="no longer change"):
        services.program_report_save(
            actor=cast.admin, report=report, plan_changes="x", challenges="y"
        )
    assert _rows(report) == before
    # A period already submitted starts no new version 1.
    with pytest.raises(DomainError, match="start a correction"):
        _start(cast)
    # The correction: a new version with the narrative, submitted only with what it changes.
    correction = services.program_report_correct(actor=cast.admin, report=report)
    assert (correction.version, correction.status) == (2, "draft")
    assert correction.plan_changes == "Two new trainers."
    assert services.program_report_correct(actor=cast.admin, report=report).pk == correction.pk
    with pytest.raises(DomainError, match="what this correction changes"):
        services.program_report_submit(actor=cast.admin, report=correction, today=TODAY)
    services.program_report_save(
        actor=cast.admin,
        report=correction,
        plan_changes="Two new trainers.",
        challenges="Rural reach.",
        what_changed="Eleven applications recorded late.",
    )
    correction = services.program_report_submit(actor=cast.admin, report=correction, today=TODAY)
    assert correction.figures["sections"][0]["rows"][0]["value"] == 23
    report.refresh_from_db()
    assert report.status == "submitted" and report.figures == _rows(report)["figures"]
    assert report.figures["sections"][0]["rows"][0]["value"] == 12


def test_the_pdf_charts_leave_out_what_the_tables_do_not_show(cast):
    from reports.documents import report_charts

    dataset.build(cast.county, cast.other_county)
    figures = report_figures(cast.admin, cast.county, dataset.START, dataset.END)
    charts = {chart.section: chart for chart in report_charts(figures)}
    assert set(charts) == {"applications", "certifications", "step_days"}
    applications = charts["applications"]
    assert applications.description == (
        "Received (submitted): 12; Approved: 11; Withdrawn: 0; Expired (exam window over): 0"
    )
    assert applications.svg.startswith("<svg") and 'role="img"' in applications.svg
    assert "Denied" not in applications.svg  # suppressed: in the table only
    assert "Active at the end" not in charts["certifications"].description
    assert charts["step_days"].description.startswith("Submission to review: median days: 6.5")

"""The county's annual program reports: start a draft for a period, review its figures (from
the records, as they stand), write the narrative, submit (frozen), correct, download (PDF,
CSV, XLSX). County administrators act; reviewers and state staff read."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.errors import DomainError
from reports import rules
from reports import services as report_services
from reports.documents import report_csv, report_pdf, report_sections, report_xlsx
from reports.models import ProgramReport
from reports.selectors import (
    program_report_get,
    program_reports_for,
    report_due_on,
    report_figures,
    report_versions,
)
from workspace.access import CountyWorkspace, workspace_view
from workspace.report_forms import ReportNarrativeForm, ReportStartForm, ReportSubmitForm
from workspace.views.common import run_action


def _report_url(workspace: CountyWorkspace, report: ProgramReport) -> str:
    return reverse("workspace:report", args=[workspace.county.code, report.pk])


def _county_report(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> ProgramReport:
    report = program_report_get(request.user, pk)
    if report.county_id != workspace.county.pk:
        raise Http404("No such report in this county.")
    return report


@workspace_view()
def report_list(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    """Every version of the county's reports; administrators start a new one here."""
    form = ReportStartForm(request.POST or None, initial={"period": None})
    if request.method == "POST":
        if not workspace.is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = report_services.program_report_start(
                    actor=request.user,
                    county=workspace.county,
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(_report_url(workspace, report))
    reports = program_reports_for(request.user).filter(county=workspace.county)
    return render(
        request,
        "workspace/reports.html",
        {"workspace": workspace, "nav": "reports", "reports": reports, "form": form},
    )


def _figures(request: HttpRequest, report: ProgramReport) -> dict[str, Any]:
    """A submitted version's frozen figures; a draft's computed from the records now."""
    if report.figures is not None:
        return report.figures
    return report_figures(request.user, report.county, report.period_start, report.period_end)


@workspace_view()
def report_detail(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    report = _county_report(request, workspace, pk)
    correction = report.version > 1
    form = ReportNarrativeForm(
        request.POST or None,
        correction=correction,
        initial={
            "plan_changes": report.plan_changes,
            "challenges": report.challenges,
            "what_changed": report.what_changed,
        },
    )
    if request.method == "POST":
        if not workspace.is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                report_services.program_report_save(
                    actor=request.user,
                    report=report,
                    plan_changes=form.cleaned_data["plan_changes"],
                    challenges=form.cleaned_data["challenges"],
                    what_changed=form.cleaned_data.get("what_changed", ""),
                )
            except DomainError as error:
                if error.code == "conflict":
                    messages.error(request, error.message)
                    return redirect(_report_url(workspace, report))
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Narrative saved. The report is still a draft."))
                return redirect(_report_url(workspace, report))
    figures = _figures(request, report)
    today = timezone.localdate()
    return render(
        request,
        "workspace/report_detail.html",
        {
            "workspace": workspace,
            "nav": "reports",
            "report": report,
            "form": form,
            "sections": report_sections(figures),
            "figures": figures,
            "versions": report_versions(report),
            "due_on": report_due_on(report),
            "may_submit": not rules.submit_problems(report.period_end, today),
            "submit_problems": rules.submit_problems(report.period_end, today),
        },
    )


@workspace_view(admin_only=True)
def report_submit(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    """Confirm (GET), then freeze the draft (POST)."""
    report = _county_report(request, workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=ReportSubmitForm,
        perform=lambda data: report_services.program_report_submit(
            actor=request.user, report=report
        ),
        success_message=_(
            "Report submitted. Its figures and PDF are stored as they are now and will not change."
        ),
        done_url=_report_url(workspace, report),
        context={
            "nav": "reports",
            "title": _("Submit the report"),
            "intro": _(
                "Submitting stores the figures as they are now and the PDF; neither changes "
                "afterwards. A mistake is corrected by a new version that says what it changes."
            ),
            "submit_label": _("Submit the report"),
        },
    )


@workspace_view(admin_only=True)
def report_correct(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    """Confirm (GET), then open a correction: a new draft version (POST)."""
    report = _county_report(request, workspace, pk)
    if request.method == "POST":
        try:
            correction = report_services.program_report_correct(actor=request.user, report=report)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_report_url(workspace, report))
        messages.success(
            request, _("Correction started: say what it changes, then submit it as a new version.")
        )
        return redirect(_report_url(workspace, correction))
    return render(
        request,
        "workspace/action_confirm.html",
        {
            "workspace": workspace,
            "nav": "reports",
            "form": ReportSubmitForm(),
            "back_url": _report_url(workspace, report),
            "title": _("Correct the report"),
            "intro": _(
                "A correction is a new version of this report: its figures are computed again "
                "from the records when it is submitted, and it says what it changes. This "
                "version stays as it was submitted."
            ),
            "submit_label": _("Start a correction"),
        },
    )


def _file_name(report: ProgramReport, extension: str) -> str:
    return (
        f"program-report-{report.county.code}-{report.period_start:%Y%m%d}-"
        f"{report.period_end:%Y%m%d}-v{report.version}.{extension}"
    )


@workspace_view()
@require_safe
def report_file(
    request: HttpRequest, workspace: CountyWorkspace, pk: int, extension: str
) -> HttpResponse:
    """The report as PDF (a submitted version's stored file; a draft's rendered now, marked
    as a draft), CSV or XLSX (from the same figures)."""
    report = _county_report(request, workspace, pk)
    figures = _figures(request, report)
    name = _file_name(report, extension)
    if extension == "pdf":
        if report.is_submitted:
            response = FileResponse(report.pdf.open("rb"), content_type="application/pdf")
        else:
            response = HttpResponse(report_pdf(report, figures), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}"'
    elif extension == "csv":
        response = HttpResponse(report_csv(report, figures), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    elif extension == "xlsx":
        response = HttpResponse(
            report_xlsx(report, figures),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        raise Http404("No such format.")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

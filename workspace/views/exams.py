"""Importing the testing vendor's results file: upload, preview every row, commit."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import policy
from exams import imports as exam_import
from exams.imports import ImportState
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import ConfirmForm, ExamImportForm
from workspace.views.common import querystring_without_page

PREVIEW_PAGE_SIZE = 100


def _commit(request: HttpRequest, workspace: CountyWorkspace, stored) -> None:
    """Commit now, or hand a large file to the background worker."""
    if stored.state != ImportState.PREVIEWED:
        messages.info(request, _("This file is already imported or being imported."))
        return
    plan = exam_import.plan_import(request.user, workspace.county, stored.parsed)
    if plan.ok_count > exam_import.BACKGROUND_THRESHOLD_ROWS:
        exam_import.commit_queue(stored=stored, ok_count=plan.ok_count)
        messages.info(
            request,
            _("%(count)d rows are being imported in the background. This page shows progress.")
            % {"count": plan.ok_count},
        )
        return
    stored = exam_import.commit_file(user=request.user, county=workspace.county, stored=stored)
    messages.success(
        request, _("%(count)d exam results recorded.") % {"count": len(stored.recorded)}
    )


@workspace_view()
def exam_import_upload(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    """The columns, the template, and the upload form. A readable file is kept and previewed;
    nothing is recorded yet."""
    form = ExamImportForm()
    if request.method == "POST":
        form = ExamImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > exam_import.MAX_FILE_BYTES:
                form.add_error("file", _("The file is too large."))
            else:
                try:
                    stored = exam_import.store_file(
                        user=request.user,
                        county=workspace.county,
                        filename=upload.name,
                        data=upload.read(),
                    )
                except exam_import.ImportFileError as error:
                    form.add_error("file", error.message)
                else:
                    return redirect(
                        "workspace:exam_import_preview", workspace.county.code, stored.token
                    )
    return render(
        request,
        "workspace/exam_import.html",
        {
            "workspace": workspace,
            "nav": "exams",
            "form": form,
            "columns": exam_import.COLUMNS,
            "max_attempts": policy.MAX_EXAM_ATTEMPTS,
        },
    )


@workspace_view()
@require_safe
def exam_import_template(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    response = HttpResponse(exam_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="exam-results-template.csv"'
    return response


@workspace_view()
def exam_import_preview(
    request: HttpRequest, workspace: CountyWorkspace, token: str
) -> HttpResponse:
    """GET: what would happen to each row (or, once committed, what did). POST: commit."""
    stored = exam_import.load_file(token=token, user=request.user, county=workspace.county)
    if stored is None:
        raise Http404("No such import, or it has expired.")
    if request.method == "POST":
        _commit(request, workspace, stored)
        return redirect("workspace:exam_import_preview", workspace.county.code, stored.token)
    context = {"workspace": workspace, "nav": "exams", "stored": stored}
    if stored.committed:
        context["result_summary"] = exam_import.result_summary(stored)
        return render(request, "workspace/exam_import_result.html", context)
    if stored.state == ImportState.QUEUED:
        return render(request, "workspace/exam_import_progress.html", context)
    plan = exam_import.plan_import(request.user, workspace.county, stored.parsed)
    problems_only = request.GET.get("show") == "problems"
    rows = [row for row in plan.rows if not row.is_ok] if problems_only else plan.rows
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        {
            "plan": plan,
            "page_obj": page,
            "problems_only": problems_only,
            "querystring": querystring_without_page(request),
            "form": ConfirmForm(),
        }
    )
    return render(request, "workspace/exam_import_preview.html", context)

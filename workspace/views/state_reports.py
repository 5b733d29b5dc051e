"""State staff's statewide page of program reports (docs/domain.md#program-reports): for a
state fiscal year, every county that ran a program in it, its report's due date, each
submitted version with its downloads (PDF, CSV, XLSX, from the county's report pages, which
state staff read), and which reports are late or still missing. Read-only. Not county-scoped
(it spans every county), so it lives beside the county picker; county staff and everyone
else get 403."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts import roles
from reports.selectors import period_due_on, report_statuses
from workspace.report_forms import StateReportsForm


@login_required
@require_safe
def state_reports(request: HttpRequest) -> HttpResponse:
    if not roles.is_state_staff(request.user):
        raise PermissionDenied
    form = StateReportsForm(request.GET or None)
    status = 200
    if request.GET and not form.is_valid():
        status = 400
    start, end = form.chosen_period()
    today = timezone.localdate()
    rows = report_statuses(request.user, start, end, today)
    return render(
        request,
        "workspace/state_reports.html",
        {
            "form": form,
            "period_start": start,
            "period_end": end,
            "rows": rows,
            "due_on": period_due_on(end),
            "submitted": sum(1 for row in rows if row["latest"] is not None),
            "late": sum(1 for row in rows if row["late"]),
            "missing": sum(1 for row in rows if row["latest"] is None),
        },
        status=status,
    )

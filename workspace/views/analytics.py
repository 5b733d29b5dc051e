"""Statewide analytics (issue 17): the state's page for state staff (every county, with the
map), and each county's page beside the state's figures for its staff (state staff may open
any). Each chart comes with its data table and a CSV of it. The figures are pre-aggregated
hourly (`analytics.services.figures_refresh`); the pages only read and never change anything."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts import roles
from analytics.models import Chart
from analytics.pages import AnalyticsPage, analytics_page, panel_csv, render_svgs
from counties.selectors import staff_counties
from workspace.access import CountyWorkspace, workspace_view


def _csv(page: AnalyticsPage, chart: str, name: str) -> HttpResponse:
    if chart not in Chart.values:
        raise Http404("No such chart.")
    response = HttpResponse(panel_csv(page.panel(chart), page), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}-{chart}.csv"'
    return response


def _state_only(request: HttpRequest) -> HttpResponse | None:
    """State staff go on; county staff go to their first county's page; anyone else: 403."""
    if roles.is_state_staff(request.user):
        return None
    county = staff_counties(request.user).order_by("name").first()
    if county is None:
        raise PermissionDenied
    return redirect("workspace:county_analytics", code=county.code)


@login_required
@require_safe
def state_analytics(request: HttpRequest) -> HttpResponse:
    if (elsewhere := _state_only(request)) is not None:
        return elsewhere
    page = analytics_page(request.user)
    render_svgs(page)
    return render(request, "workspace/analytics_state.html", {"page": page, "state": True})


@login_required
@require_safe
def state_analytics_csv(request: HttpRequest, chart: str) -> HttpResponse:
    if (elsewhere := _state_only(request)) is not None:
        return elsewhere
    return _csv(analytics_page(request.user), chart, "california")


@workspace_view()
@require_safe
def county_analytics(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    page = analytics_page(request.user, workspace.county)
    render_svgs(page)
    return render(
        request,
        "workspace/analytics_county.html",
        {"page": page, "workspace": workspace, "nav": "analytics", "state": False},
    )


@workspace_view()
@require_safe
def county_analytics_csv(
    request: HttpRequest, workspace: CountyWorkspace, chart: str
) -> HttpResponse:
    return _csv(analytics_page(request.user, workspace.county), chart, workspace.county.code)

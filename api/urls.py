"""URLs of the REST API, mounted at /api/ (docs/architecture.md#contracts)."""

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, path, re_path, resolve
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import (
    views,
    views_analytics,
    views_courses,
    views_fees,
    views_provider_completions,
    views_provider_outcomes,
    views_reports,
)

app_name = "api"


def not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    """Unknown API paths answer JSON, never an HTML page; a path missing only its trailing
    slash is redirected to it, as Django's APPEND_SLASH would."""
    try:
        match = resolve(request.path_info + "/")
    except Resolver404:
        match = None
    if match is not None and match.url_name != "not_found":
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return JsonResponse({"detail": _("Not found.")}, status=404)


# Swagger UI styles some of its widgets inline; scripts stay restricted to our own files.
_docs_view = csp_update({"style-src": ["'unsafe-inline'"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)

urlpatterns = [
    path("v1/roster/", views.RosterView.as_view(), name="roster"),
    path("v1/roster.csv", views.RosterCsvView.as_view(), name="roster_csv"),
    path("v1/counties/", views.CountyListView.as_view(), name="county_list"),
    path("v1/counties/<str:code>/", views.CountyDetailView.as_view(), name="county_detail"),
    path("v1/stats/", views.StatsView.as_view(), name="stats"),
    path("v1/fees/totals/", views_fees.FeeTotalsView.as_view(), name="fee_totals"),
    path("v1/reports/", views_reports.ReportListView.as_view(), name="report_list"),
    path("v1/reports/status/", views_reports.ReportStatusView.as_view(), name="report_status"),
    path("v1/reports/<int:pk>/", views_reports.ReportDetailView.as_view(), name="report_detail"),
    path(
        "v1/reports/<int:pk>/report.pdf", views_reports.ReportPdfView.as_view(), name="report_pdf"
    ),
    path(
        "v1/reports/<int:pk>/report.csv", views_reports.ReportCsvView.as_view(), name="report_csv"
    ),
    path(
        "v1/reports/<int:pk>/report.xlsx",
        views_reports.ReportXlsxView.as_view(),
        name="report_xlsx",
    ),
    path("v1/oversight/cases/", views.CaseOversightView.as_view(), name="oversight_cases"),
    path("v1/verify/<str:certification_number>/", views.VerifyView.as_view(), name="verify"),
    path(
        "v1/analytics/<str:chart>/",
        views_analytics.AnalyticsSeriesView.as_view(),
        name="analytics_series",
    ),
    path("v1/courses/", views_courses.CourseFinderView.as_view(), name="courses"),
    path(
        "v1/providers/outcomes/",
        views_provider_outcomes.ProviderOutcomesView.as_view(),
        name="provider_outcomes",
    ),
    path(
        "v1/provider/completions/",
        views_provider_completions.ProviderCompletionsView.as_view(),
        name="provider_completions",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", _docs_view, name="docs"),
    re_path(r"^(?P<unmatched>.*)$", not_found, name="not_found"),
]

"""The program reports in the API (docs/architecture.md#contracts): submitted versions of the
counties' annual reports, their frozen figures and files, and which reports are late. State
staff read every county's, county staff their own; nothing is written here (a report is
submitted in the county workspace)."""

import datetime

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from api import docs
from api.views import StaffApiView
from reports import rules
from reports.documents import report_csv, report_xlsx
from reports.models import ProgramReport
from reports.selectors import report_due_on, report_statuses, submitted_reports_for

_ERRORS = (401, 403, 429)


class _CountySerializer(serializers.Serializer):
    code = serializers.SlugField()
    name = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    county = _CountySerializer()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    version = serializers.IntegerField(help_text=_("1 for the report; each correction adds 1."))
    submitted_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    what_changed = serializers.CharField(help_text=_("What a correction changes (empty for 1)."))
    pdf_sha256 = serializers.CharField()
    figures_url = serializers.CharField()
    pdf_url = serializers.CharField()
    csv_url = serializers.CharField()
    xlsx_url = serializers.CharField()


class ReportFiguresSerializer(ReportSerializer):
    figures = serializers.JSONField(
        help_text=_(
            "The figures as submitted, never computed again: `sections`, each with `key` and "
            "`rows` of `key`, `kind` (count, days, rate, cents, per_100k, opt_in) and `value` "
            '(a number, null without cases, "suppressed" below `small_count_threshold`, or '
            '"not_recorded"); days, rates and amounts carry `n`, the cases behind them.'
        )
    )


class ReportStatusSerializer(serializers.Serializer):
    county = _CountySerializer()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_on = serializers.DateField()
    first_submitted_on = serializers.DateField(allow_null=True)
    late = serializers.BooleanField()
    latest = ReportSerializer(allow_null=True)


def _row(request, report: ProgramReport) -> dict:
    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[report.pk]))

    return {
        "id": report.pk,
        "county": {"code": report.county.code, "name": report.county.name},
        "period_start": report.period_start,
        "period_end": report.period_end,
        "version": report.version,
        "submitted_at": report.submitted_at,
        "due_on": report_due_on(report),
        "what_changed": report.what_changed,
        "pdf_sha256": report.pdf_sha256,
        "figures_url": url("api:report_detail"),
        "pdf_url": url("api:report_pdf"),
        "csv_url": url("api:report_csv"),
        "xlsx_url": url("api:report_xlsx"),
    }


def _date(request, name: str) -> datetime.date | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [_("Give a date as YYYY-MM-DD.")]}) from None


_FISCAL_YEAR = OpenApiParameter(
    "fiscal_year",
    OpenApiTypes.INT,
    description=_(
        "The state fiscal year by the year it ends in (2026: July 1, 2025 to June 30, 2026). "
        "Default: the latest fiscal year over."
    ),
)


def _fiscal_year(request) -> tuple[datetime.date, datetime.date]:
    value = request.query_params.get("fiscal_year")
    if value is None:
        return rules.last_complete_fiscal_year(timezone.localdate())
    if not value.isdigit() or not 2021 <= int(value) <= 2100:
        raise ValidationError({"fiscal_year": [_("Give a year from 2021 to 2100.")]})
    return rules.fiscal_year(int(value))


class ReportListView(StaffApiView):
    @extend_schema(
        operation_id="reports_list",
        summary=_("Submitted program reports"),
        description=_(
            "Every submitted version of the counties' annual program reports (W&I §14045.14), "
            "newest period first: every county's for state staff, their own counties' for "
            "county staff. Drafts are not listed. Filters: `county` (code), `period_end` "
            "(YYYY-MM-DD)."
        ),
        parameters=[
            OpenApiParameter("county", OpenApiTypes.STR, description=_("County code.")),
            OpenApiParameter("period_end", OpenApiTypes.DATE),
            docs.RETRY_AFTER,
        ],
        responses={200: ReportSerializer(many=True), **docs.error_responses(400, *_ERRORS)},
        tags=["reports"],
    )
    def get(self, request):
        reports = submitted_reports_for(request.user).order_by(
            "-period_end", "county__name", "version"
        )
        county = request.query_params.get("county")
        if county is not None:
            reports = reports.filter(county__code=county)
        period_end = _date(request, "period_end")
        if period_end is not None:
            reports = reports.filter(period_end=period_end)
        return Response([_row(request, report) for report in reports])


class ReportStatusView(StaffApiView):
    @extend_schema(
        operation_id="reports_status",
        summary=_("Which counties' reports are in and which are late"),
        description=_(
            "For a state fiscal year, each county that ran a program in it (opted in for a "
            "delivery system at some time in the year): the report's due date, when its first "
            "version was submitted, whether it is late (submitted after the due date, or still "
            "missing after it) and its latest submitted version."
        ),
        parameters=[_FISCAL_YEAR, docs.RETRY_AFTER],
        responses={
            200: ReportStatusSerializer(many=True),
            **docs.error_responses(400, *_ERRORS),
        },
        tags=["reports"],
    )
    def get(self, request):
        start, end = _fiscal_year(request)
        rows = report_statuses(request.user, start, end, timezone.localdate())
        return Response(
            [
                {
                    "county": {"code": row["county"].code, "name": row["county"].name},
                    "period_start": start,
                    "period_end": end,
                    "due_on": row["due_on"],
                    "first_submitted_on": row["first_submitted_on"],
                    "late": row["late"],
                    "latest": _row(request, row["latest"]) if row["latest"] else None,
                }
                for row in rows
            ]
        )


def _report(request, pk: int) -> ProgramReport:
    report = submitted_reports_for(request.user).filter(pk=pk).first()
    if report is None:
        raise NotFound(_("No submitted report has this id."))
    return report


class ReportDetailView(StaffApiView):
    @extend_schema(
        operation_id="reports_retrieve",
        summary=_("One submitted report with its figures"),
        description=_("The figures exactly as they were submitted. 404 for a draft."),
        parameters=[docs.RETRY_AFTER],
        responses={200: ReportFiguresSerializer, **docs.error_responses(*_ERRORS, 404)},
        tags=["reports"],
    )
    def get(self, request, pk: int):
        report = _report(request, pk)
        return Response({**_row(request, report), "figures": report.figures})


class _FileRenderer(BaseRenderer):
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class _ReportFileView(StaffApiView):
    """A download: its own type whatever the client accepts (errors are JSON)."""

    media_type = "application/octet-stream"

    def perform_content_negotiation(self, request, force=False):
        renderer = _FileRenderer()
        renderer.media_type = self.media_type
        return renderer, self.media_type

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def _name(self, report: ProgramReport, extension: str) -> str:
        return (
            f"program-report-{report.county.code}-{report.period_start:%Y%m%d}-"
            f"{report.period_end:%Y%m%d}-v{report.version}.{extension}"
        )


def _file_schema(operation_id: str, summary, media_type: str):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        parameters=[docs.RETRY_AFTER],
        responses={
            (200, media_type): OpenApiResponse(response=OpenApiTypes.BINARY),
            **docs.error_responses(*_ERRORS, 404, media_type="application/json"),
        },
        tags=["reports"],
    )


class ReportPdfView(_ReportFileView):
    media_type = "application/pdf"

    @_file_schema("reports_pdf", _("A submitted report's PDF, as stored"), "application/pdf")
    def get(self, request, pk: int):
        report = _report(request, pk)
        response = FileResponse(report.pdf.open("rb"), content_type=self.media_type)
        response["Content-Disposition"] = f'attachment; filename="{self._name(report, "pdf")}"'
        return response


class ReportCsvView(_ReportFileView):
    media_type = "text/csv"

    @_file_schema("reports_csv", _("A submitted report's figures as CSV"), "text/csv")
    def get(self, request, pk: int):
        report = _report(request, pk)
        response = HttpResponse(
            report_csv(report, report.figures), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self._name(report, "csv")}"'
        return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportXlsxView(_ReportFileView):
    media_type = XLSX

    @_file_schema("reports_xlsx", _("A submitted report's figures as an Excel workbook"), XLSX)
    def get(self, request, pk: int):
        report = _report(request, pk)
        response = HttpResponse(report_xlsx(report, report.figures), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{self._name(report, "xlsx")}"'
        return response

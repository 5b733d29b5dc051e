"""The statewide analytics' series for state staff (issue 17 item 5): one chart's figures for
the state and every county, as the analytics pages show them (`analytics.pages.chart_series`),
pre-aggregated hourly (`computed_at`). County staff read theirs on the workspace's pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.roles import is_state_staff
from analytics.models import Chart
from analytics.pages import chart_series
from api import docs
from api.views import StaffApiView
from counties.models import County


class IsStateStaff(BasePermission):
    message = _("Only state program staff may use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return is_state_staff(request.user)


class EnrollmentSerializer(serializers.Serializer):
    source = serializers.CharField(help_text=_("Who published the Medi-Cal figures."))
    demo = serializers.BooleanField(help_text=_("Made-up demo figures, not DHCS data."))
    file_name = serializers.CharField()
    loaded_at = serializers.DateTimeField()
    month = serializers.CharField(
        allow_null=True, help_text=_("The latest month of certified eligibles (YYYY-MM).")
    )


class AreaSerializer(serializers.Serializer):
    county = docs.CountyRefSerializer(allow_null=True, help_text=_("Null: the whole state."))
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text=_(
            "The chart's rows for this area (fields by chart: docs/domain.md, \"Statewide "
            'analytics"). active: active, medi_cal_members, members_month, per_100k; '
            "active_over_time: date, active; funnel: step, count, median_days; "
            "exam_by_provider and exam_by_language: key, attempts, passed, rate; "
            "expirations: month, expiring; renewals: month, due, on_time, late, rate; "
            "ce_audits: outcome, count, makeup, suspension."
        ),
    )


class AnalyticsSeriesSerializer(serializers.Serializer):
    chart = serializers.ChoiceField(choices=Chart.choices)
    title = serializers.CharField()
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the figures were computed (hourly); null: not yet.")
    )
    computed_for = serializers.DateField(allow_null=True, help_text=_("The day they describe."))
    enrollment = EnrollmentSerializer(
        allow_null=True,
        help_text=_("The Medi-Cal enrollment behind per_100k (chart active only; else null)."),
    )
    areas = AreaSerializer(
        many=True, help_text=_("The state first (county null), then the counties by name.")
    )


class AnalyticsSeriesView(StaffApiView):
    permission_classes = [*StaffApiView.permission_classes, IsStateStaff]

    @extend_schema(
        operation_id="analytics_series_retrieve",
        summary=_("Statewide analytics: one chart's series"),
        description=_(
            "State staff only. The series of one chart of the statewide analytics, for the "
            "state and every county (or, with `county`, that county beside the state)."
        ),
        parameters=[
            OpenApiParameter("chart", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Chart.values),
            OpenApiParameter(
                "county",
                OpenApiTypes.STR,
                description=_("A county code: that county's series beside the state's."),
            ),
            docs.RETRY_AFTER,
        ],
        responses={
            200: AnalyticsSeriesSerializer,
            **docs.error_responses(400, 401, 403, 404, 429),
        },
        tags=["analytics"],
    )
    def get(self, request, chart: str):
        if chart not in Chart.values:
            raise NotFound(_("No such chart."))
        county = None
        code = request.query_params.get("county")
        if code is not None:
            county = County.objects.filter(code=code).first()
            if county is None:
                raise ValidationError({"county": [_("Unknown county code.")]})
        return Response(chart_series(request.user, chart, county))

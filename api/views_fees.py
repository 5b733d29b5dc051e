"""Fee and scholarship totals per county and period (issue 17, item 5): what each county
program charged, collected, waived and covered by scholarships, and the scholarships granted,
for a date range (the current state fiscal year by default). State staff read every county;
county staff their own (docs/architecture.md#contracts)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.roles import is_state_staff
from api import docs
from api.views import StaffApiView
from counties.models import County
from counties.selectors import staff_county_ids
from fees.selectors import fee_totals_by_county

# The longest period one request may ask for: five years of daily records.
MAX_PERIOD_DAYS = 5 * 366


class CountyFeeTotalsSerializer(serializers.Serializer):
    county = serializers.CharField(help_text=_("County code."))
    name = serializers.CharField()
    fees_charged_cents = serializers.IntegerField(
        help_text=_("Fees that fell due in the period, in US cents.")
    )
    fees_charged_count = serializers.IntegerField()
    fees_collected_cents = serializers.IntegerField(
        help_text=_("Payments recorded with a payment date in the period.")
    )
    fees_waived_cents = serializers.IntegerField(
        help_text=_("Renewal fees waived (DHCS-funded waivers applied in the period).")
    )
    fees_covered_by_scholarships_cents = serializers.IntegerField(
        help_text=_("Application and exam fees covered by scholarships in the period.")
    )
    scholarships_nominated = serializers.IntegerField(
        help_text=_("Nominations the county made in the period.")
    )
    scholarships_granted = serializers.IntegerField(
        help_text=_("Nominations of the county accepted (granted) in the period.")
    )


class FeeTotalsSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    counties = CountyFeeTotalsSerializer(
        many=True,
        help_text=_(
            "Per county, by name: every county for state staff, their own for county staff."
        ),
    )


def fiscal_year_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The state fiscal year (1 July – 30 June) holding `day`."""
    start_year = day.year if day.month >= 7 else day.year - 1
    return datetime.date(start_year, 7, 1), datetime.date(start_year + 1, 6, 30)


def _date(params, name: str) -> datetime.date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from None


class FeeTotalsView(StaffApiView):
    @extend_schema(
        operation_id="fee_totals_retrieve",
        summary=_("Fee and scholarship totals"),
        description=_(
            "Per county and period: fees charged (fell due), collected (payments), waived "
            "(renewal fee waivers) and covered by scholarships, in US cents; scholarship "
            "nominations made and granted. The period defaults to the current state fiscal "
            "year (1 July to 30 June); `start` and `end` are included. Every county for state "
            "staff, their own for county staff."
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description=_("First day of the period.")),
            OpenApiParameter("end", OpenApiTypes.DATE, description=_("Last day of the period.")),
            OpenApiParameter(
                "county",
                OpenApiTypes.STR,
                description=_("Only this county (its code); an unknown code answers 400."),
            ),
            docs.RETRY_AFTER,
        ],
        responses={200: FeeTotalsSerializer, **docs.error_responses(400, 401, 403, 429)},
        tags=["fees"],
    )
    def get(self, request):
        default_start, default_end = fiscal_year_of(timezone.localdate())
        start = _date(request.query_params, "start") or default_start
        end = _date(request.query_params, "end") or default_end
        if end < start:
            raise ValidationError({"end": [_("The period ends before it starts.")]})
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationError({"end": [_("Ask for five years at most.")]})
        counties = County.objects.order_by("name")
        if not is_state_staff(request.user):
            counties = counties.filter(pk__in=staff_county_ids(request.user))
        code = request.query_params.get("county")
        if code:
            if not County.objects.filter(code=code).exists():
                raise ValidationError({"county": [_("No county has this code.")]})
            counties = counties.filter(code=code)
        rows = fee_totals_by_county(list(counties), start, end)
        return Response(FeeTotalsSerializer({"start": start, "end": end, "counties": rows}).data)

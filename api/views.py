"""The REST API (docs/architecture.md#contracts): roster (JSON and CSV), counties, statistics
and the public verification. Thin: scope through the access layer, validate parameters, shape rows.

Staff endpoints answer 401 (with `WWW-Authenticate: Token`) without valid credentials and 403
to anyone signed in who is not county or state staff. Every error is JSON.
"""

import datetime

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import is_state_staff
from api import docs
from api.figures import county_detail, county_summaries, program_stats
from api.filters import filter_roster, roster_filtered
from api.pagination import RosterPagination
from api.permissions import IsProgramStaff, IsStateStaff
from api.rows import (
    CSV_HEADER,
    public_certification,
    roster_csv_export,
    roster_json_rows,
    roster_page_json,
    verification_row,
)
from api.throttles import TokenThrottle, VerifyThrottle
from cases.selectors import case_oversight_figures
from certification.models import Certification
from certification.selectors import certifications_for
from core.csv_copy import csv_copy_chunks
from core.replica import use_replica
from counties.models import County
from counties.selectors import staff_county_ids

_STAFF_ERRORS = (401, 403, 429)


def _refuse_null_characters(request) -> None:
    """PostgreSQL text cannot hold NUL: such a parameter is invalid input (400), not a 500."""
    for name, values in request.query_params.lists():
        if any("\x00" in value for value in values):
            raise ValidationError({name: [_("Null characters are not allowed.")]})


class StaffApiView(GenericAPIView):
    """County and state staff only; per-user rate limit. Every staff endpoint only reads:
    once the caller is authenticated and allowed, its reads go to the read replica when one
    is configured (core/replica.py)."""

    permission_classes = [IsAuthenticated, IsProgramStaff]
    throttle_classes = [TokenThrottle]

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        _refuse_null_characters(request)
        use_replica(request)


def roster_certifications(request) -> QuerySet[Certification]:
    """The certifications on the caller's roster (statewide for state staff, those issued by
    their own counties for county staff), narrowed by the filters of the request."""
    certifications = certifications_for(request.user)
    if not is_state_staff(request.user):
        certifications = certifications.filter(issuing_county_id__in=staff_county_ids(request.user))
    return filter_roster(certifications, request.query_params)


class RosterView(StaffApiView):
    pagination_class = RosterPagination

    @extend_schema(
        operation_id="roster_list",
        summary=_("Roster of certifications"),
        description=_(
            "Statewide for state staff, the certifications issued by their own counties for "
            "county staff. Ordered by a stable key; follow `next` to walk every row once."
        ),
        parameters=[*docs.ROSTER_PARAMETERS, docs.RETRY_AFTER],
        responses={
            200: docs.RosterCertificationSerializer(many=True),
            **docs.error_responses(400, *_STAFF_ERRORS),
        },
        tags=["roster"],
    )
    def get(self, request):
        rows = roster_json_rows(roster_certifications(request), today=timezone.localdate())
        page = self.paginator.paginate_json_rows(rows, request, view=self)
        body = roster_page_json(
            page,
            next_link=self.paginator.get_next_link(),
            previous_link=self.paginator.get_previous_link(),
        )
        return HttpResponse(body, content_type="application/json")


class CsvRenderer(BaseRenderer):
    """Names the media type of the CSV export; the CSV itself is streamed by the view, never
    rendered from data."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("The roster CSV is streamed by its view.")


class RosterCsvView(StaffApiView):
    renderer_classes = [CsvRenderer]

    @extend_schema(
        operation_id="roster_csv",
        summary=_("Roster of certifications as CSV"),
        description=_(
            "The same rows, filters and scope as the roster, all of them, streamed as UTF-8 "
            "CSV (RFC 4180) with a header row: certification_number, status, first_name, "
            "last_name, county_code, county_name, issued_on, expires_on, expiring_soon "
            "(true/false), specializations (codes joined with ';'), updated_at. A name "
            "starting with =, +, -, @, a tab or a carriage return is written with a leading "
            "apostrophe, so that a spreadsheet reads it as text, not as a formula."
        ),
        parameters=[*docs.ROSTER_PARAMETERS, docs.RETRY_AFTER],
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR, description=_("The roster as CSV.")
            ),
            **docs.error_responses(400, *_STAFF_ERRORS, media_type="application/json"),
        },
        tags=["roster"],
    )
    def get(self, request):
        today = timezone.localdate()
        rows, wrap = roster_csv_export(
            roster_certifications(request),
            today=today,
            whole_roster=is_state_staff(request.user) and not roster_filtered(request.query_params),
        )
        # PostgreSQL writes the CSV (COPY, acting for this request's row-level security
        # context); the query is checked here: a database error is an error answer, not a
        # CSV cut off after its status line.
        chunks = csv_copy_chunks(rows, CSV_HEADER, wrap=wrap)
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="roster-{today}.csv"'
        return response

    def perform_content_negotiation(self, request, force=False):
        """A download: CSV whatever the client says it accepts (errors are JSON, below)."""
        renderer = CsvRenderer()
        return renderer, renderer.media_type

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):
            # Only errors come back as data: they are JSON whatever the client accepts.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class CountyListView(StaffApiView):
    @extend_schema(
        operation_id="counties_list",
        summary=_("Counties with their opt-in status and certification counts"),
        description=_(
            "All 58 counties by name, for county and state staff: the open opt-in period per "
            "delivery system and certification counts by status (null for counties whose "
            "counts the caller may not read: county staff read only their own counties')."
        ),
        parameters=[docs.RETRY_AFTER],
        responses={200: docs.CountySerializer(many=True), **docs.error_responses(*_STAFF_ERRORS)},
        tags=["counties"],
    )
    def get(self, request):
        return Response(county_summaries(request.user))


class CountyDetailView(StaffApiView):
    @extend_schema(
        operation_id="counties_retrieve",
        summary=_("One county with its opt-in history"),
        description=_(
            "The county's entry of the county list, with every opt-in period. An unknown code "
            "answers 404."
        ),
        parameters=[docs.RETRY_AFTER],
        responses={
            200: docs.CountyDetailSerializer,
            **docs.error_responses(*_STAFF_ERRORS, 404),
        },
        tags=["counties"],
    )
    def get(self, request, code: str):
        county = County.objects.filter(code=code).first() if "\x00" not in code else None
        if county is None:
            raise NotFound(_("No county has this code."))
        return Response(county_detail(request.user, county))


class StatsView(StaffApiView):
    @extend_schema(
        operation_id="stats_retrieve",
        summary=_("Program statistics"),
        description=_(
            "Certifications and applications by status, exam pass rate and median days from "
            "submission to certification: statewide (state staff only) and per county (every "
            "county for state staff, their own for county staff)."
        ),
        parameters=[docs.RETRY_AFTER],
        responses={200: docs.StatsSerializer, **docs.error_responses(*_STAFF_ERRORS)},
        tags=["stats"],
    )
    def get(self, request):
        return Response(program_stats(request.user, today=timezone.localdate()))


class OversightQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    end = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    county = serializers.CharField(required=False, max_length=60)

    def validate(self, data):
        end = data.get("end") or timezone.localdate()
        year = datetime.timedelta(days=364)
        start = data.get("start") or (
            end - year if end > datetime.date.min + year else datetime.date.min
        )
        if start > end:
            raise ValidationError({"start": [_("The start must not be after the end.")]})
        if (end - start).days > OVERSIGHT_MAX_DAYS:
            raise ValidationError(
                {"start": [_("A period is at most 10 years.")]}  # our choice
            )
        county = None
        if "county" in data:
            county = County.objects.filter(code=data["county"]).first()
            if county is None:
                raise ValidationError({"county": [_("No county has this code.")]})
        return {"start": start, "end": end, "county": county}


# The longest period one request counts (our choice: the figures are read in one pass).
OVERSIGHT_MAX_DAYS = 3653


class CaseOversightView(StaffApiView):
    permission_classes = [IsAuthenticated, IsStateStaff]

    @extend_schema(
        operation_id="oversight_cases_retrieve",
        summary=_("Complaints and appeals for oversight"),
        description=_(
            "State staff only. Complaints received in the period (by day of receipt): "
            "acknowledged on time, resolved on time, by category and by outcome; appeals filed "
            "in the period by status. Statewide and per handling county. Rates with nothing to "
            "count are null (not yet recorded). Never a complaint's content or who made it."
        ),
        parameters=[*docs.OVERSIGHT_PARAMETERS, docs.RETRY_AFTER],
        responses={
            200: docs.CaseOversightSerializer,
            **docs.error_responses(400, *_STAFF_ERRORS),
        },
        tags=["stats"],
    )
    def get(self, request):
        query = OversightQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        figures = case_oversight_figures(request.user, **query.validated_data)
        return Response(docs.CaseOversightSerializer(figures).data)


class VerifyView(APIView):
    """Public: no credentials read, rate-limited per client address."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        use_replica(request)

    @extend_schema(
        operation_id="verify_retrieve",
        summary=_("Verify a certification"),
        description=_(
            "Public, no login. The number, the name, the status (expired, suspended, revoked "
            "and vacated certifications are shown as such), dates, specializations and issuing "
            "county; nothing else about the person."
        ),
        auth=[],
        parameters=[docs.RETRY_AFTER],
        responses={
            200: docs.VerificationSerializer,
            **docs.error_responses(404, 429),
        },
        tags=["verify"],
    )
    def get(self, request, certification_number: str):
        certification = public_certification(certification_number)
        if certification is None:
            raise NotFound(
                _(
                    "No certification has this number. A number is PSS and seven digits, for "
                    "example PSS-0001234; spaces, hyphens and letter case do not matter."
                )
            )
        return Response(verification_row(certification))

"""The public course finder's API, `/api/v1/courses/` (docs/architecture.md#contracts; the page
is /courses/, portal/views/courses.py): the courses approved today with their provider's
contact, filterable like the page. No credentials read; rate-limited per client address.

Courses carry no session dates in the model (an approval covers the course, not its classes):
each row says until when the course is approved instead.
"""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from api import docs
from api.throttles import CoursesThrottle
from core.replica import use_replica
from providers.models import CeCourseCategory, CourseLanguage, CourseType, DeliveryMode
from providers.selectors import course_finder

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class CourseQuerySerializer(serializers.Serializer):
    """The query parameters, each optional; an unknown value answers 400 naming it."""

    type = serializers.ChoiceField(
        choices=CourseType.choices, required=False, help_text=_("The kind of course.")
    )
    area = serializers.SlugField(
        max_length=30, required=False, help_text=docs.SPECIALIZATION_CODE_HELP
    )
    ce_category = serializers.ChoiceField(
        choices=CeCourseCategory.choices,
        required=False,
        help_text=_("Continuing education courses of this category."),
    )
    county = serializers.SlugField(
        max_length=40,
        required=False,
        help_text=_("A county's code: the courses of providers serving it or the whole state."),
    )
    language = serializers.ChoiceField(choices=CourseLanguage.choices, required=False)
    delivery_mode = serializers.ChoiceField(choices=DeliveryMode.choices, required=False)
    page = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    page_size = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        help_text=_("Rows per page, 1 to 200 (default 50)."),
    )


class CourseProviderSerializer(serializers.Serializer):
    name = serializers.CharField()
    contact_name = serializers.CharField()
    contact_email = serializers.CharField()
    contact_phone = serializers.CharField()
    statewide = serializers.BooleanField(help_text=_("Serves learners from every county."))
    counties = docs.CountyRefSerializer(many=True)


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    type = serializers.ChoiceField(choices=CourseType.choices)
    area = serializers.CharField(
        help_text=_("The area of specialization's code (empty for other courses).")
    )
    ce_category = serializers.CharField(
        help_text=_("general or law_ethics for continuing education (empty for other courses).")
    )
    hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    languages = serializers.ListField(child=serializers.ChoiceField(CourseLanguage.choices))
    delivery_modes = serializers.ListField(child=serializers.ChoiceField(DeliveryMode.choices))
    description = serializers.CharField()
    approved_until = serializers.DateField()
    provider = CourseProviderSerializer()


class CoursePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CourseSerializer(many=True)


def course_row(course) -> dict:
    provider = course.provider
    return {
        "id": course.pk,
        "title": course.title,
        "type": course.course_type,
        "area": course.area_code,
        "ce_category": course.ce_category,
        "hours": f"{course.hours:.2f}",
        "languages": list(course.languages),
        "delivery_modes": list(course.delivery_modes),
        "description": course.description,
        "approved_until": course.approved_until.isoformat(),
        "provider": {
            "name": provider.name,
            "contact_name": provider.contact_name,
            "contact_email": provider.contact_email,
            "contact_phone": provider.contact_phone,
            "statewide": provider.statewide,
            "counties": [
                {"code": county.code, "name": county.name} for county in provider.counties.all()
            ],
        },
    }


class CourseFinderView(APIView):
    """Public: no credentials read, rate-limited per client address."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [CoursesThrottle]

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        use_replica(request)

    @extend_schema(
        operation_id="courses_list",
        summary=_("Find approved courses"),
        description=_(
            "Public, no login. The courses approved today (core 80-hour, specialization and "
            "continuing education), with their provider's contact, ordered by provider and "
            "title. A page past the last answers 404."
        ),
        auth=[],
        parameters=[CourseQuerySerializer, docs.RETRY_AFTER],
        responses={200: CoursePageSerializer, **docs.error_responses(400, 404, 429)},
        tags=["courses"],
    )
    def get(self, request):
        query = CourseQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        rows = course_finder(
            course_type=given.get("type", ""),
            area_code=given.get("area", ""),
            ce_category=given.get("ce_category", ""),
            county_code=given.get("county", ""),
            language=given.get("language", ""),
            delivery_mode=given.get("delivery_mode", ""),
        )
        paginator = Paginator(rows, given.get("page_size", DEFAULT_PAGE_SIZE))
        number = given.get("page", 1)
        if number > paginator.num_pages:
            raise NotFound(_("There is no page %(page)d.") % {"page": number})
        page = paginator.page(number)
        url = request.build_absolute_uri()
        previous = None
        if page.has_previous():
            previous = (
                replace_query_param(url, "page", page.previous_page_number())
                if page.previous_page_number() > 1
                else remove_query_param(url, "page")
            )
        return Response(
            {
                "count": paginator.count,
                "next": (
                    replace_query_param(url, "page", page.next_page_number())
                    if page.has_next()
                    else None
                ),
                "previous": previous,
                "results": [course_row(course) for course in page.object_list],
            }
        )

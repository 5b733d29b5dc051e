"""Outcomes per training provider and course (issue 15 item 5), `/api/v1/providers/outcomes/`:
for state staff only (docs/architecture.md#contracts; the pages are /provider/review/outcomes/
and each provider's /provider/<id>/outcomes/). The figures and their small-group rule are
`providers.outcomes` (docs/domain.md#provider-outcomes)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api import docs
from api.permissions import IsStateStaff
from api.views import StaffApiView
from providers.models import ProviderOrganisation
from providers.outcomes import outcomes_all_providers, outcomes_min_group, provider_outcomes


class OutcomesQuerySerializer(serializers.Serializer):
    provider = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text=_("Only this provider (its id); an unknown id answers 400."),
    )


class CourseOutcomeSerializer(serializers.Serializer):
    provider_id = serializers.IntegerField()
    provider_name = serializers.CharField()
    course_id = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Null: the certificates learners uploaded for a kind of course the provider has "
            "several courses of (the certificate does not say which)."
        ),
    )
    course_title = serializers.CharField(help_text=_("Empty when `course_id` is null."))
    # Plain strings: the course finder's `type` already names this choice set in the schema.
    course_type = serializers.CharField(
        help_text=_("core_80 (the core course), specialization or ce.")
    )
    area_code = serializers.CharField(
        help_text=_("The area of a specialization course; empty otherwise.")
    )
    ce_category = serializers.CharField(
        help_text=_("The category of a CE course (general or law_ethics); empty otherwise.")
    )
    learners = serializers.IntegerField(
        help_text=_(
            "Learners reported by the provider or whose own certificate of the course a county "
            "verified, each counted once."
        )
    )
    applied = serializers.IntegerField(
        allow_null=True,
        help_text=_("Learners who submitted a certification application (core course only)."),
    )
    candidates = serializers.IntegerField(
        allow_null=True, help_text=_("Learners who sat the exam (core course only).")
    )
    first_attempt_pass_rate = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Percent of candidates who passed at their first sitting; null below the minimum "
            "group (`min_group`) or for other courses."
        ),
    )
    overall_pass_rate = serializers.FloatField(
        allow_null=True,
        help_text=_("Percent of candidates who passed at any sitting; null like the first."),
    )
    rates_shown = serializers.BooleanField()
    certified = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Learners certified after completing the course (a specialization course: the "
            "area added to their certification); null for CE courses."
        ),
    )
    median_days_to_certification = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Median days from completing the course to certification; null below the minimum "
            "group of certified learners."
        ),
    )
    median_shown = serializers.BooleanField()


class ProviderOutcomesSerializer(serializers.Serializer):
    min_group = serializers.IntegerField(
        help_text=_(
            "The smallest group whose rates and median are shown (the program's policy), so "
            "that no person can be singled out."
        )
    )
    courses = CourseOutcomeSerializer(many=True)


class ProviderOutcomesView(StaffApiView):
    permission_classes = [IsAuthenticated, IsStateStaff]

    @extend_schema(
        operation_id="provider_outcomes_retrieve",
        summary=_("Outcomes per training provider and course"),
        description=_(
            "State staff only. For each provider and course: its learners, those who applied "
            "for certification, the exam candidates with the first-attempt and overall pass "
            "rates, the learners certified and the median days from completing the course to "
            "certification. Rates and medians are null below the minimum group size "
            "(`min_group`). Never a row about a person."
        ),
        parameters=[OutcomesQuerySerializer, docs.RETRY_AFTER],
        responses={200: ProviderOutcomesSerializer, **docs.error_responses(400, 401, 403, 429)},
        tags=["providers"],
    )
    def get(self, request):
        query = OutcomesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if "provider" in query.validated_data:
            provider = (
                ProviderOrganisation.objects.select_related("training_provider")
                .filter(pk=query.validated_data["provider"])
                .first()
            )
            if provider is None:
                raise ValidationError({"provider": [_("No provider has this id.")]})
            rows = provider_outcomes(request.user, provider)
        else:
            rows = outcomes_all_providers(request.user)
        data = {"min_group": outcomes_min_group(), "courses": [row.__dict__ for row in rows]}
        return Response(ProviderOutcomesSerializer(data).data)

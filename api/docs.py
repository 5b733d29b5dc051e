"""Serializers and parameters used only to document the API in its OpenAPI schema.

The views build their JSON with plain functions (`api.rows`,
`api.figures`) for speed; these classes state the same shapes for
drf-spectacular, and the contract tests check that the two agree.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from api.figures import COUNTED_APPLICATION_STATUSES
from cases.models import AppealStatus, CaseCategory, DecisionOutcome
from certification.filters import MAX_QUERY_LENGTH
from certification.models import CertificationStatus
from counties.models import DeliverySystem


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, readable by a person."))


FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": str(_("Each invalid parameter by name, with the reasons it was refused.")),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"status": ["Select a valid choice. paused is not one of the available choices."]},
}

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description=_("Seconds to wait before trying again."),
    response=[429],
)


def error_responses(*codes: int, media_type: str | None = None) -> dict:
    """The documented error answers for `codes`, optionally keyed by media type (for an
    operation whose success is not JSON)."""
    descriptions = {
        400: _("A parameter is invalid: each one named with its reasons."),
        401: _("No credentials, or an unknown, expired or revoked token."),
        403: _("Signed in, but not county or state program staff."),
        404: _("Not found."),
        429: _("Too many requests: wait `Retry-After` seconds."),
    }
    responses = {}
    for code in codes:
        body = FIELD_ERRORS_SCHEMA if code == 400 else ErrorSerializer
        key = (code, media_type) if media_type else code
        responses[key] = OpenApiResponse(response=body, description=descriptions[code])
    return responses


class CountyRefSerializer(serializers.Serializer):
    code = serializers.SlugField(help_text=_("Lower-case hyphenated county name."))
    name = serializers.CharField()


# The areas are data the program extends (docs/domain.md#specializations): the codes are
# documented, not an enum a client could hold against a new area.
SPECIALIZATION_CODE_HELP = _(
    "An area of specialization's code: `parent_caregiver_family`, `crisis`, `unhoused` or "
    "`justice_involved` today; the program may add areas, so expect new codes."
)


class PublicActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[c for c in DecisionOutcome.choices if c[0] != DecisionOutcome.DISMISSED],
        help_text=_(
            "What the program decided: warning, corrective_action, suspension, revocation."
        ),
    )
    effective_on = serializers.DateField()
    ended_on = serializers.DateField(
        allow_null=True, help_text=_("The day a suspension ended (null while it lasts).")
    )
    summary = serializers.CharField(
        allow_blank=True,
        help_text=_(
            "A short public summary written by the program, when it chose to publish one "
            "(empty otherwise: the action and its date only). Never the complaint or who made it."
        ),
    )


class RosterCertificationSerializer(serializers.Serializer):
    certification_number = serializers.CharField()
    status = serializers.ChoiceField(choices=CertificationStatus.choices)
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    county = CountyRefSerializer(help_text=_("The issuing county."))
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    expiring_soon = serializers.BooleanField(
        help_text=_(
            "Derived, not a status: true when the certification is active and expires within "
            "90 days from today (today and the expiry date included)."
        )
    )
    specializations = serializers.ListField(
        child=serializers.CharField(help_text=SPECIALIZATION_CODE_HELP),
        help_text=_("Codes of the specializations held, in alphabetical order."),
    )
    updated_at = serializers.DateTimeField(
        help_text=_(
            "Last change of the certification, in UTC with microseconds "
            "(2025-03-04T05:06:07.123456Z); pass it back as `updated_since`."
        )
    )
    public_actions = PublicActionSerializer(
        many=True,
        help_text=_(
            "Public actions of disciplinary cases, newest first (the same objects as the "
            "verification's `public_actions`: action, effective_on, ended_on, summary)."
        ),
    )


class VerificationSerializer(serializers.Serializer):
    certification_number = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    status = serializers.ChoiceField(choices=CertificationStatus.choices)
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    suspended_on = serializers.DateField(
        allow_null=True,
        help_text=_(
            "The day the suspension on record began (null when none): a suspended "
            "certification still expires on its date, with its suspension on record until it "
            "is lifted."
        ),
    )
    specializations = serializers.ListField(
        child=serializers.CharField(help_text=SPECIALIZATION_CODE_HELP)
    )
    issuing_county = CountyRefSerializer()
    public_actions = PublicActionSerializer(
        many=True,
        help_text=_(
            "Public actions of disciplinary cases, newest first, past ones included (a "
            "suspension that ended, a letter of warning the program published); an action "
            "overturned on appeal is withdrawn."
        ),
    )


def _counts_serializer(name: str, keys: tuple[str, ...], doc: str) -> type[serializers.Serializer]:
    fields = {key: serializers.IntegerField(min_value=0) for key in keys}
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc})


CertificationCountsSerializer = _counts_serializer(
    "CertificationCountsSerializer",
    tuple(CertificationStatus.values),
    "Certifications issued by the county, by status (every status present, zero included).",
)
ApplicationCountsSerializer = _counts_serializer(
    "ApplicationCountsSerializer",
    COUNTED_APPLICATION_STATUSES,
    "Applications filed with the county, by status; drafts are private and not counted.",
)


class OptInSerializer(serializers.Serializer):
    """The county's open opt-in period for one delivery system."""

    opted_in = serializers.BooleanField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(
        allow_null=True, help_text=_("Always null for the open period.")
    )


class OptInPeriodSerializer(OptInSerializer):
    """One period of the opt-in history, closed (`effective_to` set) or open."""

    delivery_system = serializers.ChoiceField(choices=DeliverySystem.choices)


class OptInByDeliverySystemSerializer(serializers.Serializer):
    """Null for a delivery system whose status has never been recorded."""

    smhs = OptInSerializer(allow_null=True)
    dmc_ods = OptInSerializer(allow_null=True)
    dmc = OptInSerializer(allow_null=True)


class CountySerializer(serializers.Serializer):
    code = serializers.SlugField()
    name = serializers.CharField()
    fips = serializers.RegexField(r"^06[0-9]{3}$", help_text=_("Five-digit FIPS code."))
    opt_in = OptInByDeliverySystemSerializer()
    certifications = CertificationCountsSerializer(
        allow_null=True,
        help_text=_(
            "Counts by status. State staff see every county's; county staff only their own "
            "counties' (null for the others)."
        ),
    )


class CountyDetailSerializer(CountySerializer):
    opt_in_history = OptInPeriodSerializer(
        many=True, help_text=_("Every opt-in period, by delivery system, newest first.")
    )


class FiguresSerializer(serializers.Serializer):
    certifications = CertificationCountsSerializer()
    applications = ApplicationCountsSerializer()
    exam_pass_rate = serializers.FloatField(
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text=_(
            "Passed exam attempts divided by attempts passed or failed (no-shows are left "
            "out); null when there are none."
        ),
    )
    median_days_to_certification = serializers.FloatField(
        allow_null=True,
        min_value=0,
        help_text=_(
            "Median number of days from an application's submission to the issue of its "
            "certification; null when none has been issued."
        ),
    )


class CountyFiguresSerializer(FiguresSerializer):
    code = serializers.SlugField()
    name = serializers.CharField()


class StatsSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text=_("Today's date in California."))
    statewide = FiguresSerializer(
        allow_null=True, help_text=_("Statewide figures: state staff only, null for county staff.")
    )
    counties = CountyFiguresSerializer(
        many=True,
        help_text=_(
            "Per county, by name: every county for state staff, their own for county staff."
        ),
    )


ROSTER_PARAMETERS = [
    OpenApiParameter(
        "county",
        OpenApiTypes.STR,
        description=_(
            "Issuing county code (e.g. `san-luis-obispo`). An unknown code answers 400; a county "
            "outside the caller's counties gives no rows."
        ),
    ),
    OpenApiParameter(
        "status", OpenApiTypes.STR, enum=CertificationStatus.values, description=_("Status.")
    ),
    OpenApiParameter(
        "specialization",
        OpenApiTypes.STR,
        description=_(
            "Only certifications holding this specialization: an area's code (see the "
            "`specializations` field). An unknown code answers 400."
        ),
    ),
    OpenApiParameter(
        "expires_before",
        OpenApiTypes.DATE,
        description=_("Expiry date strictly before this date (YYYY-MM-DD)."),
    ),
    OpenApiParameter(
        "expires_after",
        OpenApiTypes.DATE,
        description=_("Expiry date strictly after this date (YYYY-MM-DD)."),
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description=_(
            "Changed at or after this moment (ISO 8601 date or date-time; without an offset it "
            "is read as California time). Pass the last `updated_at` seen to fetch changes."
        ),
    ),
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        description=_(
            "A certification number (exact or its beginning) or a name (every word must appear "
            "in the first or last name). Case is ignored."
        ),
    ),
]


def _counts(name: str, keys, doc: str) -> type[serializers.Serializer]:
    return _counts_serializer(name, tuple(keys), doc)


CaseCategoryCountsSerializer = _counts(
    "CaseCategoryCountsSerializer",
    CaseCategory.values,
    "Complaints received by category (every category present, zero included).",
)
CaseOutcomeCountsSerializer = _counts(
    "CaseOutcomeCountsSerializer",
    [*DecisionOutcome.values, "closed_without_decision", "undecided"],
    "Complaints by outcome: the latest decision not overturned on appeal; closed without a "
    "decision; or not decided yet.",
)
AppealStatusCountsSerializer = _counts(
    "AppealStatusCountsSerializer",
    AppealStatus.values,
    "Appeals filed in the period by status (filed: waiting for a decision).",
)


class AppealFiguresSerializer(serializers.Serializer):
    filed = serializers.IntegerField(min_value=0)
    by_status = AppealStatusCountsSerializer()
    overturned_rate = serializers.FloatField(
        allow_null=True,
        help_text=_("Overturned among the appeals decided; null when none is decided yet."),
    )


class CaseFiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField(min_value=0)
    acknowledged_on_time = serializers.IntegerField(
        min_value=0, help_text=_("Acknowledged by the 5th business day after receipt.")
    )
    acknowledged_late = serializers.IntegerField(min_value=0)
    not_yet_acknowledged = serializers.IntegerField(min_value=0)
    acknowledged_on_time_rate = serializers.FloatField(
        allow_null=True, help_text=_("Among those acknowledged; null when none is yet.")
    )
    resolved_on_time = serializers.IntegerField(
        min_value=0,
        help_text=_(
            "Resolved (decided, or closed without a decision) by the resolution deadline: 90 "
            "days after receipt, 120 when extended."
        ),
    )
    resolved_late = serializers.IntegerField(min_value=0)
    not_yet_resolved = serializers.IntegerField(min_value=0)
    resolved_on_time_rate = serializers.FloatField(
        allow_null=True, help_text=_("Among those resolved; null when none is yet.")
    )
    by_category = CaseCategoryCountsSerializer()
    by_outcome = CaseOutcomeCountsSerializer()
    appeals = AppealFiguresSerializer()


class CountyCaseFiguresSerializer(CaseFiguresSerializer):
    county = CountyRefSerializer(
        allow_null=True,
        help_text=_("The handling county program; null for the cases state staff handle."),
    )


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class CaseOversightSerializer(serializers.Serializer):
    period = PeriodSerializer(help_text=_("The days of receipt counted, both included."))
    statewide = CaseFiguresSerializer()
    counties = CountyCaseFiguresSerializer(
        many=True,
        help_text=_(
            "Per handling county with any complaint or appeal in the period, by name; the "
            "state-handled cases last."
        ),
    )


OVERSIGHT_PARAMETERS = [
    OpenApiParameter(
        "start",
        OpenApiTypes.DATE,
        description=_("First day of receipt counted (YYYY-MM-DD); default: 364 days before `end`."),
    ),
    OpenApiParameter(
        "end", OpenApiTypes.DATE, description=_("Last day counted (YYYY-MM-DD); default: today.")
    ),
    OpenApiParameter(
        "county",
        OpenApiTypes.STR,
        description=_("Only this handling county (its code). An unknown code answers 400."),
    ),
]

"""Completions reported by a provider's systems, `POST /api/v1/provider/completions/` (issue 15
item 4; docs/domain.md#providers), with one of the provider's API keys
(`Authorization: Token <key>`; created and revoked by its administrators at /provider/).

All or nothing: when any row is refused, nothing is written and the answer (400, or 409 when
every refused row is an id reported before with other details) names each refused row's
problems by field; the client fixes them and sends the request again. Posting the same
completions twice changes nothing (200, each "unchanged")."""

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from api import docs
from api.throttles import _CurrentRateMixin
from providers.models import CompletionSource, ProviderApiKey
from providers.services import completions_report, provider_api_key_authenticate
from providers.services.completions import RowResult

MAX_COMPLETIONS_PER_REQUEST = 1_000


class ProviderKeyAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against the providers' API keys (hashed, revocable). The
    request acts for no person: `request.auth` is the key, `request.user` anonymous."""

    def authenticate_credentials(self, key):
        api_key = provider_api_key_authenticate(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked provider API key."))
        return AnonymousUser(), api_key


class ProviderKeyScheme(OpenApiAuthenticationExtension):
    """The providers' keys in the OpenAPI schema, apart from the staff's tokens."""

    target_class = ProviderKeyAuthentication
    name = "providerKey"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": gettext_lazy(
                "A provider API key, created by the provider's administrators at /provider/: "
                "`Token <key>`."
            ),
        }


class HasProviderKey(BasePermission):
    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ProviderApiKey):
            return True
        raise exceptions.NotAuthenticated(_("Send one of your provider API keys."))


class ProviderKeyThrottle(_CurrentRateMixin, SimpleRateThrottle):
    """Counted per provider (one budget across its keys), at the staff tokens' rate."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ProviderApiKey):
            return None
        return self.cache_format % {
            "scope": "provider",
            "ident": request.auth.provider_id,
        }


class CompletionInSerializer(serializers.Serializer):
    completion_id = serializers.CharField(
        max_length=64, help_text=gettext_lazy("Your own id of this completion, unique for you.")
    )
    course_id = serializers.IntegerField(
        min_value=1,
        help_text=gettext_lazy(
            "The number of one of your courses (your provider pages list them); it was approved "
            "on the completion date."
        ),
    )
    email = serializers.EmailField(max_length=254)
    legal_first_name = serializers.CharField(max_length=100)
    legal_last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    completed_on = serializers.DateField()


class CompletionsInSerializer(serializers.Serializer):
    completions = CompletionInSerializer(
        many=True, help_text=gettext_lazy("1 to 1,000 completions.")
    )


class CompletionResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0)
    completion_id = serializers.CharField()
    result = serializers.ChoiceField(
        choices=[RowResult.CREATED, RowResult.UNCHANGED],
        help_text=gettext_lazy("created, or unchanged when it was reported before."),
    )
    status = serializers.CharField(
        help_text=gettext_lazy(
            "attached: in the learner's record, verified; waiting: no learner with these "
            "details has an account yet; not_attached: see note."
        ),
    )
    note = serializers.CharField()


class CompletionsResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(min_value=0)
    unchanged = serializers.IntegerField(min_value=0)
    results = CompletionResultSerializer(many=True)


class RowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0)
    completion_id = serializers.CharField()
    errors = serializers.DictField(child=serializers.CharField())


class CompletionsErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    rows = RowErrorSerializer(
        many=True,
        required=False,
        help_text=gettext_lazy("The refused rows (absent when the body itself is unreadable)."),
    )


def _raw(row) -> dict:
    """A JSON row as the service reads it (strings, as from a file); anything else is left
    for the service to refuse by field."""
    return (
        {key: row.get(key) for key in CompletionInSerializer().fields}
        if isinstance(row, dict)
        else {}
    )


class ProviderCompletionsView(APIView):
    authentication_classes = [ProviderKeyAuthentication]
    permission_classes = [HasProviderKey]
    throttle_classes = [ProviderKeyThrottle]

    @extend_schema(
        operation_id="provider_completions_report",
        summary=gettext_lazy("Report completions of your approved courses"),
        description=gettext_lazy(
            "For training and CE providers, with one of the provider's API keys. Each "
            "completion names your own completion id (posting it again changes nothing), the "
            "course, the learner's email, legal name and date of birth, the hours and the "
            "completion date. All or nothing: if any row is refused nothing is saved and each "
            "refused row is named with its problems by field (400; 409 when every refused row "
            "is an id you reported before with other details)."
        ),
        request=CompletionsInSerializer,
        responses={
            200: OpenApiResponse(
                CompletionsResultSerializer,
                description=gettext_lazy("Nothing new: reported before."),
            ),
            201: OpenApiResponse(
                CompletionsResultSerializer, description=gettext_lazy("Completions saved.")
            ),
            400: OpenApiResponse(
                CompletionsErrorSerializer, description=gettext_lazy("Rows refused; nothing saved.")
            ),
            401: OpenApiResponse(
                docs.ErrorSerializer,
                description=gettext_lazy("No key, or an unknown or revoked one."),
            ),
            409: OpenApiResponse(
                CompletionsErrorSerializer,
                description=gettext_lazy("Ids reported before with other details; nothing saved."),
            ),
            429: OpenApiResponse(
                docs.ErrorSerializer,
                description=gettext_lazy("Too many requests: wait `Retry-After` seconds."),
            ),
        },
        tags=["providers"],
    )
    def post(self, request):
        api_key: ProviderApiKey = request.auth
        body = request.data
        rows = body.get("completions") if isinstance(body, dict) else None
        if not isinstance(rows, list) or not rows or len(rows) > MAX_COMPLETIONS_PER_REQUEST:
            return Response(
                {
                    "detail": _('Send {"completions": [...]} with 1 to %(count)d completions.')
                    % {"count": MAX_COMPLETIONS_PER_REQUEST},
                    "rows": [],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        with transaction.atomic():
            outcomes = completions_report(
                provider=api_key.provider,
                rows=[_raw(row) for row in rows],
                source=CompletionSource.API,
                api_key=api_key,
            )
            refused = [o for o in outcomes if o.result == RowResult.REFUSED]
            if refused:
                transaction.set_rollback(True)
        if refused:
            conflict = all(o.conflict for o in refused)
            return Response(
                {
                    "detail": _("%(count)d of %(total)d completions refused; nothing was saved.")
                    % {"count": len(refused), "total": len(outcomes)},
                    "rows": [
                        {"index": o.index, "completion_id": o.completion_id, "errors": o.errors}
                        for o in refused
                    ],
                },
                status=status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST,
            )
        created = sum(o.result == RowResult.CREATED for o in outcomes)
        return Response(
            {
                "created": created,
                "unchanged": len(outcomes) - created,
                "results": [
                    {
                        "index": o.index,
                        "completion_id": o.completion_id,
                        "result": o.result,
                        "status": o.completion.status if o.completion else "",
                        "note": o.completion.note if o.completion else "",
                    }
                    for o in outcomes
                ],
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

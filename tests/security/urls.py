"""URLs for the row-level security tests only: the site's own, plus views deliberately
written WITHOUT the access layer (`Model.objects.all()`), to show that the database still
answers only what the requester may see. Never included by config/urls.py."""

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.urls import include, path
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import HashedTokenAuthentication
from audit.models import AuditEvent
from certification.models import ApplicantProfile, Application
from continuing_ed.models import CeCredit
from documents.models import Document
from exams.models import ExamAttempt
from fees.models import FeeDue
from training.models import TrainingRecord

UNSAFE_MODELS = {
    "profiles": ApplicantProfile,
    "applications": Application,
    "documents": Document,
    "training_records": TrainingRecord,
    "exam_attempts": ExamAttempt,
    "ce_credits": CeCredit,
    "audit_events": AuditEvent,
    "fees_due": FeeDue,
}


def _every_id() -> dict[str, list[int]]:
    return {
        name: sorted(model.objects.values_list("pk", flat=True))
        for name, model in UNSAFE_MODELS.items()
    }


def unsafe_everything(request: HttpRequest) -> JsonResponse:
    """The bug the second wall is for: every row of every private table, no selector."""
    return JsonResponse(_every_id())


def unsafe_streamed_applications(request: HttpRequest) -> StreamingHttpResponse:
    """The same bug in a streamed response: the query runs while the body is sent."""

    def lines():
        for pk in Application.objects.order_by("pk").values_list("pk", flat=True).iterator():
            yield f"{pk}\n"

    return StreamingHttpResponse(lines(), content_type="text/plain")


class UnsafeEverythingApi(APIView):
    """The same bug behind DRF's token authentication, which runs inside the view."""

    authentication_classes = [HashedTokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response(_every_id())


urlpatterns = [
    path("unsafe/everything/", unsafe_everything),
    path("unsafe/streamed/", unsafe_streamed_applications),
    path("unsafe/api/everything/", UnsafeEverythingApi.as_view()),
    path("", include("config.urls")),
]

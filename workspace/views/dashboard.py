"""The county dashboard: counts, the review queue, training awaiting verification,
certifications expiring soon and open CE audits."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ce_audits.models import CeAuditOutcome
from ce_audits.selectors import ce_audits_for
from certification.models import Application, ApplicationStatus, Certification, CertificationStatus
from certification.selectors import (
    applications_for,
    certifications_for,
    expiring_soon_q,
    training_records_for,
)
from core import policy
from core.replica import replica_reads
from core.review import ReviewStatus
from training.models import TrainingRecord
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import QueueFilterForm
from workspace.search import name_or_number
from workspace.views.common import paginate, querystring_without_page

QUEUE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)
# How many rows the side lists (training, expiring) show; the full lists are a click away.
SIDE_LIST_LENGTH = 10


def _counts(rows, statuses) -> list[tuple[str, int]]:
    # count(*), not count(id): rows counted from a covering index, without reading the table.
    by_status = dict(rows.values_list("status").annotate(n=Count("*")).order_by())
    return [(label, by_status.get(value, 0)) for value, label in statuses]


def county_applications(user, workspace: CountyWorkspace) -> QuerySet[Application]:
    """The county's submitted applications (never drafts) visible to `user`."""
    return (
        applications_for(user)
        .filter(county=workspace.county)
        .exclude(status=ApplicationStatus.DRAFT)
    )


def _queue(user, workspace: CountyWorkspace, filters: dict) -> QuerySet[Application]:
    status = filters.get("status")
    query = (filters.get("q") or "").strip()
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    number = Q(pk=int(query)) if query.isascii() and query.isdigit() and len(query) < 12 else None
    return (
        county_applications(user, workspace)
        .filter(status__in=[status] if status else QUEUE_STATUSES)
        .filter(
            name_or_number(
                query,
                name_fields=(
                    "applicant__applicant_profile__legal_first_name",
                    "applicant__applicant_profile__legal_last_name",
                    "applicant__email",
                ),
                number=number,
            )
        )
        .select_related("applicant__applicant_profile")
        .order_by("submitted_at", "pk")
    )


def _training_awaiting(user, workspace: CountyWorkspace) -> QuerySet[TrainingRecord]:
    """Pending training records of people with an application in this county, each with the
    number of that application (the page where it is verified)."""
    applications = county_applications(user, workspace).filter(applicant=OuterRef("person"))
    return (
        training_records_for(user)
        .filter(status=ReviewStatus.PENDING)
        .filter(Exists(applications))
        .annotate(application_id=Subquery(applications.order_by("-submitted_at").values("pk")[:1]))
        .select_related("person__applicant_profile")
        .order_by("created_at", "pk")
    )


def _expiring(user, workspace: CountyWorkspace, today: datetime.date) -> QuerySet[Certification]:
    return (
        certifications_for(user)
        .prefetch_related(None)
        .filter(expiring_soon_q(on=today), issuing_county=workspace.county)
        .order_by("expires_on", "pk")
    )


@workspace_view()
@require_safe
@replica_reads
def dashboard(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    now = timezone.now()
    filter_form = QueueFilterForm(request.GET)
    page = paginate(request, _queue(user, workspace, filter_form.values()))
    queue_rows = [
        (application, (now - application.submitted_at).days if application.submitted_at else 0)
        for application in page.object_list
    ]
    training = _training_awaiting(user, workspace)
    expiring = _expiring(user, workspace, today)
    application_statuses = [c for c in ApplicationStatus.choices if c[0] != "draft"]
    context = {
        "workspace": workspace,
        "nav": "dashboard",
        "filter_form": filter_form,
        "page_obj": page,
        "queue_rows": queue_rows,
        "querystring": querystring_without_page(request),
        "application_counts": _counts(county_applications(user, workspace), application_statuses),
        "certification_counts": _counts(
            certifications_for(user).filter(issuing_county=workspace.county),
            CertificationStatus.choices,
        ),
        "training_count": training.count(),
        "training_rows": training[:SIDE_LIST_LENGTH],
        "expiring_count": expiring.count(),
        "expiring_rows": expiring[:SIDE_LIST_LENGTH],
        "expiring_days": policy.EXPIRING_SOON_DAYS,
        "open_audits": ce_audits_for(user)
        .filter(county=workspace.county, outcome=CeAuditOutcome.PENDING)
        .count(),
    }
    return render(request, "workspace/dashboard.html", context)

"""Training: the core 80 hours and specialization courses, with the proof of each, and the
progress toward the requirement (verified hours, pending, rejected with the reason).

Opened from an application's next step (`?application=<pk>`), the page links back to that
application; opened otherwise, to the person's open application, if any."""

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certification.models import OPEN_APPLICATION_STATUSES, Application, ApplicationStatus
from certification.selectors import applications_for, training_records_for
from core import policy
from core.errors import DomainError
from core.review import ReviewStatus
from portal.forms import TrainingRecordForm
from portal.stash import portal_login_required, restore_into
from training import services as training_services
from training.models import Course
from training.rules import training_sufficiency_problems, verified_core_hours
from training.selectors import training_providers_approved


def _came_from(request: HttpRequest) -> Application | None:
    """The person's application named by `?application=` (ignored when it is not theirs or
    not a number), else their open application."""
    own = applications_for(request.user).filter(applicant=request.user).select_related("county")
    named = request.GET.get("application", "")
    if named.isdigit():
        found = own.filter(pk=int(named)).first()
        if found is not None:
            return found
    return own.filter(status__in=OPEN_APPLICATION_STATUSES).order_by("-created_at", "-id").first()


def _application_url(application: Application) -> str:
    if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED):
        return reverse("portal:application", args=[application.pk])
    return reverse("portal:application_status", args=[application.pk])


@portal_login_required(stash=True)
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    providers = training_providers_approved()
    if request.method == "POST":
        form = TrainingRecordForm(request.POST, request.FILES, providers=providers)
        if form.is_valid():
            data = form.cleaned_data
            try:
                training_services.training_record_add(
                    person=request.user,
                    provider=data["provider"],
                    course=data["course"],
                    hours=data["hours"],
                    completed_on=data["completed_on"],
                    certificate_file=data["certificate"],
                )
            except DomainError as error:
                form.add_domain_error(error, field_map={"file": "certificate"})
            else:
                messages.success(
                    request, _("Your training was added. It will count once it is verified.")
                )
                return redirect(request.get_full_path())
    else:
        form = TrainingRecordForm(initial={"course": Course.CORE_80}, providers=providers)
        restore_into(request, form)
    records = list(
        training_records_for(request.user)
        .filter(person=request.user)
        .select_related("certificate", "provider", "completion")
        .order_by("-completed_on", "-id")
    )
    core = [r for r in records if r.course == Course.CORE_80]
    pending = sum((r.hours for r in core if r.status == ReviewStatus.PENDING), Decimal("0"))
    verified = verified_core_hours(records, on=today)
    application = _came_from(request)
    return render(
        request,
        "portal/training.html",
        {
            "application": application,
            "application_url": _application_url(application) if application else "",
            "form": form,
            "records": records,
            "verified_hours": verified,
            "pending_hours": pending,
            "required_hours": policy.CORE_TRAINING_HOURS,
            "progress_percent": min(100, int(verified * 100 / policy.CORE_TRAINING_HOURS)),
            "problems": training_sufficiency_problems(records, on=today),
        },
    )

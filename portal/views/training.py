"""Training: the core 80 hours and specialization courses, with the proof of each, and the
progress toward the requirement (verified hours, pending, rejected with the reason)."""

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certification.selectors import training_records_for
from core import policy
from core.errors import DomainError
from core.review import ReviewStatus
from portal.forms import TrainingRecordForm
from portal.stash import portal_login_required, restore_into
from training import services as training_services
from training.models import Course
from training.rules import training_sufficiency_problems, verified_core_hours
from training.selectors import training_providers_approved


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
                return redirect("portal:training")
    else:
        form = TrainingRecordForm(initial={"course": Course.CORE_80}, providers=providers)
        restore_into(request, form)
    records = list(
        training_records_for(request.user)
        .filter(person=request.user)
        .select_related("certificate")
        .order_by("-completed_on", "-id")
    )
    core = [r for r in records if r.course == Course.CORE_80]
    pending = sum((r.hours for r in core if r.status == ReviewStatus.PENDING), Decimal("0"))
    verified = verified_core_hours(records, on=today)
    return render(
        request,
        "portal/training.html",
        {
            "form": form,
            "records": records,
            "verified_hours": verified,
            "pending_hours": pending,
            "required_hours": policy.CORE_TRAINING_HOURS,
            "progress_percent": min(100, int(verified * 100 / policy.CORE_TRAINING_HOURS)),
            "problems": training_sufficiency_problems(records, on=today),
        },
    )

"""The review pages of state staff (/provider/review/): the queue of submitted applications,
the cycles, registering a provider, and one application's review. State staff read them;
reviewers (`providers.review_providers`) act (docs/domain.md#providers)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from providers import services
from providers.models import ApprovalCycle
from providers.outcomes import outcomes_all_providers, outcomes_min_group
from providers.rules import CORE_COMPETENCIES, REVIEWABLE
from providers.selectors import (
    applications_for,
    applications_to_review,
    approvals_of,
    cycles_all,
    is_reviewer,
    providers_for,
)
from providers_portal.access import review_view
from providers_portal.forms import ConfirmForm, CycleForm, Decision, RegisterForm, ReviewForm
from providers_portal.views.common import form_action
from training.models import TrainingProvider

REVIEW_HOME = "providers_portal:review"


@review_view()
@require_http_methods(["GET", "HEAD"])
def review(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "providers_portal/review.html",
        {
            "queue": applications_to_review(request.user),
            "cycles": cycles_all()[:50],
            "providers": providers_for(request.user),
            "acts": is_reviewer(request.user),
            "today": timezone.localdate(),
        },
    )


@review_view()
@require_http_methods(["GET", "HEAD"])
def review_outcomes(request: HttpRequest) -> HttpResponse:
    """Every provider's outcomes, course by course (docs/domain.md#provider-outcomes)."""
    return render(
        request,
        "providers_portal/review_outcomes.html",
        {"rows": outcomes_all_providers(request.user), "min_group": outcomes_min_group()},
    )


@review_view(acts=True)
@require_http_methods(["GET", "HEAD", "POST"])
def cycle_open(request: HttpRequest) -> HttpResponse:
    return form_action(
        request,
        form_class=CycleForm,
        perform=lambda data: services.approval_cycle_open(actor=request.user, **data),
        success_message=_("The cycle is open. Providers' staff are told on its first day."),
        done_url=reverse(REVIEW_HOME),
        template="providers_portal/review_form.html",
        context={"title": _("Open an approval cycle"), "submit_label": _("Open the cycle")},
    )


@review_view(acts=True)
@require_http_methods(["GET", "HEAD", "POST"])
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = ApprovalCycle.objects.filter(pk=pk).first()
    if cycle is None:
        raise Http404("No such cycle.")
    return form_action(
        request,
        form_class=ConfirmForm,
        perform=lambda data: services.approval_cycle_close(actor=request.user, cycle=cycle),
        success_message=_("The cycle is closed."),
        done_url=reverse(REVIEW_HOME),
        template="providers_portal/review_form.html",
        context={
            "title": _("Close an approval cycle early"),
            "subject": str(cycle),
            "submit_label": _("Close the cycle"),
        },
    )


@review_view(acts=True)
@require_http_methods(["GET", "HEAD", "POST"])
def provider_register(request: HttpRequest) -> HttpResponse:
    listed = list(
        TrainingProvider.objects.filter(organisation__isnull=True)
        .order_by("name")
        .values_list("pk", "name")
    )

    def perform(data):
        chosen = data["training_provider"]
        training_provider = TrainingProvider.objects.filter(pk=chosen).first() if chosen else None
        if training_provider is None and not data["name"]:
            raise DomainError(_("Name a new provider or choose a listed one."), field="name")
        provider = services.provider_register(
            actor=request.user,
            name=data["name"],
            training_provider=training_provider,
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
        )
        services.provider_invite(
            actor=request.user, provider=provider, email=data["admin_email"], role="admin"
        )
        return provider

    return form_action(
        request,
        form_class=RegisterForm,
        form_kwargs={"listed": listed},
        perform=perform,
        success_message=_("The provider is registered and its first administrator invited."),
        done_url=reverse(REVIEW_HOME),
        template="providers_portal/review_form.html",
        context={"title": _("Register a provider"), "submit_label": _("Register and invite")},
    )


@review_view()
@require_http_methods(["GET", "HEAD", "POST"])
def review_application(request: HttpRequest, pk: int) -> HttpResponse:
    """One application with its competency map and the course's approval history; reviewers
    decide it here."""
    application = applications_for(request.user).filter(pk=pk).first()
    if application is None:
        raise Http404("No such application.")
    acts = is_reviewer(request.user) and application.status in REVIEWABLE
    coverage = dict(application.competencies.values_list("competency", "curriculum"))

    def perform(data):
        if not acts:
            raise DomainError(_("This application is not waiting for your review."))
        decision = data["decision"]
        if decision == Decision.APPROVE:
            return services.course_application_approve(
                actor=request.user,
                application=application,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
        if decision == Decision.CHANGES:
            return services.course_application_request_changes(
                actor=request.user, application=application, note=data["note"]
            )
        return services.course_application_deny(
            actor=request.user, application=application, reasons=data["note"]
        )

    if request.method == "POST" and not is_reviewer(request.user):
        raise PermissionDenied
    return form_action(
        request,
        form_class=ReviewForm,
        perform=perform,
        success_message=_("Decision recorded. The provider's staff are told by email."),
        done_url=reverse(REVIEW_HOME),
        template="providers_portal/review_application.html",
        context={
            "application": application,
            "acts": acts,
            "coverage": [(c.label, coverage.get(c.code, "")) for c in CORE_COMPETENCIES],
            "history": approvals_of(application.course),
        },
    )

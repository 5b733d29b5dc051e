"""The pages of a provider's staff: the picker, the provider's home (courses with their
approvals, applications, open cycles), applying in a cycle, an application, the profile and
the staff, and the invitation link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from providers import services
from providers.models import CourseApplication
from providers.outcomes import outcomes_min_group, provider_outcomes
from providers.rules import CORE_COMPETENCIES, PROVIDER_EDITABLE, PROVIDER_WITHDRAWABLE
from providers.selectors import (
    applications_for,
    approvals_for,
    courses_for,
    cycles_open,
    provider_invitations_pending,
    provider_memberships,
    providers_for,
    reads_every_provider,
)
from providers_portal.access import ProviderPage, provider_view
from providers_portal.forms import (
    ApplicationForm,
    ApplyForm,
    ConfirmForm,
    InviteForm,
    ProfileForm,
    competency_field_name,
)
from providers_portal.views.common import form_action, home_url


def _context(page: ProviderPage, nav: str, **extra) -> dict:
    return {"page": page, "provider": page.provider, "nav": nav, **extra}


@login_required
@require_http_methods(["GET", "HEAD"])
def pick(request: HttpRequest) -> HttpResponse:
    """The person's providers (straight to the one when there is one); state staff go to the
    review pages."""
    if reads_every_provider(request.user):
        return redirect("providers_portal:review")
    providers = list(providers_for(request.user))
    if len(providers) == 1:
        return redirect(home_url(providers[0]))
    return render(request, "providers_portal/pick.html", {"providers": providers})


@provider_view()
@require_http_methods(["GET", "HEAD"])
def outcomes(request: HttpRequest, page: ProviderPage) -> HttpResponse:
    """The outcomes of the provider's courses (docs/domain.md#provider-outcomes)."""
    return render(
        request,
        "providers_portal/outcomes.html",
        _context(
            page,
            "outcomes",
            rows=provider_outcomes(request.user, page.provider),
            min_group=outcomes_min_group(),
        ),
    )


@provider_view()
@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest, page: ProviderPage) -> HttpResponse:
    provider = page.provider
    today = timezone.localdate()
    approvals = list(approvals_for(request.user).filter(provider=provider))
    courses = list(courses_for(request.user).filter(provider=provider))
    for course in courses:
        course.history = [a for a in approvals if a.course_id == course.pk]
        course.current = next((a for a in course.history if a.covers(today)), None)
    return render(
        request,
        "providers_portal/home.html",
        _context(
            page,
            "home",
            courses=courses,
            applications=applications_for(request.user).filter(provider=provider),
            cycles=cycles_open(today),
            today=today,
        ),
    )


@provider_view()
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, page: ProviderPage, pk: int) -> HttpResponse:
    """Start an application in the open cycle `pk`."""
    cycle = cycles_open().filter(pk=pk).first()
    if cycle is None:
        raise Http404("No such open cycle.")
    return form_action(
        request,
        form_class=ApplyForm,
        perform=lambda data: services.course_application_start(
            actor=request.user, provider=page.provider, cycle=cycle, **data
        ),
        success_message=_(
            "Application started. Map the curriculum to the core competencies, then submit it."
        ),
        done_url=lambda application: reverse(
            "providers_portal:application", args=[page.provider.pk, application.pk]
        ),
        template="providers_portal/apply.html",
        context=_context(page, "home", cycle=cycle),
        initial={"hours": cycle.ce_hours or (80 if cycle.course_type == "core_80" else 40)},
    )


def _application_of(request: HttpRequest, page: ProviderPage, pk: int) -> CourseApplication:
    application = applications_for(request.user).filter(provider=page.provider, pk=pk).first()
    if application is None:
        raise Http404("No such application.")
    return application


@provider_view()
@require_http_methods(["GET", "HEAD", "POST"])
def application(request: HttpRequest, page: ProviderPage, pk: int) -> HttpResponse:
    """An application: its details and competency map, editable while a draft or sent back;
    "Save" keeps it, "Submit" sends it for review."""
    application = _application_of(request, page, pk)
    editable = application.status in PROVIDER_EDITABLE
    coverage = dict(application.competencies.values_list("competency", "curriculum"))
    url = reverse("providers_portal:application", args=[page.provider.pk, application.pk])
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This application can no longer be changed."))
            return redirect(url)
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                services.course_application_save(
                    actor=request.user,
                    application=application,
                    hours=form.cleaned_data["hours"],
                    languages=form.cleaned_data["languages"],
                    delivery_modes=form.cleaned_data["delivery_modes"],
                    coverage=form.coverage(),
                )
                if "submit" in request.POST:
                    services.course_application_submit(actor=request.user, application=application)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Submitted for review.") if "submit" in request.POST else _("Saved."),
                )
                return redirect(url)
    else:
        form = ApplicationForm(
            initial={
                "hours": application.hours,
                "languages": application.languages,
                "delivery_modes": application.delivery_modes,
                **{competency_field_name(code): text for code, text in coverage.items()},
            }
        )
    return render(
        request,
        "providers_portal/application.html",
        _context(
            page,
            "home",
            application=application,
            form=form,
            editable=editable,
            withdrawable=application.status in PROVIDER_WITHDRAWABLE,
            competency_fields=[form[competency_field_name(c.code)] for c in CORE_COMPETENCIES],
            coverage=[(c.label, coverage.get(c.code, "")) for c in CORE_COMPETENCIES],
        ),
    )


@provider_view()
@require_http_methods(["GET", "HEAD", "POST"])
def application_withdraw(request: HttpRequest, page: ProviderPage, pk: int) -> HttpResponse:
    application = _application_of(request, page, pk)
    return form_action(
        request,
        form_class=ConfirmForm,
        perform=lambda data: services.course_application_withdraw(
            actor=request.user, application=application
        ),
        success_message=_("Application withdrawn."),
        done_url=home_url(page.provider),
        template="providers_portal/action_confirm.html",
        context=_context(
            page,
            "home",
            title=_("Withdraw an application"),
            subject=str(application.course),
            submit_label=_("Withdraw"),
            back_url=home_url(page.provider),
        ),
    )


@provider_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest, page: ProviderPage) -> HttpResponse:
    provider = page.provider
    return form_action(
        request,
        form_class=ProfileForm,
        perform=lambda data: services.provider_profile_save(
            actor=request.user,
            provider=provider,
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            statewide=data["statewide"],
            county_ids=data["counties"],
            languages=data["languages"],
            delivery_modes=data["delivery_modes"],
        ),
        success_message=_("Profile saved."),
        done_url=reverse("providers_portal:profile", args=[provider.pk]),
        template="providers_portal/profile.html",
        context=_context(page, "profile"),
        initial={
            "contact_name": provider.contact_name,
            "contact_email": provider.contact_email,
            "contact_phone": provider.contact_phone,
            "statewide": provider.statewide,
            "counties": [str(pk) for pk in provider.counties.values_list("pk", flat=True)],
            "languages": provider.languages,
            "delivery_modes": provider.delivery_modes,
        },
    )


@provider_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def staff(request: HttpRequest, page: ProviderPage) -> HttpResponse:
    provider = page.provider
    return form_action(
        request,
        form_class=InviteForm,
        perform=lambda data: services.provider_invite(
            actor=request.user, provider=provider, email=data["email"], role=data["role"]
        ),
        success_message=_("Invitation sent. The link in it works for a limited time."),
        done_url=reverse("providers_portal:staff", args=[provider.pk]),
        template="providers_portal/staff.html",
        context=_context(
            page,
            "staff",
            memberships=provider_memberships(provider),
            invitations=provider_invitations_pending(provider),
        ),
    )


@provider_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def membership_remove(request: HttpRequest, page: ProviderPage, pk: int) -> HttpResponse:
    membership = provider_memberships(page.provider).filter(pk=pk).first()
    if membership is None:
        raise Http404("No such staff member.")
    back = reverse("providers_portal:staff", args=[page.provider.pk])
    return form_action(
        request,
        form_class=ConfirmForm,
        perform=lambda data: services.provider_membership_remove(
            actor=request.user, membership=membership
        ),
        success_message=_("Removed from the staff."),
        done_url=back,
        template="providers_portal/action_confirm.html",
        context=_context(
            page,
            "staff",
            title=_("Remove from the staff"),
            subject=membership.user.email,
            submit_label=_("Remove"),
            back_url=back,
        ),
    )


@provider_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_revoke(request: HttpRequest, page: ProviderPage, pk: int) -> HttpResponse:
    invitation = provider_invitations_pending(page.provider).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such pending invitation.")
    back = reverse("providers_portal:staff", args=[page.provider.pk])
    return form_action(
        request,
        form_class=ConfirmForm,
        perform=lambda data: services.provider_invitation_revoke(
            actor=request.user, invitation=invitation
        ),
        success_message=_("Invitation withdrawn."),
        done_url=back,
        template="providers_portal/action_confirm.html",
        context=_context(
            page,
            "staff",
            title=_("Withdraw an invitation"),
            subject=invitation.email,
            submit_label=_("Withdraw"),
            back_url=back,
        ),
    )


INVITATION_SESSION_KEY = "provider_invitation_token"
INVITATION_TOKEN_MAX_LENGTH = 128


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation email: its token goes into this browser's session and the
    page without it follows, so the secret never stays in URLs (SECURITY.md, "Secrets")."""
    if len(token) <= INVITATION_TOKEN_MAX_LENGTH:
        request.session[INVITATION_SESSION_KEY] = token
    return redirect("providers_portal:invitation_accept")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    """The invitation the session holds: shown, POST accepts it."""
    token = request.session.get(INVITATION_SESSION_KEY) or ""
    invitation = services.provider_invitation_find(token) if token else None
    problem = services.invitation_problem(invitation, request.user)
    if request.method == "POST" and problem is None:
        try:
            membership = services.provider_invitation_accept(user=request.user, token=token)
        except DomainError as error:
            problem = error.message
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request, _("You joined %(name)s.") % {"name": membership.provider.name}
            )
            return redirect(home_url(membership.provider))
    return render(
        request,
        "providers_portal/invitation_accept.html",
        {"invitation": invitation if problem is None else None, "problem": problem},
    )

"""Signing up an organisation, picking one, its settings and staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from employers import services
from employers.selectors import (
    employer_invitations_pending,
    employer_memberships,
    employers_for,
)
from employers_portal.access import EmployerPage, employer_view
from employers_portal.forms import ConfirmForm, EmployerForm, InviteForm, SettingsForm
from employers_portal.views.common import form_action, home_url


@login_required
@require_http_methods(["GET", "HEAD"])
def pick(request: HttpRequest) -> HttpResponse:
    """The person's organisations (straight to the one when there is one), or sign-up."""
    employers = list(employers_for(request.user))
    if len(employers) == 1:
        return redirect(home_url(employers[0]))
    return render(request, "employers_portal/pick.html", {"employers": employers})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EmployerForm(request.POST)
        if form.is_valid():
            try:
                employer = services.employer_register(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered. Add the peers you employ to its watchlist.")
                    % {"name": employer.name},
                )
                return redirect(home_url(employer))
    else:
        form = EmployerForm(initial={"contact_email": request.user.email})
    return render(request, "employers_portal/signup.html", {"form": form})


@employer_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request: HttpRequest, page: EmployerPage) -> HttpResponse:
    employer = page.employer
    return form_action(
        request,
        page,
        form_class=SettingsForm,
        initial={
            "notice_mode": employer.notice_mode,
            "contact_name": employer.contact_name,
            "contact_email": employer.contact_email,
            "contact_phone": employer.contact_phone,
        },
        perform=lambda data: services.employer_settings_save(
            actor=request.user, employer=employer, **data
        ),
        success_message=_("Settings saved."),
        done_url=reverse("employers_portal:settings", args=[employer.pk]),
        template="employers_portal/settings.html",
        context={"nav": "settings"},
    )


@employer_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def staff(request: HttpRequest, page: EmployerPage) -> HttpResponse:
    employer = page.employer
    return form_action(
        request,
        page,
        form_class=InviteForm,
        perform=lambda data: services.employer_invite(
            actor=request.user, employer=employer, email=data["email"], role=data["role"]
        ),
        success_message=_("Invitation sent. The link in it works for a limited time."),
        done_url=reverse("employers_portal:staff", args=[employer.pk]),
        template="employers_portal/staff.html",
        context={
            "nav": "staff",
            "memberships": employer_memberships(employer),
            "invitations": employer_invitations_pending(employer),
        },
    )


@employer_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def membership_remove(request: HttpRequest, page: EmployerPage, pk: int) -> HttpResponse:
    membership = employer_memberships(page.employer).filter(pk=pk).first()
    if membership is None:
        raise Http404("No such staff member.")
    return form_action(
        request,
        page,
        form_class=ConfirmForm,
        perform=lambda data: services.employer_membership_remove(
            actor=request.user, membership=membership
        ),
        success_message=_("Removed from the staff."),
        done_url=reverse("employers_portal:staff", args=[page.employer.pk]),
        context={
            "nav": "staff",
            "title": _("Remove from the staff"),
            "subject": membership.user.email,
            "submit_label": _("Remove"),
            "danger": True,
        },
    )


@employer_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_revoke(request: HttpRequest, page: EmployerPage, pk: int) -> HttpResponse:
    invitation = employer_invitations_pending(page.employer).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such pending invitation.")
    return form_action(
        request,
        page,
        form_class=ConfirmForm,
        perform=lambda data: services.employer_invitation_revoke(
            actor=request.user, invitation=invitation
        ),
        success_message=_("Invitation withdrawn."),
        done_url=reverse("employers_portal:staff", args=[page.employer.pk]),
        context={
            "nav": "staff",
            "title": _("Withdraw an invitation"),
            "subject": invitation.email,
            "submit_label": _("Withdraw"),
            "danger": True,
        },
    )


INVITATION_SESSION_KEY = "employer_invitation_token"
INVITATION_TOKEN_MAX_LENGTH = 128


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation email. Its token is a secret: its first use stores it in this
    browser's session and redirects to the page without it, so it never stays in URLs that
    reach access logs, history or a sign-in's `next=` (SECURITY.md, "Secrets")."""
    if len(token) <= INVITATION_TOKEN_MAX_LENGTH:
        request.session[INVITATION_SESSION_KEY] = token
    return redirect("employers_portal:invitation_accept")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    """The invitation the session holds: shown, POST accepts it."""
    token = request.session.get(INVITATION_SESSION_KEY) or ""
    invitation = services.employer_invitation_find(token) if token else None
    problem = services.invitation_problem(invitation, request.user)
    if request.method == "POST" and problem is None:
        try:
            membership = services.employer_invitation_accept(user=request.user, token=token)
        except DomainError as error:
            problem = error.message
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request, _("You joined %(name)s.") % {"name": membership.employer.name}
            )
            return redirect(home_url(membership.employer))
    return render(
        request,
        "employers_portal/invitation_accept.html",
        {"invitation": invitation if problem is None else None, "problem": problem},
    )

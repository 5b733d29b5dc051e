"""Accepting an invitation to a county's staff: the page the emailed link opens. Anyone
signed in may open it; only the invited address can accept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from counties.services import invitations as invitation_services


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_services.staff_invitation_find(token)
    problem = invitation_services.invitation_problem(invitation, request.user)
    if request.method == "POST" and problem is None:
        try:
            membership = invitation_services.staff_invitation_accept(user=request.user, token=token)
        except DomainError as error:
            problem = error.message
        else:
            messages.success(
                request,
                _("Welcome to the staff of %(county)s.") % {"county": membership.county.name},
            )
            return redirect("workspace:dashboard", code=membership.county.code)
    return render(
        request,
        "workspace/invitation_accept.html",
        {"invitation": invitation if problem is None else None, "problem": problem},
        status=200 if problem is None else 409 if invitation is not None else 404,
    )

"""Accepting an invitation to a county's staff: the page the emailed link opens. Anyone
signed in may open it; only the invited address can accept.

The link's token is a secret (it opens the invitation), so it must not stay in URLs that
reach access logs, browser history or a `next=` parameter: its first use stores it in this
browser's session and redirects to the same page without it (`invitation_link`), where the
person signs in if needed and accepts (`invitation_accept`). SECURITY.md, "Secrets"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from counties.services import invitations as invitation_services

SESSION_KEY = "workspace_invitation_token"
TOKEN_MAX_LENGTH = 128


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: the token is exchanged for this session, then the key-less page."""
    if len(token) <= TOKEN_MAX_LENGTH:
        request.session[SESSION_KEY] = token
    return redirect("workspace:invitation_accept")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    token = request.session.get(SESSION_KEY) or ""
    invitation = invitation_services.staff_invitation_find(token) if token else None
    problem = invitation_services.invitation_problem(invitation, request.user)
    if request.method == "POST" and problem is None:
        try:
            membership = invitation_services.staff_invitation_accept(user=request.user, token=token)
        except DomainError as error:
            problem = error.message
        else:
            request.session.pop(SESSION_KEY, None)
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

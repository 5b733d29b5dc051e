"""Your data: what the program keeps and why, downloading all of it, closing the account
(`privacy.services`)."""

from allauth.core import ratelimit
from django.contrib.auth import logout
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certification.models import OPEN_APPLICATION_STATUSES
from certification.selectors import applications_for
from core.errors import DomainError
from portal.forms import AccountCloseForm
from portal.stash import portal_login_required
from portal.views.common import own_certification
from privacy import services as privacy_services


def _close_context(request: HttpRequest) -> dict:
    """What closing would change for this person: their open applications and the
    certification that stays in the registry."""
    applications = list(
        applications_for(request.user)
        .filter(applicant=request.user)
        .select_related("county")
        .order_by("-created_at", "-id")
    )
    certification = own_certification(request.user)
    # The programs that hold the person's records: the one to contact to reopen the account.
    programs = {a.county_id: a.county for a in applications}
    if certification is not None:
        programs = {certification.issuing_county_id: certification.issuing_county, **programs}
    return {
        "close_problems": privacy_services.account_close_problems(request.user),
        "open_applications": [a for a in applications if a.status in OPEN_APPLICATION_STATUSES],
        "certification": certification,
        "programs": list(programs.values()),
    }


@portal_login_required()
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """What is kept and why, the download button and the way to close the account."""
    return render(request, "portal/privacy.html", _close_context(request))


@portal_login_required()
@require_POST
def privacy_download(request: HttpRequest) -> HttpResponse:
    """One ZIP archive of everything held about the person, built in a temporary file and
    streamed from it (closing the response deletes it)."""
    archive = privacy_services.personal_data_export(user=request.user)
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=f"my-data-{timezone.localdate().isoformat()}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@portal_login_required()
@require_http_methods(["GET", "POST"])
def privacy_close(request: HttpRequest) -> HttpResponse:
    """Close the account after a confirmation and the password again (attempts limited by
    allauth's `reauthenticate` rate limit). Once closed, the person is signed out here and
    every other session stops working."""
    context = _close_context(request)
    form = AccountCloseForm(user=request.user)
    if request.method == "POST" and not context["close_problems"]:
        attempts_left = ratelimit.consume(request, action="reauthenticate", user=request.user)
        form = AccountCloseForm(
            request.POST, user=request.user, password_attempts_left=attempts_left
        )
        if form.is_valid():
            try:
                privacy_services.account_close(
                    user=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                logout(request)
                return render(request, "portal/privacy_closed.html", context)
    return render(request, "portal/privacy_close.html", {**context, "form": form})

"""Your data: what the program keeps and why, downloading all of it, closing the account
(`privacy.services`)."""

import datetime

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
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


def _export_context(request: HttpRequest) -> dict:
    state = privacy_services.personal_data_export_state(request.user)
    ready = None
    if state is not None:
        ready = state if state["status"] == privacy_services.READY else state.get("previous")
    return {
        "export": state,
        "export_pending": state is not None
        and state["status"] in (privacy_services.QUEUED, privacy_services.BUILDING),
        "export_ready": ready,
        "export_ready_mb": f"{ready['size'] / (1024 * 1024):.1f}" if ready else "",
        "export_expires_on": (
            datetime.datetime.fromisoformat(ready["expires_at"]).date() if ready else None
        ),
    }


@portal_login_required()
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """What is kept and why, the data export (asked for, its progress, its download) and the
    way to close the account."""
    return render(
        request, "portal/privacy.html", {**_close_context(request), **_export_context(request)}
    )


@portal_login_required()
@require_POST
def privacy_download(request: HttpRequest) -> HttpResponse:
    """Ask for the ZIP archive of everything held about the person: built in the background
    (`privacy.tasks`), its progress shown on the privacy page, a link emailed when ready. A
    second click while one is being built changes nothing."""
    privacy_services.personal_data_export_request(user=request.user)
    messages.success(
        request,
        _(
            "We are preparing your file. You can leave this page: we will email you when it "
            "is ready to download."
        ),
    )
    return redirect(reverse("portal:privacy") + "#download")


@portal_login_required()
@require_GET
def privacy_export_file(request: HttpRequest) -> HttpResponse:
    """The person's ready export (their own only: found by who asks), as one ZIP attachment."""
    found = privacy_services.personal_data_export_file(request.user)
    if found is None:
        raise Http404("No data export is ready.")
    handle, state = found
    finished = datetime.datetime.fromisoformat(state["finished_at"])
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"my-data-{timezone.localtime(finished).date().isoformat()}.zip",
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

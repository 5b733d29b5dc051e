"""Moving an application to another county's program when its county stops participating
(`certification.services.application_transfer`, docs/domain.md#transfers)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certification import services
from certification.models import OPEN_APPLICATION_STATUSES
from core.errors import DomainError
from counties.models import County
from portal.forms import TransferForm
from portal.stash import portal_login_required
from portal.views.common import own_application


@portal_login_required()
@require_http_methods(["GET", "POST"])
def application_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's own application: why it can (or cannot) move, the participating
    county programs to choose from, and the move itself."""
    application = own_application(request, pk)
    problems = services.application_transfer_problems(application, None)
    counties = services.transfer_counties(application)
    form = TransferForm(
        request.POST if request.method == "POST" else None,
        counties=counties,
        initial={"version": application.version},
    )
    if request.method == "POST" and not problems and form.is_valid():
        to_county = form.cleaned_data["county"]
        try:
            services.application_transfer(
                actor=request.user,
                application=application,
                to_county=to_county,
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as refused:
            form.add_domain_error(refused)
        else:
            messages.success(
                request,
                _(
                    "Your application moved to %(county)s. We emailed you, and both county "
                    "programs, about the transfer."
                )
                % {"county": to_county.name},
            )
            return redirect("portal:application_status", pk=application.pk)
    return render(
        request,
        "portal/transfer.html",
        {"application": application, "problems": problems, "form": form, "counties": counties},
    )


def needs_transfer(application) -> bool:
    """Whether the applicant's open application sits with a county that no longer
    participates: the pages then offer the move (one query, none for a final application)."""
    if application.status not in OPEN_APPLICATION_STATUSES:
        return False
    return not services.application_transfer_problems(application, None)


def transfer_county_names(events) -> dict[str, str]:
    """County names by code for the transfer events among `events` (one query, none when
    there is no transfer)."""
    codes = {
        code
        for event in events
        if event.verb == "application_transfer"
        for code in ((event.data or {}).get("from_county"), (event.data or {}).get("to_county"))
        if code
    }
    if not codes:
        return {}
    return dict(County.objects.filter(code__in=codes).values_list("code", "name"))

"""State staff move an application whose county stopped participating to another county's
program (`certification.services.application_transfer`, docs/domain.md#transfers): the one
write state staff make in a county's workspace. The county's own staff get 403 here; anyone
who may not open the county's workspace, or another county's application, gets 404."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certification import services
from core.errors import DomainError
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import TransferForm
from workspace.views.applications import application_url, county_application


@workspace_view(state_only=True)
@require_http_methods(["GET", "POST"])
def application_transfer(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    application = county_application(request, workspace, pk)
    problems = services.application_transfer_problems(application, None)
    counties = services.transfer_counties(application)
    form = TransferForm(
        request.POST if request.method == "POST" else None,
        counties=counties,
        initial={"version": application.version},
        auto_id="transfer_%s",
    )
    if request.method == "POST" and not problems and form.is_valid():
        to_county = form.cleaned_data["county"]
        try:
            services.application_transfer(
                actor=request.user,
                application=application,
                to_county=to_county,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as refused:
            if refused.code == "conflict":
                messages.error(request, refused.message)
                return redirect(application_url(workspace, application))
            field = refused.field if refused.field in form.fields else None
            form.add_error(field, refused.message)
        else:
            messages.success(
                request,
                _(
                    "Application #%(number)s moved to %(county)s. The applicant and both "
                    "counties' staff have been emailed."
                )
                % {"number": application.pk, "county": to_county.name},
            )
            return redirect(reverse("workspace:application", args=[to_county.code, application.pk]))
    return render(
        request,
        "workspace/application_transfer.html",
        {
            "workspace": workspace,
            "nav": "dashboard",
            "application": application,
            "problems": problems,
            "counties": counties,
            "form": form,
            "back_url": application_url(workspace, application),
        },
    )

"""Verifying or rejecting an applicant's training records."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from certification.selectors import training_record_get
from training import services as training_services
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import ReviewDecisionForm
from workspace.views.applications import application_url, county_application
from workspace.views.common import run_action


def _decide(request: HttpRequest, record, data: dict) -> None:
    if data["decision"] == ReviewDecisionForm.VERIFY:
        training_services.training_record_verify(actor=request.user, record=record)
    else:
        training_services.training_record_reject(
            actor=request.user, record=record, reason=data["reason"]
        )


@workspace_view()
def training_record_review(
    request: HttpRequest, workspace: CountyWorkspace, application_pk: int, pk: int
) -> HttpResponse:
    application = county_application(request, workspace, application_pk)
    record = training_record_get(request.user, pk)
    if record.person_id != application.applicant_id:
        raise Http404("That training record is not this applicant's.")
    return run_action(
        request,
        workspace,
        form_class=ReviewDecisionForm,
        perform=lambda data: _decide(request, record, data),
        success_message=_("Training record review recorded."),
        done_url=application_url(workspace, application),
        context={
            "nav": "dashboard",
            "title": _("Review a training record"),
            "subject": f"{record.get_course_display()}, {record.hours} h, {record.provider}",
            "intro": _(
                "Verify the record when the certificate of completion matches the course, "
                "hours, provider and date."
            ),
            "submit_label": _("Record the review"),
        },
    )

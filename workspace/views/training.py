"""Verifying or rejecting an applicant's training records."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from certification.selectors import training_record_get
from core.review import ReviewStatus
from training import services as training_services
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import RejectReportedRecordForm, ReviewDecisionForm
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
    if reported_and_verified(record):
        # Reported by its provider, verified at the source: a reviewer may still reject it.
        return run_action(
            request,
            workspace,
            form_class=RejectReportedRecordForm,
            perform=lambda data: _decide(request, record, data),
            success_message=_("Training record rejected. The learner is emailed the reason."),
            done_url=application_url(workspace, application),
            context={
                "nav": "dashboard",
                "title": _("Reject a reported training record"),
                "subject": _(
                    "%(course)s, %(hours)s h, reported by %(provider)s, verified at the source"
                )
                % {
                    "course": record.get_course_display(),
                    "hours": record.hours,
                    "provider": record.provider,
                },
                "intro": _(
                    "The provider reported this completion and it counts as verified. Reject "
                    "it only with a reason: it will no longer count, and the learner is "
                    "emailed the reason and what to do next."
                ),
                "submit_label": _("Reject the record"),
            },
        )
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


def reported_and_verified(record) -> bool:
    """A record its provider reported and that stands verified: only a rejection is left."""
    return bool(record.reported_at_source) and record.status == ReviewStatus.VERIFIED

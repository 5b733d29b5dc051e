"""The review page of one application and the decisions taken on it."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.models import AuditEvent
from audit.selectors import audit_events_for
from certification import rules, services
from certification.exam_authorization import exam_authorization_answer
from certification.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicantProfile,
    Application,
    ApplicationPart,
    ApplicationStatus,
    Pathway,
)
from certification.selectors import (
    application_get,
    applications_for,
    certifications_for,
    discipline_history,
    documents_for,
    out_of_state_ce_records_for,
    training_records_for,
)
from core import policy
from core.review import ReviewStatus
from counties.models import ProgramPolicy
from exams import rules as exam_rules
from exams import services as exam_services
from exams.models import ExamResult
from exams.selectors import exam_attempts_for
from workspace.access import CountyWorkspace, workspace_view
from workspace.fee_holds import exam_fee_hold
from workspace.forms import (
    ConfirmForm,
    DenyForm,
    ExamAttemptForm,
    RejectReportedRecordForm,
    RequestChangesForm,
    ReviewDecisionForm,
    VersionedForm,
)
from workspace.timeline import timeline_entries
from workspace.views.common import run_action

S = ApplicationStatus
TIMELINE_LENGTH = 200


def county_application(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> Application:
    """The application `pk` filed with this workspace's county, as the visitor may see it, or
    Http404 (another county's application, a draft, or one the visitor may not see)."""
    application = application_get(request.user, pk)
    if application.county_id != workspace.county.pk or application.status == S.DRAFT:
        raise Http404("No such application in this county.")
    return application


def application_url(workspace: CountyWorkspace, application: Application) -> str:
    return reverse("workspace:application", args=[workspace.county.code, application.pk])


def _timeline(user, application: Application) -> QuerySet[AuditEvent]:
    return (
        audit_events_for(user)
        .filter(
            Q(object_type="certification.application", object_id=application.pk)
            | Q(subject_id=application.applicant_id, county_id=application.county_id)
        )
        .order_by("created_at", "pk")[:TIMELINE_LENGTH]
    )


def _profile(application: Application) -> ApplicantProfile | None:
    try:
        return application.applicant.applicant_profile
    except ApplicantProfile.DoesNotExist:
        return None


@workspace_view()
@require_safe
def application_detail(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    user = request.user
    application = county_application(request, workspace, pk)
    today = timezone.localdate()
    documents = list(documents_for(user).filter(application=application).order_by("kind", "-pk"))
    training_records = list(
        training_records_for(user)
        .filter(person_id=application.applicant_id)
        .select_related("certificate", "provider")
    )
    attempts = list(exam_attempts_for(user).filter(application=application).order_by("taken_on"))
    program_policy = ProgramPolicy.current()
    window_ends_on = application.window_ends_on
    # After the window, an attempt taken by its last day may still be recorded during the
    # result grace period (docs/domain.md#exam): ask about the window's last day, recorded today.
    in_grace = exam_rules.in_result_grace(
        window_ends_on, grace_days=program_policy.exam_result_grace_days, on=today
    )
    exam_problems = exam_rules.exam_eligibility_problems(
        application_status=application.status,
        window_ends_on=window_ends_on,
        attempts=attempts,
        on=window_ends_on if in_grace and window_ends_on is not None else today,
        min_wait_days=program_policy.exam_min_wait_days,
        recorded_on=today,
        grace_days=program_policy.exam_result_grace_days,
    )
    fee_hold: list[str] = []
    held_fees: list = []
    if application.status == S.APPROVED and not exam_problems:
        # The training certificate is verified before the candidate may sit the exam.
        # So is the application fee, under the program's policy: the service's own answer.
        exam_problems = exam_authorization_answer(checks=[(application, today)])[0]
        # Beside the fee hold, a link to record each fee's payment (for staff who may).
        fee_hold, held_fees = exam_fee_hold(application, exam_problems, workspace)
    # An open application whose county stopped participating: state staff may move it.
    stranded = application.status in OPEN_APPLICATION_STATUSES and not (
        services.application_transfer_problems(application, None, today=today)
    )
    out_of_state = application.pathway == Pathway.OUT_OF_STATE
    ce_records = (
        list(out_of_state_ce_records_for(user).filter(application=application))
        if out_of_state
        else []
    )
    issue_problems = (
        services.application_participation_problems(application, "issue", today=today)
        + rules.issue_problems(
            application,
            training_records,
            attempts,
            on=today,
            documents=documents,
            ce_records=ce_records,
        )
        if application.status == S.APPROVED
        else []
    )
    # Everything out-of-state reciprocity requires, one line each, as staff must verify it
    # (docs/domain.md#other-pathways).
    out_of_state_checklist = (
        rules.out_of_state_checklist(
            application, documents, ce_records, on=today, verified=True, exam_attempts=attempts
        )
        if out_of_state
        else []
    )
    version = {"version": application.version}
    can_decide = application.status == S.IN_REVIEW
    context = {
        "workspace": workspace,
        "nav": "dashboard",
        "application": application,
        "profile": _profile(application),
        "application_documents": [
            (d, ReviewDecisionForm(auto_id=f"document{d.pk}_%s")) for d in documents
        ],
        "training_records": [
            (
                r,
                RejectReportedRecordForm(auto_id=f"training{r.pk}_%s")
                if r.reported_at_source and r.status == ReviewStatus.VERIFIED
                else ReviewDecisionForm(auto_id=f"training{r.pk}_%s"),
            )
            for r in training_records
        ],
        "attempts": attempts,
        "attempts_left": exam_rules.attempts_left(attempts),
        "exam_problems": exam_problems,
        "fee_hold": fee_hold,
        "held_fees": held_fees,
        "result_grace_ends_on": (
            exam_rules.result_grace_end(window_ends_on, program_policy.exam_result_grace_days)
            if in_grace and window_ends_on is not None and application.status == S.APPROVED
            else None
        ),
        "exam_form": ExamAttemptForm(auto_id="exam_%s"),
        "issue_problems": issue_problems,
        "out_of_state_checklist": out_of_state_checklist,
        "out_of_state_ce_records": ce_records,
        "certification": certifications_for(user).filter(application=application).first(),
        # The person's other applications, wherever filed, and their discipline: a person has
        # one open application at a time statewide (docs/domain.md#application).
        "earlier_applications": list(
            applications_for(user)
            .filter(applicant_id=application.applicant_id)
            .exclude(pk=application.pk)
            .order_by("-created_at", "-pk")
        ),
        "discipline": discipline_history(application.applicant),
        "timeline": timeline_entries(
            _timeline(user, application),
            about={
                **{("documents.document", d.pk): d.get_kind_display() for d in documents},
                **{
                    ("training.trainingrecord", r.pk): r.get_course_display()
                    for r in training_records
                },
            },
        ),
        "changes_parts": [
            ApplicationPart(part).label for part in application.changes_requested_parts
        ],
        "start_form": VersionedForm(initial=version),
        "approve_form": VersionedForm(initial=version),
        "changes_form": RequestChangesForm(initial=version, auto_id="changes_%s"),
        "deny_form": DenyForm(initial=version, auto_id="deny_%s"),
        "can_review_documents": application.status in (S.SUBMITTED, S.IN_REVIEW),
        "can_start": application.status == S.SUBMITTED,
        "can_decide": can_decide,
        # What is left before Approve is offered (the service refuses with the same reasons).
        "approval_problems": (
            services.application_approval_problems(application, today=today) if can_decide else []
        ),
        "exam_passed": any(a.result == ExamResult.PASSED for a in attempts),
        "stranded": stranded,
        "can_deny": application.status in (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED),
    }
    return render(request, "workspace/application_detail.html", context)


def _action_context(
    application: Application, title: str, intro: str, submit: str, **extra: Any
) -> dict[str, Any]:
    return {
        "nav": "dashboard",
        "title": title,
        "subject": _("Application #%(number)s") % {"number": application.pk},
        "intro": intro,
        "submit_label": submit,
        **extra,
    }


@workspace_view()
def application_start_review(
    request: HttpRequest, workspace: CountyWorkspace, pk: int
) -> HttpResponse:
    application = county_application(request, workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=VersionedForm,
        initial={"version": application.version},
        perform=lambda data: services.application_start_review(
            actor=request.user, application=application, expected_version=data["version"]
        ),
        success_message=_("Review started."),
        done_url=application_url(workspace, application),
        context=_action_context(
            application,
            _("Start the review"),
            _("The application moves to in review and the applicant sees that it is."),
            _("Start the review"),
        ),
    )


@workspace_view()
def application_request_changes(
    request: HttpRequest, workspace: CountyWorkspace, pk: int
) -> HttpResponse:
    application = county_application(request, workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=RequestChangesForm,
        initial={"version": application.version},
        perform=lambda data: services.application_request_changes(
            actor=request.user,
            application=application,
            parts=data["parts"],
            message=data["message"],
            expected_version=data["version"],
        ),
        success_message=_("Changes requested. The applicant has been told what to change."),
        done_url=application_url(workspace, application),
        context=_action_context(
            application,
            _("Request changes"),
            _("The applicant can change only the parts you choose, then resubmits."),
            _("Request changes"),
        ),
    )


@workspace_view()
def application_approve(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    application = county_application(request, workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=VersionedForm,
        initial={"version": application.version},
        perform=lambda data: services.application_approve(
            actor=request.user, application=application, expected_version=data["version"]
        ),
        success_message=_("Application approved. The %(months)d-month exam window is open.")
        % {"months": policy.APPROVAL_WINDOW_MONTHS},
        done_url=application_url(workspace, application),
        context=_action_context(
            application,
            _("Approve the application"),
            _("The applicant becomes eligible for the exam for %(months)d months and is told so.")
            % {"months": policy.APPROVAL_WINDOW_MONTHS},
            _("Approve"),
        ),
    )


@workspace_view()
def application_deny(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    application = county_application(request, workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=DenyForm,
        initial={"version": application.version},
        perform=lambda data: services.application_deny(
            actor=request.user,
            application=application,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        success_message=_("Application denied. The applicant has been told why."),
        done_url=application_url(workspace, application),
        context=_action_context(
            application,
            _("Deny the application"),
            _("A denial is final for this application. The applicant reads your reason."),
            _("Deny"),
            danger=True,
        ),
    )


@workspace_view()
def exam_attempt_record(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    application = county_application(request, workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=ExamAttemptForm,
        perform=lambda data: exam_services.exam_attempt_record(
            actor=request.user,
            application=application,
            taken_on=data["taken_on"],
            result=data["result"],
            scaled_score=data["scaled_score"],
        ),
        success_message=_("Exam attempt recorded. The applicant has been told the result."),
        done_url=application_url(workspace, application),
        context=_action_context(
            application,
            _("Record an exam attempt"),
            _("Record one attempt reported by the testing vendor."),
            _("Record the attempt"),
        ),
    )


@workspace_view()
def certification_issue(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    application = county_application(request, workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=ConfirmForm,
        perform=lambda data: services.certification_issue(
            actor=request.user, application=application
        ),
        success_message=_("Certification issued. The peer has been told."),
        done_url=application_url(workspace, application),
        context=_action_context(
            application,
            _("Issue the certification"),
            _(
                "A certification valid for %(years)d years is issued and appears in the public "
                "registry."
            )
            % {"years": policy.CERTIFICATION_VALIDITY_YEARS},
            _("Issue the certification"),
        ),
    )

"""Cases in the county workspace: the county's cases with their deadlines (flags for due
soon and overdue), a case with its timeline and actions, and opening a case from a phone
call or letter. Rows come from `cases.selectors` (the access layer), actions from
`cases.services`.

Each page serves two workspaces: a county's (/county/<code>/cases/, `workspace_view`) and
the state's (/county/state/cases/, `state_workspace_view`: the cases no county handles,
worked by state staff as a county's administrators work theirs). Each view below is written
once for a `Workspace` and mounted twice (`_both`); the state's names start with `state_`."""

import datetime
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import rules
from cases import services as case_services
from cases.models import Case, CaseStage, ComplaintSubjectKind, Disclosure
from cases.selectors import (
    case_complaint,
    case_decisions,
    case_document_get,
    case_documents,
    case_get,
    case_response_requests,
    case_timeline,
    cases_for,
    decision_get,
)
from counties.models import ProgramPolicy
from documents.uploads import EXTENSION_OF_TYPE
from workspace.access import (
    View,
    Workspace,
    state_workspace_view,
    workspace_view,
)
from workspace.case_forms import (
    CaseAdvanceForm,
    CaseDecideForm,
    CaseEvidenceForm,
    CaseExtendForm,
    CaseLiftSuspensionForm,
    CaseNoteForm,
    CaseOpenForm,
    CaseResponseRequestForm,
    case_assign_form,
)
from workspace.views.common import paginate, querystring_without_page, run_action


def _flags(case: Case, today) -> dict[str, str]:
    return {
        "acknowledgement": rules.due_flag(
            case.acknowledgement_due, today=today, done=case.acknowledged_at is not None
        ),
        "resolution": rules.due_flag(case.resolution_due, today=today, done=case.is_closed),
    }


def _case_url(workspace: Workspace, case: Case) -> str:
    return workspace.url("case", case.pk)


def _both(view: View, *, admin_only: bool = False) -> tuple[View, View]:
    """`view` mounted in a county's workspace (with `admin_only`: reviewers get 403) and in
    the state's (state staff only; everyone else 404)."""
    return workspace_view(admin_only=admin_only)(view), state_workspace_view()(view)


@require_safe
def _case_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    rows = cases_for(request.user).filter(county=workspace.county)
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.exclude(stage=CaseStage.CLOSED)
    elif show in CaseStage.values:
        rows = rows.filter(stage=show)
    else:
        show = "all"
    page_obj = paginate(request, rows.order_by("resolution_due", "pk"))
    today = timezone.localdate()
    for case in page_obj.object_list:
        case.flags = _flags(case, today)  # type: ignore[attr-defined]
    return render(
        request,
        "workspace/cases.html",
        {
            "workspace": workspace,
            "nav": "cases",
            "page_obj": page_obj,
            "querystring": querystring_without_page(request),
            "show": show,
            "stages": CaseStage.choices,
        },
    )


def _case_open(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """A complaint received by phone or letter: the case and its complaint, with the
    complainant's details when given (`cases.services.complaint_file`)."""

    def perform(data: dict[str, Any]) -> Case:
        return case_services.complaint_file(
            actor=request.user,  # type: ignore[arg-type]
            county=workspace.county,
            subject_kind=data["subject_kind"] or ComplaintSubjectKind.PEER,
            subject_number=data["certification_number"],
            subject_name=data["subject_name"],
            category=data["category"],
            summary=data["summary"],
            received_on=data["received_on"],
            incident_on=data["incident_on"],
            complainant_name=data["complainant_name"],
            complainant_email=data["complainant_email"],
            complainant_phone=data["complainant_phone"],
            language=request.LANGUAGE_CODE,
        ).case

    return run_action(
        request,
        workspace,
        form_class=CaseOpenForm,
        perform=perform,
        success_message=_("Case opened. Its deadlines are on the case list."),
        done_url=workspace.url("cases"),
        template="workspace/case_open.html",
        context={"nav": "cases"},
    )


@require_safe
def _case_detail(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    case = case_get(request.user, pk, county=workspace.county)
    next_stages = [
        (s, CaseStage(s).label) for s in CaseStage.values if rules.can_move(case.stage, s)
    ]
    return render(
        request,
        "workspace/case_detail.html",
        {
            "workspace": workspace,
            "nav": "cases",
            "case": case,
            "flags": _flags(case, timezone.localdate()),
            "timeline": case_timeline(request.user, case),
            "next_stages": next_stages,
            "advance_form": CaseAdvanceForm(),
            "assign_form": case_assign_form(workspace.county)(
                initial={"investigator": case.investigator_id}
            ),
            "extend_form": CaseExtendForm(),
            "decisions": case_decisions(request.user, case),
            "can_decide": case_services.decision_open_to(case),
            "complaint": case_complaint(request.user, case),
            "documents": case_documents(request.user, case),
            "response_requests": case_response_requests(request.user, case),
            "note_form": CaseNoteForm(),
            "evidence_form": CaseEvidenceForm(),
            "response_form": CaseResponseRequestForm(
                initial={
                    "due_on": timezone.localdate()
                    + datetime.timedelta(days=ProgramPolicy.current().case_response_days)
                }
            ),
        },
    )


def _action(request, workspace, pk, *, form_class, perform, message, title, initial=None, **extra):
    case = case_get(request.user, pk, county=workspace.county)
    return run_action(
        request,
        workspace,
        form_class=form_class,
        perform=lambda data: perform(case, data),
        success_message=message,
        done_url=_case_url(workspace, case),
        context={
            "nav": "cases",
            "title": title,
            "case": case,
            "subject": _("Case %(pk)s") % {"pk": case.pk},
            "submit_label": title,
            **extra,
        },
        initial=initial(case) if initial else None,
    )


def _case_advance(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    return _action(
        request,
        workspace,
        pk,
        form_class=CaseAdvanceForm,
        perform=lambda case, data: case_services.case_advance(
            actor=request.user, case=case, to=data["to"], note=data["note"]
        ),
        message=_("Stage changed."),
        title=_("Move the case to another stage"),
    )


def _case_assign(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    return _action(
        request,
        workspace,
        pk,
        form_class=case_assign_form(workspace.county),
        perform=lambda case, data: case_services.case_assign(
            actor=request.user, case=case, investigator=data["investigator"]
        ),
        message=_("Investigator assigned."),
        title=_("Assign the investigator"),
    )


def _case_extend(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    return _action(
        request,
        workspace,
        pk,
        form_class=CaseExtendForm,
        perform=lambda case, data: case_services.case_extend(
            actor=request.user, case=case, reason=data["reason"]
        ),
        message=_("Resolution deadline extended by 30 days."),
        title=_("Extend the resolution deadline"),
    )


def _case_decide(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    return _action(
        request,
        workspace,
        pk,
        form_class=CaseDecideForm,
        initial=lambda case: {
            "expected_decisions": case.decisions.filter(rescinded_at__isnull=True).count(),
            "disclosure": Disclosure.ACTION,
        },
        perform=lambda case, data: case_services.case_decide(
            actor=request.user,
            case=case,
            outcome=data["outcome"],
            findings=data["findings"],
            expected_decisions=data["expected_decisions"],
            disclosure=data["disclosure"],
            public_summary=data["public_summary"],
            required_hours=data["required_hours"],
            required_law_and_ethics_hours=data["required_law_and_ethics_hours"],
            due_on=data["due_on"],
            suspended_until=data["suspended_until"],
            suspension_conditions=data["suspension_conditions"],
        ),
        message=_("Decision recorded. The peer is emailed the decision and how to appeal."),
        title=_("Record the decision"),
        intro=_(
            "On a case no county handles, state staff dismiss, warn or require corrective "
            "action; a suspension or revocation is for the county that certified the peer."
        )
        if workspace.is_state
        else _(
            "A suspension or revocation changes the certification and the public registry at "
            "once. Read the findings again before you submit."
        ),
        confirm=_("Record this decision? It takes effect at once and the peer is emailed."),
        danger=True,
    )


def _case_decision_lift(
    request: HttpRequest, workspace: Workspace, pk: int, decision_pk: int
) -> HttpResponse:
    case = case_get(request.user, pk, county=workspace.county)
    decision = decision_get(request.user, decision_pk, case=case)
    return _action(
        request,
        workspace,
        pk,
        form_class=CaseLiftSuspensionForm,
        perform=lambda case, data: case_services.case_decision_lift_suspension(
            actor=request.user, decision=decision, note=data["note"]
        ),
        message=_("Suspension lifted. The certification is active again in the registry."),
        title=_("Lift the suspension: its conditions are met"),
        confirm=_("Lift the suspension now?"),
    )


def _case_note(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    return _action(
        request,
        workspace,
        pk,
        form_class=CaseNoteForm,
        perform=lambda case, data: case_services.case_note_add(
            actor=request.user, case=case, text=data["text"]
        ),
        message=_("Note added to the timeline."),
        title=_("Add an internal note"),
    )


def _case_evidence(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    return _action(
        request,
        workspace,
        pk,
        form_class=CaseEvidenceForm,
        perform=lambda case, data: case_services.case_evidence_add(
            actor=request.user,
            case=case,
            uploaded_file=data["file"],
            description=data["description"],
        ),
        message=_("Evidence added."),
        title=_("Add an evidence document"),
    )


def _case_response_request(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    return _action(
        request,
        workspace,
        pk,
        form_class=CaseResponseRequestForm,
        perform=lambda case, data: case_services.response_request(
            actor=request.user, case=case, message=data["message"], due_on=data["due_on"]
        ),
        message=_("The peer was emailed the request."),
        title=_("Ask the peer for their response"),
    )


@require_safe
def _case_document(
    request: HttpRequest, workspace: Workspace, pk: int, document_pk: int
) -> HttpResponse:
    """A file of the case, as the content type checked at upload, `nosniff`, never cached;
    each opening audited."""
    case = case_get(request.user, pk, county=workspace.county)
    document = case_document_get(request.user, case, document_pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404("The file is missing from storage.") from exc
    case_services.case_document_view_record(
        viewer=request.user,  # type: ignore[arg-type]
        document=document,
        county=workspace.county,
    )
    response = FileResponse(
        handle,
        content_type=document.content_type,
        filename=f"case-{case.pk}-{document.pk}{EXTENSION_OF_TYPE[document.content_type]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


case_list, state_case_list = _both(_case_list)
case_open, state_case_open = _both(_case_open)
case_detail, state_case_detail = _both(_case_detail)
case_advance, state_case_advance = _both(_case_advance)
case_assign, state_case_assign = _both(_case_assign, admin_only=True)
case_extend, state_case_extend = _both(_case_extend, admin_only=True)
case_decide, state_case_decide = _both(_case_decide, admin_only=True)
case_decision_lift = workspace_view()(_case_decision_lift)  # State staff never suspend.
case_note, state_case_note = _both(_case_note)
case_evidence, state_case_evidence = _both(_case_evidence)
case_document, state_case_document = _both(_case_document)
case_response_request, state_case_response_request = _both(_case_response_request, admin_only=True)

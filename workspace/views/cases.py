"""Cases in the county workspace: the county's cases with their deadlines (flags for due
soon and overdue), a case with its timeline and actions, and opening a case from a phone
call or letter. Rows come from `cases.selectors` (the access layer), actions from
`cases.services`."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import rules
from cases import services as case_services
from cases.models import Case, CaseSource, CaseStage
from cases.selectors import case_get, case_timeline, cases_for
from certification.models import Certification
from core.errors import DomainError
from workspace.access import CountyWorkspace, workspace_view
from workspace.case_forms import CaseAdvanceForm, CaseExtendForm, CaseOpenForm, case_assign_form
from workspace.views.common import paginate, querystring_without_page, run_action


def _flags(case: Case, today) -> dict[str, str]:
    return {
        "acknowledgement": rules.due_flag(
            case.acknowledgement_due, today=today, done=case.acknowledged_at is not None
        ),
        "resolution": rules.due_flag(case.resolution_due, today=today, done=case.is_closed),
    }


def _case_url(workspace: CountyWorkspace, case: Case) -> str:
    return reverse("workspace:case", args=[workspace.county.code, case.pk])


@workspace_view()
@require_safe
def case_list(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
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


@workspace_view()
def case_open(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    def perform(data: dict[str, Any]) -> Case:
        number = data["certification_number"].strip().upper()
        certification = None
        if number:
            certification = Certification.objects.filter(
                issuing_county=workspace.county, number=number
            ).first()
            if certification is None:
                raise DomainError(
                    _("No certification issued by this county has that number."),
                    field="certification_number",
                )
        return case_services.case_open(
            actor=request.user,  # type: ignore[arg-type]
            county=workspace.county,
            source=CaseSource.PHONE_LETTER,
            category=data["category"],
            summary=data["summary"],
            received_on=data["received_on"],
            certification=certification,
            subject_name=data["subject_name"],
        )

    return run_action(
        request,
        workspace,
        form_class=CaseOpenForm,
        perform=perform,
        success_message=_("Case opened. Its deadlines are on the case list."),
        done_url=reverse("workspace:cases", args=[workspace.county.code]),
        template="workspace/case_open.html",
        context={"nav": "cases"},
    )


@workspace_view()
@require_safe
def case_detail(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
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
        },
    )


def _action(request, workspace, pk, *, form_class, perform, message, title):
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
        },
    )


@workspace_view()
def case_advance(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
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


@workspace_view(admin_only=True)
def case_assign(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
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


@workspace_view(admin_only=True)
def case_extend(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
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

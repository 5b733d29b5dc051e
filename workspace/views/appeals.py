"""Appeals in the county workspace (docs/domain.md#appeals): the appeals of decisions the
county took, each with the decision, the statement and documents, and its decision by an
administrator who did not take the decision appealed, or by state staff (who may act here).
Rows come from `cases.selectors`, the decision from `cases.services.appeal_decide`."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import rules
from cases import services as case_services
from cases.models import Appeal, AppealStatus
from cases.selectors import appeal_documents, appeal_get, appeals_for
from workspace.access import CountyWorkspace, workspace_view
from workspace.appeal_forms import AppealDecideForm
from workspace.views.common import paginate, querystring_without_page, run_action


def _appeal(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> Appeal:
    appeal = appeal_get(request.user, pk)
    if appeal.county_id != workspace.county.pk:
        raise Http404("No such appeal.")
    return appeal


def _may_decide(request: HttpRequest, workspace: CountyWorkspace, appeal: Appeal) -> bool:
    user = request.user
    return (
        appeal.is_open
        and (workspace.is_admin or workspace.read_only)
        and not rules.appeal_decider_problems(
            actor_id=user.pk,
            appellant_id=appeal.appellant_id,
            decision_by_id=appeal.decision_by_id,
        )
    )


@workspace_view()
@require_safe
def appeal_list(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    rows = appeals_for(request.user).filter(county=workspace.county)
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.filter(status=AppealStatus.FILED)
    else:
        show = "all"
    return render(
        request,
        "workspace/appeals.html",
        {
            "workspace": workspace,
            "nav": "appeals",
            "page_obj": paginate(request, rows.order_by("filed_at", "pk")),
            "querystring": querystring_without_page(request),
            "show": show,
        },
    )


@workspace_view()
@require_safe
def appeal_detail(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    appeal = _appeal(request, workspace, pk)
    return render(
        request,
        "workspace/appeal_detail.html",
        {
            "workspace": workspace,
            "nav": "appeals",
            "appeal": appeal,
            "documents": appeal_documents(request.user, appeal),
            "may_decide": _may_decide(request, workspace, appeal),
            "took_decision": appeal.decision_by_id == request.user.pk,
        },
    )


@workspace_view(admin_only=True, state_may_act=True)
def appeal_decide(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    appeal = _appeal(request, workspace, pk)
    done_url = reverse("workspace:appeal", args=[workspace.county.code, appeal.pk])

    def perform(data: dict[str, Any]) -> Appeal:
        return case_services.appeal_decide(
            actor=request.user,  # type: ignore[arg-type]
            appeal=appeal,
            outcome=data["outcome"],
            reason=data["reason"],
        )

    title = _("Decide appeal #%(pk)s") % {"pk": appeal.pk}
    return run_action(
        request,
        workspace,
        form_class=AppealDecideForm,
        perform=perform,
        success_message=_("Appeal decided. The appellant is emailed the outcome and reasons."),
        done_url=done_url,
        template="workspace/appeal_decide.html",
        context={
            "nav": "appeals",
            "title": title,
            "appeal": appeal,
            "submit_label": _("Decide the appeal"),
        },
    )

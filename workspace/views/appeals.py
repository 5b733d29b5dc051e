"""Appeals in the county workspace (docs/domain.md#appeals): the appeals of decisions the
county took, each with the decision, the statement and documents, and its decision by an
administrator who did not take the decision appealed, or by state staff (who may act here).
Rows come from `cases.selectors`, the decision from `cases.services.appeal_decide`.

The same pages serve the state's workspace (/county/state/appeals/): the appeals of
decisions taken on cases no county handles, decided by state staff other than the one who
took the decision (who, like the appellant, gets 403 there)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import rules
from cases import services as case_services
from cases.models import Appeal, AppealStatus
from cases.selectors import appeal_documents, appeal_get, appeals_for
from documents.services import document_view_record
from documents.uploads import EXTENSION_OF_TYPE
from workspace.access import Workspace, state_workspace_view, workspace_view
from workspace.appeal_forms import AppealDecideForm
from workspace.views.common import paginate, querystring_without_page, run_action


def _appeal(request: HttpRequest, workspace: Workspace, pk: int) -> Appeal:
    appeal = appeal_get(request.user, pk)
    county_id = workspace.county.pk if workspace.county is not None else None
    if appeal.county_id != county_id:
        raise Http404("No such appeal.")
    return appeal


def _decider_problems(request: HttpRequest, appeal: Appeal) -> list[str]:
    return rules.appeal_decider_problems(
        actor_id=request.user.pk,
        appellant_id=appeal.appellant_id,
        decision_by_id=appeal.decision_by_id,
    )


def _may_decide(request: HttpRequest, workspace: Workspace, appeal: Appeal) -> bool:
    return (
        appeal.is_open
        and (workspace.is_admin or workspace.read_only)
        and not _decider_problems(request, appeal)
    )


@require_safe
def _appeal_list(request: HttpRequest, workspace: Workspace) -> HttpResponse:
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


@require_safe
def _appeal_detail(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
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


def _appeal_decide(request: HttpRequest, workspace: Workspace, pk: int) -> HttpResponse:
    appeal = _appeal(request, workspace, pk)
    done_url = workspace.url("appeal", appeal.pk)
    if workspace.is_state and appeal.is_open and _decider_problems(request, appeal):
        # The state staff member who took the decision (or the appellant): not theirs.
        raise PermissionDenied

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


@require_safe
def _appeal_document(
    request: HttpRequest, workspace: Workspace, pk: int, document_pk: int
) -> HttpResponse:
    """A document filed with an appeal of the state's workspace (a county's are served by
    `workspace:document`), as the content type checked at upload, `nosniff`, never cached;
    each opening audited."""
    appeal = _appeal(request, workspace, pk)
    item = appeal_documents(request.user, appeal).filter(document_id=document_pk).first()
    if item is None:
        raise Http404("No such document.")
    document = item.document
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404("The file is missing from storage.") from exc
    document_view_record(viewer=request.user, document=document, via="workspace", county=None)
    extension = EXTENSION_OF_TYPE.get(document.content_type, "")
    response = FileResponse(
        handle,
        content_type=document.content_type,
        filename=f"appeal-{appeal.pk}-{document.pk}{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


appeal_list = workspace_view()(_appeal_list)
appeal_detail = workspace_view()(_appeal_detail)
appeal_decide = workspace_view(admin_only=True, state_may_act=True)(_appeal_decide)
state_appeal_list = state_workspace_view()(_appeal_list)
state_appeal_detail = state_workspace_view()(_appeal_detail)
state_appeal_decide = state_workspace_view()(_appeal_decide)
state_appeal_document = state_workspace_view()(_appeal_document)

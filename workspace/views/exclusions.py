"""Exclusion screening in the county workspace: the county's possible matches against the
federal and Medi-Cal exclusion lists, and the decision on each (confirmed or not the same
person). Nothing happens to a certification from here."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from employers.models import MatchStatus
from employers.selectors import exclusion_match_get, exclusion_matches_for
from employers.services.exclusions import exclusion_match_decide
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import ExclusionDecisionForm
from workspace.views.common import paginate, run_action


@workspace_view()
@require_safe
def exclusion_queue(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    rows = exclusion_matches_for(request.user).filter(county=workspace.county)
    status = request.GET.get("status", MatchStatus.PENDING)
    if status not in MatchStatus.values:
        status = MatchStatus.PENDING
    return render(
        request,
        "workspace/exclusions.html",
        {
            "workspace": workspace,
            "nav": "exclusions",
            "status": status,
            "statuses": MatchStatus.choices,
            "page_obj": paginate(request, rows.filter(status=status)),
        },
    )


@workspace_view()
def exclusion_decide(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    match = exclusion_match_get(request.user, pk, county=workspace.county)
    return run_action(
        request,
        workspace,
        form_class=ExclusionDecisionForm,
        perform=lambda data: exclusion_match_decide(
            actor=request.user,
            match=match,
            confirmed=data["decision"] == "confirmed",
            note=data["note"],
        ),
        success_message=_("Decision recorded."),
        done_url=reverse("workspace:exclusions", args=[workspace.county.code]),
        template="workspace/exclusion_detail.html",
        context={"nav": "exclusions", "match": match},
    )

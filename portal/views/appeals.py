"""Appeals from the portal (docs/domain.md#appeals): the decisions about the person they may
appeal, with the last day to do it; filing an appeal with a statement and documents
(`cases.services.appeal_file`); following each appeal to its decision. Only ever the
person's own: another person's decision or appeal is a 404."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import services
from cases.selectors import (
    appeal_documents,
    appeal_get,
    appealable_decision,
    appealable_decisions,
    appeals_for,
)
from core.errors import DomainError
from portal.forms import AppealForm
from portal.stash import portal_login_required


@portal_login_required()
@require_GET
def appeals(request: HttpRequest) -> HttpResponse:
    """The decisions the person may appeal and the appeals they filed."""
    decisions = [d for d in appealable_decisions(request.user) if d.appeal is None]
    return render(
        request,
        "portal/appeals.html",
        {
            "decisions": decisions,
            "appeals": appeals_for(request.user).filter(appellant=request.user),
        },
    )


@portal_login_required()
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    """Appeal one decision (`?decision=<ref>`): its summary, the last day, the form."""
    ref = request.GET.get("decision", "")
    decision = appealable_decision(request.user, ref)
    if decision.appeal is not None:
        return redirect("portal:appeal", pk=decision.appeal.pk)
    form = AppealForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and decision.in_time and form.is_valid():
        try:
            appeal = services.appeal_file(
                actor=request.user,  # type: ignore[arg-type]
                decision_ref=decision.ref,
                statement=form.cleaned_data["statement"],
                files=form.cleaned_data["documents"],
            )
        except DomainError as refused:
            form.add_domain_error(refused)
        else:
            messages.success(
                request,
                _(
                    "Your appeal was filed. We emailed you a confirmation; we will email you "
                    "the decision."
                ),
            )
            return redirect("portal:appeal", pk=appeal.pk)
    return render(request, "portal/appeal_new.html", {"decision": decision, "form": form})


@portal_login_required()
@require_GET
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the person's appeals: what was appealed, the statement, the documents, where it
    stands and, once decided, the outcome and its reasons."""
    appeal = appeal_get(request.user, pk)
    if appeal.appellant_id != request.user.pk:
        # Staff who may read it in their workspace do not see it as the person does.
        raise Http404("No such appeal.")
    return render(
        request,
        "portal/appeal.html",
        {
            "appeal": appeal,
            "documents": appeal_documents(request.user, appeal),
        },
    )

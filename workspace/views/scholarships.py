"""Scholarships in the county workspace: the open pools with what is left, the county's
nominations, nominating a person (county staff), and the pool administration (state staff:
create a pool, accept or refuse a nomination; docs/domain.md#scholarships)."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.errors import DomainError
from fees import services as fee_services
from fees.models import NominationStatus
from fees.rules import dollars
from fees.selectors import (
    open_scholarship_pools,
    pool_left,
    scholarship_nomination_get,
    scholarship_nominations_for,
    scholarship_pools,
)
from workspace.access import CountyWorkspace, workspace_view
from workspace.fee_forms import (
    ScholarshipDecisionForm,
    ScholarshipNominationForm,
    ScholarshipPoolForm,
)
from workspace.views.common import paginate, querystring_without_page, run_action


def _list_url(workspace: CountyWorkspace) -> str:
    return reverse("workspace:scholarships", args=[workspace.county.code])


@workspace_view()
@require_safe
def scholarship_list(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    today = timezone.localdate()
    pools = list(scholarship_pools()[:50])
    nominations = scholarship_nominations_for(request.user).filter(county=workspace.county)
    return render(
        request,
        "workspace/scholarships.html",
        {
            "workspace": workspace,
            "nav": "scholarships",
            "pools": [
                (pool, pool_left(pool), pool.opens_on <= today <= pool.closes_on) for pool in pools
            ],
            "page_obj": paginate(request, nominations),
            "querystring": querystring_without_page(request),
            "waiting": NominationStatus.NOMINATED,
        },
    )


class _NominationForm(ScholarshipNominationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, pools=open_scholarship_pools(timezone.localdate()), **kwargs)


@workspace_view()
def scholarship_nominate(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    def perform(data):
        person = get_user_model().objects.filter(email__iexact=data["email"]).first()
        if person is None:
            raise DomainError(_("Nobody has an account with this email."), field="email")
        return fee_services.scholarship_nominate(
            actor=request.user,
            pool=data["pool"],
            county=workspace.county,
            person=person,
            reason=data["reason"],
            amount_cents=data["amount"],
        )

    return run_action(
        request,
        workspace,
        form_class=_NominationForm,
        perform=perform,
        # From a fee's page ("Nominate for a scholarship"): the person is known.
        initial={"email": request.GET.get("email", "")[:254]},
        success_message=_("Nomination sent to the pool's administrators (state staff)."),
        done_url=_list_url(workspace),
        context={
            "nav": "scholarships",
            "title": _("Nominate a person for a scholarship"),
            "intro": _(
                "State staff administer the pools and accept or refuse each nomination. A "
                "scholarship is used within 12 months of its grant and is not available to the "
                "out-of-state pathway."
            ),
            "submit_label": _("Nominate"),
        },
    )


@workspace_view(state_only=True)
def scholarship_decide(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    nomination = scholarship_nomination_get(request.user, pk, county=workspace.county)
    return run_action(
        request,
        workspace,
        form_class=ScholarshipDecisionForm,
        perform=lambda data: fee_services.scholarship_decide(
            actor=request.user,
            nomination=nomination,
            accept=data["decision"] == "accept",
            note=data["note"],
        ),
        success_message=_("Decision recorded. The person was emailed."),
        done_url=_list_url(workspace),
        template="workspace/scholarship_decide.html",
        context={
            "nav": "scholarships",
            "nomination": nomination,
            "amount": dollars(nomination.amount_cents) if nomination.amount_cents else "",
        },
    )


@workspace_view(state_only=True)
def scholarship_pool_new(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    return run_action(
        request,
        workspace,
        form_class=ScholarshipPoolForm,
        perform=lambda data: fee_services.scholarship_pool_create(
            actor=request.user,
            name=data["name"],
            source=data["source"],
            covers=data["covers"],
            places=data["places"],
            amount_cents=data["amount"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
        ),
        success_message=_("Scholarship pool created. Every county can now nominate people."),
        done_url=_list_url(workspace),
        template="workspace/scholarship_form.html",
        context={
            "nav": "scholarships",
            "title": _("New scholarship pool"),
            "intro": _(
                "A pool has either a number of places or an amount, and a window during which "
                "counties nominate people and you accept or refuse them."
            ),
            "submit_label": _("Create the pool"),
        },
    )

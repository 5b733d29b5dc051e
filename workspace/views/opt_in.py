"""The county's opt-in status per delivery system, its history, and changing it (county
administrators only; state staff may look)."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import DeliverySystem
from counties.selectors import county_opt_in_current, county_opt_in_history
from counties.services import county_opt_in_change
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import OptInChangeForm
from workspace.views.common import run_action


@workspace_view(admin_only=True)
def opt_in(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    county = workspace.county
    labels = dict(DeliverySystem.choices)
    current = [(labels[code], period) for code, period in county_opt_in_current(county).items()]
    history = [(labels[p.delivery_system], p) for p in county_opt_in_history(county)]
    return run_action(
        request,
        workspace,
        form_class=OptInChangeForm,
        initial={"effective_from": timezone.localdate()},
        perform=lambda data: county_opt_in_change(
            actor=request.user,
            county=county,
            delivery_system=data["delivery_system"],
            opted_in=data["opted_in"],
            effective_from=data["effective_from"],
            reason=data["reason"],
        ),
        success_message=_("Opt-in status changed. The previous period is kept in the history."),
        done_url=reverse("workspace:opt_in", args=[county.code]),
        template="workspace/opt_in.html",
        context={"nav": "opt_in", "current": current, "history": history},
    )

"""CE audits: draw a random sample of peers, follow the open audits, record outcomes."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ce_audits import services as ce_audit_services
from ce_audits.models import CeAudit, CeAuditOutcome
from ce_audits.selectors import ce_audit_get, ce_audits_for
from continuing_ed.rules import ce_totals
from continuing_ed.selectors import ce_credits_for
from counties.models import ProgramPolicy
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import CeAuditDrawForm, CeAuditOutcomeForm
from workspace.views.common import paginate, querystring_without_page, run_action


def _audits_url(workspace: CountyWorkspace) -> str:
    return reverse("workspace:ce_audits", args=[workspace.county.code])


@workspace_view()
@require_safe
def ce_audit_list(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    audits = (
        ce_audits_for(request.user)
        .filter(county=workspace.county)
        .order_by("outcome", "-drawn_at", "-pk")
    )
    show = request.GET.get("show")
    if show in CeAuditOutcome.values:
        audits = audits.filter(outcome=show)
    policy_row = ProgramPolicy.current()
    return render(
        request,
        "workspace/ce_audits.html",
        {
            "workspace": workspace,
            "nav": "ce_audits",
            "page_obj": paginate(request, audits),
            "querystring": querystring_without_page(request),
            "outcomes": CeAuditOutcome.choices,
            "show": show,
            "draw_form": CeAuditDrawForm(initial={"percent": policy_row.ce_audit_sample_percent}),
            "pool_size": ce_audit_services.ce_audit_pool(
                workspace.county, today=timezone.localdate()
            ).count(),
        },
    )


@workspace_view(admin_only=True)
def ce_audit_draw(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    """Drawing a sample is the administrators' decision; reviewers record outcomes."""
    return run_action(
        request,
        workspace,
        form_class=CeAuditDrawForm,
        initial={"percent": ProgramPolicy.current().ce_audit_sample_percent},
        perform=lambda data: ce_audit_services.ce_audit_draw(
            actor=request.user, county=workspace.county, percent=data["percent"]
        ),
        success_message=_("Sample drawn. Each peer drawn has been asked for proof by email."),
        done_url=_audits_url(workspace),
        context={
            "nav": "ce_audits",
            "title": _("Draw a CE audit sample"),
            "intro": _(
                "Peers are drawn at random among active certifications whose renewal is open or "
                "recent and that have no audit pending. Each one drawn is emailed."
            ),
            "submit_label": _("Draw the sample"),
        },
    )


def _county_audit(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> CeAudit:
    audit = ce_audit_get(request.user, pk)
    if audit.county_id != workspace.county.pk:
        raise Http404("No such CE audit in this county.")
    return audit


@workspace_view()
def ce_audit_detail(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    audit = _county_audit(request, workspace, pk)
    cycle_start, cycle_end = audit.cycle_start, audit.cycle_end
    credits = list(
        ce_credits_for(request.user)
        .filter(certification=audit.certification)
        .select_related("document")
        .order_by("completed_on", "pk")
    )
    return run_action(
        request,
        workspace,
        form_class=CeAuditOutcomeForm,
        perform=lambda data: ce_audit_services.ce_audit_record_outcome(
            actor=request.user, audit=audit, outcome=data["outcome"], note=data["note"]
        ),
        success_message=_("Audit outcome recorded."),
        done_url=reverse("workspace:ce_audit", args=[workspace.county.code, audit.pk]),
        template="workspace/ce_audit_detail.html",
        context={
            "nav": "ce_audits",
            "audit": audit,
            "cycle_start": cycle_start,
            "cycle_end": cycle_end,
            "credits": credits,
            "totals": ce_totals(credits, cycle_start=cycle_start, cycle_end=cycle_end),
        },
    )

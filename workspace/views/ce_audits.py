"""CE audits: draw a random sample of peers, follow the open audits, record outcomes."""

from typing import Any

from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ce_audits import rules as ce_audit_rules
from ce_audits import services as ce_audit_services
from ce_audits.models import CeAudit, CeAuditConsequence, CeAuditOutcome
from ce_audits.selectors import ce_audit_get, ce_audits_for
from continuing_ed.rules import ce_totals
from continuing_ed.selectors import ce_credits_for
from counties.models import ProgramPolicy
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import CeAuditConsequenceForm, CeAuditDrawForm, CeAuditOutcomeForm
from workspace.views.common import paginate, querystring_without_page, run_action


def _audits_url(workspace: CountyWorkspace) -> str:
    return reverse("workspace:ce_audits", args=[workspace.county.code])


@workspace_view()
@require_safe
def ce_audit_list(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    audits = (
        ce_audits_for(request.user)
        .filter(county=workspace.county)
        # Overdue missing hours first (the county's queue), then pending, then the rest.
        .order_by(F("makeup_overdue_at").desc(nulls_last=True), "outcome", "-drawn_at", "-pk")
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


def _consequence(request: HttpRequest, audit: CeAudit, data: dict[str, Any]) -> CeAudit:
    if data["consequence"] == CeAuditConsequence.SUSPENSION:
        return ce_audit_services.ce_audit_suspend(
            actor=request.user, audit=audit, reason=data["reason"]
        )
    return ce_audit_services.ce_audit_require_hours(
        actor=request.user,
        audit=audit,
        total_hours=data["total_hours"] if data["total_hours"] is not None else "",
        law_and_ethics_hours=data["law_and_ethics_hours"] or 0,
        due_on=data["due_on"],
    )


@workspace_view()
def ce_audit_consequence(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    """After a failed audit: require the missing hours by a deadline (followed by the daily
    scan) or suspend the certification. The form starts with the hours the audited cycle
    lacks and the program's default deadline."""
    audit = _county_audit(request, workspace, pk)
    credits = list(ce_credits_for(request.user).filter(certification=audit.certification))
    total, law = ce_audit_rules.makeup_shortfall(
        credits, cycle_start=audit.cycle_start, cycle_end=audit.cycle_end
    )
    today = timezone.localdate()
    return run_action(
        request,
        workspace,
        form_class=CeAuditConsequenceForm,
        initial={
            "consequence": CeAuditConsequence.MAKEUP,
            "total_hours": total,
            "law_and_ethics_hours": law,
            "due_on": ce_audit_rules.makeup_due_on(
                today, days=ProgramPolicy.current().ce_audit_makeup_days
            ),
        },
        perform=lambda data: _consequence(request, audit, data),
        success_message=_("Consequence recorded. The peer has been told by email."),
        done_url=reverse("workspace:ce_audit", args=[workspace.county.code, audit.pk]),
        context={
            "nav": "ce_audits",
            "title": _("Decide what follows the failed audit"),
            "subject": _("Certification %(number)s, %(name)s")
            % {
                "number": audit.certification.number,
                "name": f"{audit.certification.first_name} {audit.certification.last_name}",
            },
            "intro": _(
                "Require the missing hours by a deadline (the daily scan tells you and the peer "
                "if they are not verified by then) or suspend the certification with a reason "
                "the peer reads."
            ),
            "submit_label": _("Record the consequence"),
        },
    )

"""One certification as its issuing county sees it, and the discipline actions on it."""

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.selectors import audit_events_for
from certification import rules, services
from certification.models import Certification, CertificationStatus, Renewal
from certification.selectors import (
    certification_get,
    ethics_version_current,
    reinstatement_exam_attempts_for,
    training_records_for,
)
from continuing_ed import services as ce_services
from continuing_ed.selectors import ce_credits_for
from core.errors import DomainError
from core.review import ReviewStatus
from counties.models import ProgramPolicy
from exams import services as exam_services
from exams.models import ExamResult
from workspace.access import CountyWorkspace, workspace_view
from workspace.fee_holds import renewal_fee_hold
from workspace.forms import (
    ExamAttemptForm,
    OptionalReasonForm,
    ReasonForm,
    ReinstateForm,
    RejectReportedRecordForm,
)
from workspace.timeline import timeline_entries
from workspace.views.common import run_action

C = CertificationStatus
TIMELINE_LENGTH = 200


def county_certification(
    request: HttpRequest, workspace: CountyWorkspace, pk: int
) -> Certification:
    """Certification `pk` issued by this workspace's county, as the visitor may see it, or
    Http404."""
    certification = certification_get(request.user, pk)
    if certification.issuing_county_id != workspace.county.pk:
        raise Http404("No such certification in this county.")
    return certification


def certification_url(workspace: CountyWorkspace, certification: Certification) -> str:
    return reverse("workspace:certification", args=[workspace.county.code, certification.pk])


@workspace_view()
@require_safe
def certification_detail(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    user = request.user
    certification = county_certification(request, workspace, pk)
    today = timezone.localdate()
    events = (
        audit_events_for(user)
        .filter(
            Q(object_type="certification.certification", object_id=certification.pk)
            | Q(subject_id=certification.holder_id, county_id=certification.issuing_county_id)
        )
        .order_by("created_at", "pk")[:TIMELINE_LENGTH]
    )
    ce_credits = list(
        ce_credits_for(user).filter(certification=certification).select_related("document")
    )
    expired = certification.status == C.EXPIRED
    exam_attempts = list(reinstatement_exam_attempts_for(user, certification)) if expired else []
    context = {
        "workspace": workspace,
        "nav": "roster",
        "certification": certification,
        "expiring_soon": rules.is_expiring_soon(
            certification.status, certification.expires_on, on=today
        ),
        "ce_credits": ce_credits,
        "renewals": certification.renewals.all(),
        "timeline": timeline_entries(events),
        "can_suspend": certification.status == C.ACTIVE
        or (certification.status == C.EXPIRED and certification.suspended_on is None),
        "can_lift": certification.suspended_on is not None
        and certification.status in (C.SUSPENDED, C.EXPIRED),
        "can_revoke": certification.status in (C.ACTIVE, C.SUSPENDED)
        or (certification.status == C.EXPIRED and certification.suspended_on is not None),
        "can_reinstate": certification.status == C.EXPIRED,
        "reinstatement_problems": (
            _reinstatement_problems(
                certification, ce_credits, exam_attempts, user=user, today=today
            )
            if expired
            else []
        ),
        # The sittings since the expiry date (for this reinstatement or an application), and
        # the form to record one while the certification may still be reinstated and no
        # sitting since has passed (docs/domain.md#late-renewal-and-reinstatement).
        "reinstatement_exams": exam_attempts,
        "reinstatement_exam_form": (
            ExamAttemptForm(auto_id="exam_%s")
            if expired
            and today < rules.vacate_date(certification.expires_on)
            and not any(a.result == ExamResult.PASSED for a in exam_attempts)
            else None
        ),
    }
    # What the next renewal or reinstatement waits for (the program's fee hold), with a link
    # to record each payment.
    context["renewal_fee_hold"], context["held_fees"] = renewal_fee_hold(certification, workspace)
    return render(request, "workspace/certification_detail.html", context)


def _reinstatement_problems(
    certification: Certification, ce_credits, exam_attempts, *, user, today
) -> list[str]:
    """The reasons the service would give for refusing a reinstatement today
    (docs/domain.md#late-renewal-and-reinstatement): the same rule, with the holder's training
    and exam sittings since the expiry date as this staff member may read them."""
    return rules.reinstatement_problems(
        certification,
        ce_credits,
        on=today,
        training_records=list(
            training_records_for(user)
            .filter(person_id=certification.holder_id)
            .select_related("provider")
        ),
        exam_attempts=exam_attempts,
        limit_months=ProgramPolicy.current().late_renewal_limit_months,
    )


def _discipline(
    request: HttpRequest,
    workspace: CountyWorkspace,
    pk: int,
    *,
    form_class,
    perform,
    title: str,
    intro: str,
    submit: str,
    success: str,
    danger: bool = False,
) -> HttpResponse:
    certification = county_certification(request, workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=form_class,
        perform=lambda data: perform(certification, data),
        success_message=success,
        done_url=certification_url(workspace, certification),
        context={
            "nav": "roster",
            "title": title,
            "subject": _("Certification %(number)s, %(name)s")
            % {
                "number": certification.number,
                "name": f"{certification.first_name} {certification.last_name}",
            },
            "intro": intro,
            "submit_label": submit,
            "danger": danger,
        },
    )


@workspace_view()
def certification_suspend(
    request: HttpRequest, workspace: CountyWorkspace, pk: int
) -> HttpResponse:
    return _discipline(
        request,
        workspace,
        pk,
        form_class=ReasonForm,
        perform=lambda c, data: services.certification_suspend(
            actor=request.user, certification=c, reason=data["reason"]
        ),
        title=_("Suspend the certification"),
        intro=_(
            "The registry shows the suspension at once. The peer is told your reason. An "
            "expired certification stays expired, with the suspension on record until it is "
            "lifted: it cannot be renewed or reinstated before."
        ),
        submit=_("Suspend"),
        success=_("Certification suspended. The peer has been told."),
        danger=True,
    )


@workspace_view()
def certification_lift_suspension(
    request: HttpRequest, workspace: CountyWorkspace, pk: int
) -> HttpResponse:
    return _discipline(
        request,
        workspace,
        pk,
        form_class=OptionalReasonForm,
        perform=lambda c, data: services.certification_lift_suspension(
            actor=request.user, certification=c, reason=data["reason"]
        ),
        title=_("Lift the suspension"),
        intro=_(
            "The certification becomes active again (or stays expired, if its date has passed; "
            "it can then be renewed late or reinstated)."
        ),
        submit=_("Lift the suspension"),
        success=_("Suspension lifted. The peer has been told."),
    )


@workspace_view()
def certification_revoke(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    return _discipline(
        request,
        workspace,
        pk,
        form_class=ReasonForm,
        perform=lambda c, data: services.certification_revoke(
            actor=request.user, certification=c, reason=data["reason"]
        ),
        title=_("Revoke the certification"),
        intro=_(
            "Revocation is final: the certification cannot be reinstated. The registry shows it "
            "as revoked at once and the peer is told your reason."
        ),
        submit=_("Revoke"),
        success=_("Certification revoked. The peer has been told."),
        danger=True,
    )


def _reinstate(request: HttpRequest, certification: Certification) -> Renewal:
    ethics = ethics_version_current(timezone.localdate())
    if ethics is None:
        raise DomainError(_("No Code of Ethics is in effect, so none can be affirmed."))
    return services.certification_reinstate(
        actor=request.user, certification=certification, ethics_version=ethics
    )


@workspace_view()
def certification_reinstate(
    request: HttpRequest, workspace: CountyWorkspace, pk: int
) -> HttpResponse:
    return _discipline(
        request,
        workspace,
        pk,
        form_class=ReinstateForm,
        perform=lambda c, data: _reinstate(request, c),
        title=_("Reinstate the certification"),
        intro=_(
            "After the late renewal period and before it is vacated, an expired certification "
            "can be reinstated with the refresher course or a passed exam, the CE hours the "
            "rules require and the current Code of Ethics affirmed."
        ),
        submit=_("Reinstate"),
        success=_("Certification reinstated. The peer has been told."),
    )


@workspace_view(admin_only=True)
def certification_exam_record(
    request: HttpRequest, workspace: CountyWorkspace, pk: int
) -> HttpResponse:
    """Record an exam sitting of the holder toward the reinstatement of their expired
    certification (`exams.services.exam_attempt_record_reinstatement`): for the county's
    administrators, who decide the reinstatement."""
    certification = county_certification(request, workspace, pk)
    return _discipline(
        request,
        workspace,
        pk,
        form_class=ExamAttemptForm,
        perform=lambda c, data: exam_services.exam_attempt_record_reinstatement(
            actor=request.user,
            certification=c,
            taken_on=data["taken_on"],
            result=data["result"],
            scaled_score=data["scaled_score"],
        ),
        title=_("Record an exam for the reinstatement"),
        intro=_(
            "A passed exam taken after the expiry date (%(date)s) stands in for the refresher "
            "course. Record one sitting reported by the testing vendor: its exam fee falls due "
            "and the peer is told the result."
        )
        % {"date": certification.expires_on.isoformat()},
        submit=_("Record the exam"),
        success=_("Exam recorded. The peer has been told the result."),
    )


@workspace_view()
def ce_credit_reject_reported(
    request: HttpRequest, workspace: CountyWorkspace, pk: int, credit_pk: int
) -> HttpResponse:
    """Reject a CE credit its provider reported (verified at the source), with a reason the
    holder is emailed; behind a confirmation. Any other credit: 404."""
    certification = county_certification(request, workspace, pk)
    credit = (
        ce_credits_for(request.user)
        .filter(
            certification=certification,
            pk=credit_pk,
            reported_at_source=True,
            status=ReviewStatus.VERIFIED,
        )
        .first()
    )
    if credit is None:
        raise Http404("No such CE credit reported at source on this certification.")
    return run_action(
        request,
        workspace,
        form_class=RejectReportedRecordForm,
        perform=lambda data: ce_services.ce_credit_reject(
            actor=request.user, credit=credit, reason=data["reason"]
        ),
        success_message=_("CE credit rejected. The holder is emailed the reason."),
        done_url=certification_url(workspace, certification),
        context={
            "nav": "roster",
            "title": _("Reject a reported CE credit"),
            "subject": _("%(title)s, %(hours)s h, reported by %(provider)s, verified at the source")
            % {"title": credit.title, "hours": credit.hours, "provider": credit.provider_name},
            "intro": _(
                "The provider reported this completion and it counts as verified. Reject it "
                "only with a reason: it will no longer count, and the holder is emailed the "
                "reason and what to do next."
            ),
            "submit_label": _("Reject the record"),
        },
    )

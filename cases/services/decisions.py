"""Writes of case decisions (docs/domain.md#case-decisions): decide a case, lift a suspension
whose conditions are met, and the daily scan that follows corrective actions and ends
suspensions decided until a date.

Who decides: the administrators of the handling county (`ADMIN_ROLES`; our choice: a
decision that may suspend or revoke is the program's, not a single reviewer's); on a case no
county handles, state staff, who may dismiss, warn or require corrective action but never
change a county's certification (the certification services refuse them). Every change of a
certification goes through `certification.services` (audited, the peer emailed, the registry
changed in the same transaction); the decision, its timeline line and its public notice are
written in that same transaction. The peer is emailed the decision with its findings and how
to appeal.

A decision form carries the number of decisions it saw (`expected_decisions`): a double
click or a stale form changes nothing and says so.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from cases import rules
from cases.models import (
    Case,
    CaseDecision,
    CaseStage,
    DecisionOutcome,
    Disclosure,
    PublicNotice,
)
from cases.services.cases import _event, _locked, _require
from certification.events import TOPIC, certification_event
from certification.models import Certification
from certification.services import (
    certification_lift_suspension,
    certification_revoke,
    certification_suspend,
    certification_suspension_end,
)
from continuing_ed.models import CeCredit
from continuing_ed.rules import ce_compliance_problems
from core.errors import DomainError
from core.units import hours_text
from counties.models import ProgramPolicy
from counties.selectors import ADMIN_ROLES, REVIEW_ROLES, county_memberships
from jobs.events import event_publish
from notifications.services import notify, notify_many

DECISION_EMAIL_KIND = "case_decision"


def appeal_days() -> int:
    """The appeal period in days (`ProgramPolicy.appeal_days`, issue 14 item 5)."""
    return ProgramPolicy.current().appeal_days


def _hours(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter a number of hours, such as 6 or 7.5."), field=field) from None
    if not hours.is_finite() or hours != hours.quantize(Decimal("0.01")):
        raise DomainError(_("Enter hours with at most two decimals."), field=field)
    return hours


def _require_decider(actor: User, case: Case) -> None:
    _require(actor, case.county, ADMIN_ROLES)


def _live_decisions(case: Case):
    return CaseDecision.objects.filter(case=case, rescinded_at__isnull=True)


def decision_open_to(case: Case) -> bool:
    """Whether `case` may take a decision now: in findings, or in decision with no live
    decision except a corrective action whose deadline passed unmet (a further decision)."""
    if case.stage not in rules.DECIDABLE_STAGES:
        return False
    live = list(_live_decisions(case))
    return all(
        d.outcome == DecisionOutcome.CORRECTIVE_ACTION and d.overdue_at is not None for d in live
    )


def _context(decision: CaseDecision, case: Case) -> dict[str, Any]:
    certification = decision.certification
    decided_on = timezone.localdate(decision.decided_at)
    return {
        "case_id": case.pk,
        "outcome": decision.outcome,
        "findings": decision.findings,
        "effective_on": decision.effective_on.isoformat(),
        "county_name": case.county.name if case.county else "",
        "county_code": case.county.code if case.county else "",
        "number": certification.number if certification else "",
        "hours": hours_text(decision.required_hours) if decision.required_hours else "",
        "law_and_ethics_hours": (
            hours_text(decision.required_law_and_ethics_hours)
            if decision.required_law_and_ethics_hours is not None
            else ""
        ),
        "due_on": decision.due_on.isoformat() if decision.due_on else "",
        "suspended_until_on": (
            decision.suspended_until.isoformat() if decision.suspended_until else ""
        ),
        "conditions": decision.suspension_conditions,
        "public": decision.disclosure != Disclosure.NONE,
        "public_summary": (
            decision.public_summary if decision.disclosure == Disclosure.SUMMARY else ""
        ),
        "appeal_by_on": rules.appeal_by(decided_on, days=appeal_days()).isoformat(),
        "appeal_days": appeal_days(),
    }


def _publish_notice(decision: CaseDecision) -> PublicNotice | None:
    """The public notice of `decision` (none when nothing is public), and, for an action the
    certification's status does not already announce (a warning, a corrective action), a
    `certification.public_action` event to watching employers."""
    if decision.disclosure == Disclosure.NONE or decision.certification is None:
        return None
    certification = decision.certification
    notice = PublicNotice.objects.create(
        decision=decision,
        certification=certification,
        county=decision.county,
        action=decision.outcome,
        effective_on=decision.effective_on,
        summary=decision.public_summary if decision.disclosure == Disclosure.SUMMARY else "",
    )
    if decision.outcome in (DecisionOutcome.WARNING, DecisionOutcome.CORRECTIVE_ACTION):
        event_publish(
            TOPIC,
            [
                certification_event(
                    certification_id=certification.pk,
                    number=certification.number,
                    kind="public_action",
                    previous_status=certification.status,
                    status=certification.status,
                    expires_on=certification.expires_on,
                    action=decision.outcome,
                    effective_on=decision.effective_on.isoformat(),
                    summary=notice.summary,
                )
            ],
        )
    return notice


def case_decide(
    *,
    actor: User,
    case: Case,
    outcome: str,
    findings: str,
    expected_decisions: int,
    disclosure: str = Disclosure.ACTION,
    public_summary: str = "",
    required_hours: Any = None,
    required_law_and_ethics_hours: Any = None,
    due_on: datetime.date | None = None,
    suspended_until: datetime.date | None = None,
    suspension_conditions: str = "",
    today: datetime.date | None = None,
) -> CaseDecision:
    """Decide `case` (in findings or decision; see `decision_open_to`), effective today.
    Suspension and revocation go through the certification services; a corrective action is
    then followed by `case_decisions_scan`. The case moves to the decision stage; the peer is
    emailed the outcome, the findings and how to appeal."""
    today = today or timezone.localdate()
    findings = (findings or "").strip()[:20000]
    public_summary = " ".join((public_summary or "").split())
    suspension_conditions = (suspension_conditions or "").strip()[:5000]
    if outcome == DecisionOutcome.DISMISSED:
        disclosure = Disclosure.NONE
    if outcome != DecisionOutcome.CORRECTIVE_ACTION:
        required_hours = required_law_and_ethics_hours = due_on = None
    if outcome != DecisionOutcome.SUSPENSION:
        suspended_until, suspension_conditions = None, ""
    if disclosure != Disclosure.SUMMARY:
        public_summary = ""
    hours = _hours(required_hours, "required_hours")
    law = _hours(required_law_and_ethics_hours, "required_law_and_ethics_hours")
    if outcome == DecisionOutcome.CORRECTIVE_ACTION and law is None:
        law = Decimal("0")
    with transaction.atomic():
        case = _locked(case)
        _require_decider(actor, case)
        if _live_decisions(case).count() != expected_decisions:
            raise DomainError(
                _("This case was decided meanwhile: nothing was changed. Read the decision below."),
                code="conflict",
            )
        if not decision_open_to(case):
            raise DomainError(
                _("A case is decided once its findings are written (the findings stage)."),
                code="conflict",
            )
        problems = rules.decision_problems(
            outcome=outcome,
            findings=findings,
            has_certification=case.certification_id is not None,
            disclosure=disclosure,
            public_summary=public_summary,
            today=today,
            required_hours=hours,
            required_law_and_ethics_hours=law,
            due_on=due_on,
            suspended_until=suspended_until,
            suspension_conditions=suspension_conditions,
        )
        if problems:
            raise DomainError(" ".join(p for _f, p in problems), field=problems[0][0])
        certification = (
            Certification.objects.select_related("issuing_county", "holder").get(
                pk=case.certification_id
            )
            if case.certification_id
            else None
        )
        if outcome in (DecisionOutcome.SUSPENSION, DecisionOutcome.REVOCATION):
            assert certification is not None
            if case.county is None:
                # State staff change no county's certification (counties.selectors.require_staff).
                raise DomainError(
                    _(
                        "On a case no county handles, state staff do not suspend or revoke: the "
                        "certifying county's administrators do."
                    ),
                    field="outcome",
                )
            reason = _("Case %(pk)s: %(findings)s") % {"pk": case.pk, "findings": findings}
            if outcome == DecisionOutcome.SUSPENSION:
                # One email to the peer: the decision's below, with the findings and how to
                # appeal, says all the certification service's would.
                certification = certification_suspend(
                    actor=actor,
                    certification=certification,
                    reason=reason,
                    today=today,
                    holder_email=False,
                )
            else:
                certification = certification_revoke(
                    actor=actor, certification=certification, reason=reason, holder_email=False
                )
        decision = CaseDecision.objects.create(
            case=case,
            county=case.county,
            certification=certification
            if outcome != DecisionOutcome.DISMISSED
            else case.certification,
            outcome=outcome,
            findings=findings,
            effective_on=today,
            required_hours=hours,
            required_law_and_ethics_hours=law,
            due_on=due_on,
            suspended_until=suspended_until,
            suspension_conditions=suspension_conditions,
            disclosure=disclosure,
            public_summary=public_summary,
            decided_by=actor,
        )
        notice = _publish_notice(decision)
        if case.stage != CaseStage.DECISION:
            _event(case, actor, "stage", from_stage=case.stage, to_stage=CaseStage.DECISION)
            before = case.stage
            case.stage = CaseStage.DECISION
            case.save(update_fields=("stage",))
        else:
            before = case.stage
        _event(case, actor, "decided", str(DecisionOutcome(outcome).label))
        audit_record(
            actor=actor,
            verb="case_decide",
            obj=case,
            county=case.county,
            subject=case.subject,
            from_state=before,
            to_state=outcome,
            data={
                "decision_id": decision.pk,
                "disclosure": disclosure,
                "public_notice_id": notice.pk if notice else None,
            },
        )
        if case.subject is not None:
            notify(user=case.subject, kind=DECISION_EMAIL_KIND, context=_context(decision, case))
    return decision


def _locked_decision(decision: CaseDecision) -> CaseDecision:
    return (
        CaseDecision.objects.select_for_update(of=("self",))
        .select_related("case", "certification__issuing_county", "county")
        .get(pk=decision.pk)
    )


def _end_suspension_record(decision: CaseDecision, *, actor: User | None, note: str) -> None:
    now = timezone.now()
    decision.suspension_ended_at = now
    decision.save(update_fields=("suspension_ended_at",))
    PublicNotice.objects.filter(decision=decision).update(ended_on=timezone.localdate(now))
    _event(decision.case, actor, "suspension_ended", note)


def case_decision_lift_suspension(
    *, actor: User, decision: CaseDecision, note: str, today: datetime.date | None = None
) -> CaseDecision:
    """The conditions of a suspension are met: lift it through
    `certification_lift_suspension`, by staff (reviewer or administrator) of the handling
    county, saying how they were met."""
    note = " ".join((note or "").split())[:5000]
    with transaction.atomic():
        decision = _locked_decision(decision)
        _require(actor, decision.county, REVIEW_ROLES)
        if not note:
            raise DomainError(_("Say how the conditions were met."), field="note")
        if (
            decision.outcome != DecisionOutcome.SUSPENSION
            or decision.suspension_ended_at is not None
            or decision.rescinded_at is not None
        ):
            raise DomainError(_("This suspension has already ended."), code="conflict")
        assert decision.certification is not None
        certification_lift_suspension(
            actor=actor, certification=decision.certification, reason=note, today=today
        )
        _end_suspension_record(decision, actor=actor, note=note)
        audit_record(
            actor=actor,
            verb="case_decision_lift_suspension",
            obj=decision.case,
            county=decision.county,
            subject=decision.case.subject,
            from_state=DecisionOutcome.SUSPENSION,
            to_state="ended",
            reason=note,
        )
    return decision


def _staff_notices(decision: CaseDecision, kind: str, context: dict[str, Any]) -> list:
    if decision.county is None:
        return []
    return [
        (member.user_id, kind, context)
        for member in county_memberships(decision.county).filter(role__in=ADMIN_ROLES)
    ]


def case_decisions_scan(*, today: datetime.date) -> dict[str, int]:
    """The daily follow-up of decisions (a system task, idempotent; the pattern of
    `ce_audits.services.ce_audit_makeup_scan`):

    - a corrective action whose hours are now verified (completed from the decision through
      the deadline) is marked met and the peer told; one whose deadline passed without them is
      flagged once, the peer told what happens now and the county's administrators told to
      decide further (the case page then takes a further decision);
    - a suspension decided until a date ends that day, through
      `certification.services.certification_suspension_end`.
    """
    now = timezone.now()
    counts = {"met": 0, "overdue": 0, "suspensions_ended": 0}
    notices: list[tuple[int, str, dict[str, Any]]] = []
    with transaction.atomic():
        open_corrective = list(
            CaseDecision.objects.select_for_update(of=("self",))
            .filter(
                outcome=DecisionOutcome.CORRECTIVE_ACTION,
                met_at=None,
                overdue_at=None,
                rescinded_at=None,
            )
            .select_related("case__subject", "county", "certification")
        )
        credits: dict[int, list[CeCredit]] = {}
        for credit in CeCredit.objects.filter(
            certification_id__in={d.certification_id for d in open_corrective}
        ):
            credits.setdefault(credit.certification_id, []).append(credit)
        for decision in open_corrective:
            assert decision.due_on is not None
            problems = ce_compliance_problems(
                credits.get(decision.certification_id, []),  # type: ignore[arg-type]
                cycle_start=timezone.localdate(decision.decided_at),
                cycle_end=min(today, decision.due_on),
                required_total=decision.required_hours or Decimal("0"),
                required_law_and_ethics=decision.required_law_and_ethics_hours or Decimal("0"),
            )
            context = _context(decision, decision.case)
            if not problems:
                decision.met_at = now
                counts["met"] += 1
                verb, kind, note = "case_corrective_met", "case_corrective_met", _("met")
            elif today > decision.due_on:
                decision.overdue_at = now
                counts["overdue"] += 1
                verb, kind, note = (
                    "case_corrective_late",
                    "case_corrective_overdue",
                    _("deadline missed"),
                )
                notices += _staff_notices(decision, "case_corrective_overdue_staff", context)
            else:
                continue
            if decision.case.subject_id is not None:
                notices.append((decision.case.subject_id, kind, context))
            decision.save(update_fields=("met_at", "overdue_at"))
            _event(decision.case, None, verb.removeprefix("case_"), note)
            audit_record(
                actor=None,
                verb=verb,
                obj=decision.case,
                county=decision.county,
                subject=decision.case.subject,
                from_state=DecisionOutcome.CORRECTIVE_ACTION,
                to_state=DecisionOutcome.CORRECTIVE_ACTION,
                data={"decision_id": decision.pk, "due_on": decision.due_on.isoformat()},
            )
        ending = list(
            CaseDecision.objects.select_for_update(of=("self",))
            .filter(
                outcome=DecisionOutcome.SUSPENSION,
                suspension_ended_at=None,
                rescinded_at=None,
                suspended_until__lte=today,
            )
            .select_related("case", "county", "certification")
        )
        for decision in ending:
            assert decision.certification is not None and decision.suspended_until is not None
            try:
                with transaction.atomic():
                    certification_suspension_end(
                        certification=decision.certification,
                        reason=_("The suspension decided in case %(pk)s ended on %(date)s.")
                        % {"pk": decision.case_id, "date": decision.suspended_until.isoformat()},
                        today=today,
                    )
            except DomainError:
                # Lifted by hand meanwhile, or revoked: nothing left to end on the certification.
                pass
            _end_suspension_record(decision, actor=None, note=_("suspension period over"))
            counts["suspensions_ended"] += 1
        notify_many(notices)
    return counts

"""Writes of appeals (docs/domain.md#appeals): a person files an appeal of a decision about
them (`appeal_file`), and someone other than the person who took the decision decides it
(`appeal_decide`): upheld, overturned or modified.

Who: the appellant files, from the portal, within `ProgramPolicy.appeal_days` of the decision
(a refused renewal or reinstatement stands until it is processed, so it has no period). An
administrator of the program that took the decision, or state staff, decides; never the
person who took the decision, nor the appellant.

Overturning gives back what the decision took, through the certification services
(`certification.services.appeals`): a denied application back to review, a suspended or
revoked certification active again with its original expiry, a refused renewal or
reinstatement processed; an overturned case decision is rescinded and its public notice
withdrawn. Modifying a revocation (or a case decision that revoked) replaces it with a
suspension; other modifications are recorded in writing (the decision stands as modified).
Each step is audited, written to the case's timeline for a case decision, and emailed: the
appellant on filing and on the decision, the deciding program's administrators (or state
staff) on filing.
"""

import datetime
from collections.abc import Sequence
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from cases import rules
from cases.models import (
    Appeal,
    AppealDocument,
    AppealKind,
    AppealStatus,
    CaseDecision,
    CaseEvent,
    DecisionOutcome,
    PublicNotice,
)
from cases.selectors import AppealableDecision, appealable_decisions
from certification.models import Application, Certification, CertificationStatus
from certification.services import (
    application_reopen_on_appeal,
    certification_renew_on_appeal,
    certification_restore_on_appeal,
    require_appeal_decider,
)
from core.errors import DomainError, refuse_problems
from core.rls import rls_context
from counties.models import County, StaffRole
from counties.selectors import county_staff_to_notify
from documents import services as documents_services
from documents.models import DocumentKind
from notifications.services import notify

# At most this many documents with one appeal (our choice: the statement says the rest).
MAX_APPEAL_DOCUMENTS = 5
OUTCOME_STATUS = {
    rules.UPHOLD: AppealStatus.UPHELD,
    rules.OVERTURN: AppealStatus.OVERTURNED,
    rules.MODIFY: AppealStatus.MODIFIED,
}


def _context(appeal: Appeal, **extra: Any) -> dict[str, Any]:
    return {
        "appeal_id": appeal.pk,
        "kind": appeal.kind,
        "kind_label": str(AppealKind(appeal.kind).label),
        "county_name": appeal.county.name if appeal.county is not None else "",
        "decision_on": appeal.decision_on.isoformat(),
        "status": appeal.status,
        **extra,
    }


def _deciders(county: County | None) -> list[User]:
    """Who is told of a new appeal: the program's administrators; state staff for a state
    decision (read acting as the system: the appellant may not list them)."""
    with rls_context(system=True, savepoint=False):
        if county is not None:
            return [m.user for m in county_staff_to_notify([county]).filter(role=StaffRole.ADMIN)]
        return list(User.objects.filter(is_state_staff=True, is_active=True).order_by("pk"))


def _case_event(appeal: Appeal, actor: User, kind: str, note: str) -> None:
    if appeal.case_id is None:
        return
    with rls_context(system=True, savepoint=False):
        CaseEvent.objects.create(
            case_id=appeal.case_id, county=appeal.county, actor=actor, kind=kind, note=note
        )


def appeal_file(
    *,
    actor: User,
    decision_ref: str,
    statement: str,
    files: Sequence[IO[bytes]] = (),
    today: datetime.date | None = None,
) -> Appeal:
    """File `actor`'s appeal of their decision `decision_ref` (one of
    `cases.selectors.appealable_decisions`), with a statement and up to
    MAX_APPEAL_DOCUMENTS documents (checked like every upload). A decision about someone else
    is refused (PermissionDenied); after the period, a clear error. Asking again for the same
    decision (a double click) returns the appeal already filed."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    today = today or timezone.localdate()
    found: AppealableDecision | None = next(
        (d for d in appealable_decisions(actor, today=today) if d.ref == decision_ref), None
    )
    if found is None:
        raise PermissionDenied
    if found.appeal is not None:
        return found.appeal
    statement = (statement or "").strip()[:10000]
    if not statement:
        raise DomainError(_("Say why the decision should change."), field="statement")
    if found.last_day is not None:
        refuse_problems(
            rules.appeal_filing_problems(
                found.decision_on, on=today, days=(found.last_day - found.decision_on).days
            ),
            field="statement",
        )
    files = [f for f in files if f]
    if len(files) > MAX_APPEAL_DOCUMENTS:
        raise DomainError(
            _("Attach at most %(count)s documents.") % {"count": MAX_APPEAL_DOCUMENTS},
            field="documents",
        )
    checked = [
        documents_services.upload_check(owner=actor, kind=DocumentKind.OTHER, uploaded_file=f)
        for f in files
    ]
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                appellant=actor,
                county_id=found.county_id,
                kind=found.kind,
                application_id=found.application_id,
                certification_id=found.certification_id,
                case_id=found.case_id,
                decision_ref=found.ref,
                decision_on=found.decision_on,
                decision_by_id=found.decision_by_id,
                decision_summary=found.summary[:10000],
                statement=statement,
            )
            for uploaded, check in zip(files, checked, strict=True):
                document = documents_services.document_store(
                    owner=actor, kind=DocumentKind.OTHER, uploaded_file=uploaded, checked=check
                )
                AppealDocument.objects.create(appeal=appeal, document=document)
            audit_record(
                actor=actor,
                verb="appeal_file",
                obj=appeal,
                county=appeal.county,
                subject=actor,
                to_state=appeal.status,
                data={"kind": appeal.kind, "decision_ref": appeal.decision_ref},
            )
            _case_event(appeal, actor, "appeal_filed", str(AppealKind(appeal.kind).label))
            appeal = Appeal.objects.select_related("county").get(pk=appeal.pk)
            notify(user=actor, kind="appeal_filed", context=_context(appeal))
            for decider in _deciders(appeal.county):
                notify(
                    user=decider,
                    kind="appeal_filed_staff",
                    context=_context(
                        appeal,
                        county_code=appeal.county.code if appeal.county is not None else "",
                    ),
                )
    except IntegrityError:
        # The same decision's appeal was filed by a request that committed first.
        existing = Appeal.objects.filter(decision_ref=found.ref, appellant=actor).first()
        if existing is None:
            raise
        return existing
    return appeal


def _rescind(decision: CaseDecision) -> None:
    now = timezone.now()
    decision.rescinded_at = now
    decision.save(update_fields=("rescinded_at",))
    PublicNotice.objects.filter(decision=decision, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )


def _overturn(appeal: Appeal, actor: User, reason: str, today: datetime.date) -> str:
    """Give back what the decision took. Returns what changed, for the email."""
    data = {"appeal_id": appeal.pk}
    kind = appeal.kind
    if kind == AppealKind.DENIAL:
        application = Application.objects.get(pk=appeal.application_id or 0)
        application_reopen_on_appeal(actor=actor, application=application, reason=reason, data=data)
        return "application_reopened"
    certification = (
        Certification.objects.get(pk=appeal.certification_id)
        if appeal.certification_id is not None
        else None
    )
    if kind in (AppealKind.SUSPENSION, AppealKind.REVOCATION):
        assert certification is not None
        certification_restore_on_appeal(
            actor=actor, certification=certification, reason=reason, data=data, today=today
        )
        return "certification_restored"
    if kind in (AppealKind.RENEWAL_REFUSAL, AppealKind.REINSTATEMENT_REFUSAL):
        assert certification is not None
        certification_renew_on_appeal(
            actor=actor, certification=certification, reason=reason, data=data, today=today
        )
        return "certification_renewed"
    # A case decision: rescinded, its notice withdrawn; a suspension or revocation it made
    # is undone.
    with rls_context(system=True, savepoint=False):
        decision = CaseDecision.objects.select_for_update().get(
            pk=int(appeal.decision_ref.split(":")[1])
        )
        _rescind(decision)
    if certification is not None and decision.outcome in (
        DecisionOutcome.SUSPENSION,
        DecisionOutcome.REVOCATION,
    ):
        certification.refresh_from_db()
        if certification.status in (CertificationStatus.SUSPENDED, CertificationStatus.REVOKED) or (
            certification.suspended_on is not None
        ):
            certification_restore_on_appeal(
                actor=actor, certification=certification, reason=reason, data=data, today=today
            )
            return "certification_restored"
    return "decision_rescinded"


def _modify(appeal: Appeal, actor: User, reason: str, today: datetime.date) -> str:
    """A revocation (or a case decision that revoked) becomes a suspension; anything else is
    modified in writing only."""
    data = {"appeal_id": appeal.pk}
    revoked = appeal.kind == AppealKind.REVOCATION
    if appeal.kind == AppealKind.CASE_DECISION:
        with rls_context(system=True, savepoint=False):
            decision = CaseDecision.objects.get(pk=int(appeal.decision_ref.split(":")[1]))
        revoked = decision.outcome == DecisionOutcome.REVOCATION
    if revoked and appeal.certification_id is not None:
        certification = Certification.objects.get(pk=appeal.certification_id)
        if certification.status == CertificationStatus.REVOKED:
            certification_restore_on_appeal(
                actor=actor,
                certification=certification,
                reason=reason,
                to=CertificationStatus.SUSPENDED,
                data=data,
                today=today,
            )
            return "revocation_to_suspension"
    return "modified_in_writing"


def appeal_decide(
    *,
    actor: User,
    appeal: Appeal,
    outcome: str,
    reason: str,
    today: datetime.date | None = None,
) -> Appeal:
    """Decide a filed appeal: `outcome` upheld, overturned or modified, with written reasons
    the appellant reads. A decided appeal is not decided again (a stale form or a double click
    is a conflict and changes nothing)."""
    require_appeal_decider(actor, appeal.county)
    today = today or timezone.localdate()
    reason = " ".join((reason or "").split())[:10000]
    if outcome not in rules.APPEAL_OUTCOMES:
        raise DomainError(_("Choose the outcome."), field="outcome")
    if not reason:
        raise DomainError(_("Give the reasons for the outcome."), field="reason")
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("county", "appellant")
            .get(pk=appeal.pk)
        )
        if not appeal.is_open:
            raise DomainError(
                _("This appeal was already decided: %(status)s.")
                % {"status": appeal.get_status_display().lower()},
                code="conflict",
            )
        problems = rules.appeal_decider_problems(
            actor_id=actor.pk,
            appellant_id=appeal.appellant_id,
            decision_by_id=appeal.decision_by_id,
        )
        if problems:
            raise DomainError(problems[0], code="conflict")
        effect = "upheld"
        if outcome == rules.OVERTURN:
            effect = _overturn(appeal, actor, reason, today)
        elif outcome == rules.MODIFY:
            effect = _modify(appeal, actor, reason, today)
        appeal.status = OUTCOME_STATUS[outcome]
        appeal.decided_by = actor
        appeal.decided_at = timezone.now()
        appeal.outcome_reason = reason
        with rls_context(system=True, savepoint=False):
            # State staff decide appeals of every program; the check is above.
            appeal.save(update_fields=("status", "decided_by", "decided_at", "outcome_reason"))
        audit_record(
            actor=actor,
            verb="appeal_decide",
            obj=appeal,
            county=appeal.county,
            subject=appeal.appellant,
            from_state=AppealStatus.FILED,
            to_state=appeal.status,
            reason=reason,
            data={"kind": appeal.kind, "effect": effect, "decision_ref": appeal.decision_ref},
        )
        _case_event(appeal, actor, "appeal_decided", f"{appeal.get_status_display()}: {reason}")
        notify(
            user=appeal.appellant,
            kind="appeal_decided",
            context=_context(appeal, effect=effect, reason=reason),
        )
    return appeal

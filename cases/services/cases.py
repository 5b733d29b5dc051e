"""Writes of cases (docs/domain.md#complaints-and-cases): open, assign an investigator, move
to another stage, extend the resolution deadline once. Each one is audited and written to the
case's timeline.

Who: the handling county's staff (reviewers and administrators) open cases and move them;
assigning the investigator and extending the deadline are the administrators' (our choice: a
decision on the county's workload and on a deadline the law sets). A case no county handles
(county null) is for state staff. The system (actor None) opens the case of a confirmed
exclusion match, decided by county staff in `employers.services.exclusions`.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from cases import rules
from cases.models import Case, CaseCategory, CaseEvent, CaseSource, CaseStage
from certification.models import Certification
from core.errors import DomainError
from counties.models import County
from counties.selectors import ADMIN_ROLES, REVIEW_ROLES, require_staff, staff_role


def _require(actor: User | None, county: County | None, roles: tuple[str, ...]) -> None:
    """County cases: `require_staff`; cases of state staff: active state staff only."""
    if county is not None:
        require_staff(actor, county, roles)
    elif actor is None or not (actor.is_active and actor.is_state_staff):
        raise PermissionDenied


def _clean(text: str | None, limit: int = 5000) -> str:
    return " ".join((text or "").split())[:limit]


def _event(case: Case, actor: User | None, kind: str, note: str = "", **stages: str) -> None:
    CaseEvent.objects.create(
        case=case,
        county=case.county,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        from_stage=stages.get("from_stage", ""),
        to_stage=stages.get("to_stage", ""),
        note=note,
    )


def handling_county(certification: Certification | None) -> County | None:
    """The program that handles a case about `certification`: the county that certified the
    peer; none (state staff) otherwise."""
    return certification.issuing_county if certification is not None else None


def case_open(
    *,
    actor: User | None,
    county: County | None,
    source: str,
    category: str,
    summary: str,
    received_on: datetime.date,
    certification: Certification | None = None,
    subject: User | None = None,
    subject_name: str = "",
    source_ref: str = "",
) -> Case:
    """Open a case received on `received_on`, with its deadlines. A `source_ref` opens at
    most one case: asking again returns the case already open (a retried task, a double
    click)."""
    if actor is not None:
        _require(actor, county, REVIEW_ROLES)
    if source not in CaseSource.values:
        raise DomainError(_("Choose where the case comes from."), field="source")
    if category not in CaseCategory.values:
        raise DomainError(_("Choose a category."), field="category")
    summary = (summary or "").strip()[:10000]
    if not summary:
        raise DomainError(_("Say what the complaint is about."), field="summary")
    today = timezone.localdate()
    if received_on > today:
        raise DomainError(_("The date received cannot be in the future."), field="received_on")
    if certification is not None and subject is None:
        subject = certification.holder
    subject_name = _clean(subject_name, 200)
    if certification is None and subject is None and not subject_name:
        raise DomainError(
            _("Name the person the complaint is about, or give their certification number."),
            field="subject_name",
        )
    if source_ref:
        existing = Case.objects.filter(source_ref=source_ref).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            case = Case.objects.create(
                county=county,
                certification=certification,
                subject=subject,
                subject_name=subject_name,
                source=source,
                source_ref=source_ref,
                category=category,
                summary=summary,
                received_on=received_on,
                acknowledgement_due=rules.acknowledgement_due(received_on),
                # Nobody to acknowledge when no one complained (an exclusion match).
                acknowledged_at=timezone.now() if source == CaseSource.EXCLUSION_MATCH else None,
                resolution_due=rules.resolution_due(received_on),
                opened_by=actor,
            )
            _event(case, actor, "opened", to_stage=case.stage, note=case.get_source_display())
            audit_record(
                actor=actor,
                verb="case_open",
                obj=case,
                county=county,
                subject=subject,
                to_state=case.stage,
                data={"source": source, "category": category, "source_ref": source_ref},
            )
    except IntegrityError:
        # Another request opened the case of the same source_ref first.
        existing = Case.objects.filter(source_ref=source_ref).first() if source_ref else None
        if existing is None:
            raise
        return existing
    return case


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("county").get(pk=case.pk)


def case_assign(*, actor: User, case: Case, investigator: User) -> Case:
    """Make `investigator` (staff of the handling county, or state staff for a state case)
    the case's investigator."""
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.county, ADMIN_ROLES)
        if case.is_closed:
            raise DomainError(_("This case is closed."), code="conflict")
        eligible = (
            investigator.is_active and staff_role(investigator, case.county) is not None
            if case.county is not None
            else investigator.is_active and investigator.is_state_staff
        )
        if not eligible:
            raise DomainError(
                _("The investigator must be staff of the program handling the case."),
                field="investigator",
            )
        if case.investigator_id == investigator.pk:
            return case
        before = case.investigator.email if case.investigator else ""
        case.investigator = investigator
        case.save(update_fields=("investigator",))
        _event(case, actor, "assigned", note=investigator.get_full_name() or investigator.email)
        audit_record(
            actor=actor,
            verb="case_assign",
            obj=case,
            county=case.county,
            subject=case.subject,
            from_state=before,
            to_state=investigator.email,
        )
    return case


def case_advance(*, actor: User, case: Case, to: str, note: str = "") -> Case:
    """Move the case to stage `to` (rules.TRANSITIONS). Leaving intake records the
    acknowledgement if it was not recorded yet; closing records when."""
    note = _clean(note)
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.county, REVIEW_ROLES)
        if to not in CaseStage.values:
            raise DomainError(_("Choose a stage."), field="to")
        if not rules.can_move(case.stage, to):
            raise DomainError(
                _("A case in %(stage)s cannot move to %(to)s.")
                % {"stage": case.get_stage_display(), "to": CaseStage(to).label},
                code="conflict",
            )
        if to == CaseStage.CLOSED and not note:
            raise DomainError(_("Say why the case is closed."), field="note")
        before = case.stage
        case.stage = to
        now = timezone.now()
        fields = ["stage"]
        if before == CaseStage.INTAKE and case.acknowledged_at is None:
            case.acknowledged_at = now
            fields.append("acknowledged_at")
        if to == CaseStage.CLOSED:
            case.closed_at = now
            fields.append("closed_at")
        case.save(update_fields=fields)
        _event(case, actor, "stage", note, from_stage=before, to_stage=to)
        audit_record(
            actor=actor,
            verb="case_advance",
            obj=case,
            county=case.county,
            subject=case.subject,
            from_state=before,
            to_state=to,
            reason=note,
        )
    return case


def case_extend(*, actor: User, case: Case, reason: str) -> Case:
    """Extend the resolution deadline by rules.EXTENSION_DAYS, once, with a reason."""
    reason = _clean(reason)
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.county, ADMIN_ROLES)
        if not reason:
            raise DomainError(_("Say why the case needs more time."), field="reason")
        if case.extended_at is not None:
            raise DomainError(_("This case has already been extended once."), code="conflict")
        if case.is_closed:
            raise DomainError(_("This case is closed."), code="conflict")
        before = case.resolution_due
        case.resolution_due = rules.resolution_due(case.received_on, extended=True)
        case.extension_reason = reason
        case.extended_at = timezone.now()
        case.save(update_fields=("resolution_due", "extension_reason", "extended_at"))
        _event(case, actor, "extended", reason)
        audit_record(
            actor=actor,
            verb="case_extend",
            obj=case,
            county=case.county,
            subject=case.subject,
            from_state=before.isoformat(),
            to_state=case.resolution_due.isoformat(),
            reason=reason,
        )
    return case

"""Reads of cases, scoped to who asks (the access layer, docs/architecture.md#tenancy).

A case belongs to its handling county: that county's staff see it, state staff see every
one (including the cases with no county, which they handle), nobody else sees any. The
subject and the complainant never read a case here.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from cases import rules
from cases.models import (
    Appeal,
    AppealDocument,
    AppealKind,
    AppealStatus,
    Case,
    CaseCategory,
    CaseDecision,
    CaseDocument,
    CaseDocumentKind,
    CaseEvent,
    CaseResponseRequest,
    CaseSource,
    Complaint,
    DecisionOutcome,
    PublicNotice,
)
from certification import rules as certification_rules
from certification.models import (
    Application,
    ApplicationStatus,
    Certification,
    CertificationStatus,
)
from continuing_ed.models import CeCredit
from core.rls import rls_context
from counties.models import County, ProgramPolicy
from counties.selectors import staff_counties
from exams.models import ExamAttempt
from training.models import TrainingRecord


def cases_for(user: User | AnonymousUser | None) -> QuerySet[Case]:
    """The cases `user` may see, with their subject, certification and investigator."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return Case.objects.none()
    cases = Case.objects.select_related("county", "certification", "subject", "investigator")
    if user.is_state_staff:
        return cases
    return cases.filter(county__in=staff_counties(user).values("pk"))


def case_get(user: User | AnonymousUser | None, pk: int | str, *, county: County | None) -> Case:
    """One case of `county` that `user` may see, or Http404 (also for a malformed `pk`).
    `county` None: a case no county handles (state staff's)."""
    try:
        return cases_for(user).get(pk=pk, county=county)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such case.") from exc


def case_timeline(user: User | AnonymousUser | None, case: Case) -> QuerySet[CaseEvent]:
    """The timeline of `case`, oldest first, if `user` may see the case."""
    if not cases_for(user).filter(pk=case.pk).exists():
        return CaseEvent.objects.none()
    return CaseEvent.objects.filter(case=case).select_related("actor")


def appeals_for(user: User | AnonymousUser | None) -> QuerySet[Appeal]:
    """The appeals `user` may see: their own; those of the programs they staff; every one for
    state staff (who decide appeals too)."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return Appeal.objects.none()
    appeals = Appeal.objects.select_related(
        "county", "appellant", "certification", "application", "decided_by"
    )
    if user.is_state_staff:
        return appeals
    return appeals.filter(Q(appellant=user) | Q(county__in=staff_counties(user).values("pk")))


def appeal_get(user: User | AnonymousUser | None, pk: int | str) -> Appeal:
    """One appeal `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return appeals_for(user).get(pk=pk)
    except (Appeal.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such appeal.") from exc


def appeal_documents(user: User | AnonymousUser | None, appeal: Appeal) -> QuerySet[AppealDocument]:
    """The documents filed with `appeal`, if `user` may see the appeal."""
    if not appeals_for(user).filter(pk=appeal.pk).exists():
        return AppealDocument.objects.none()
    return AppealDocument.objects.filter(appeal=appeal).select_related("document")


def decisions_for(user: User | AnonymousUser | None) -> QuerySet[CaseDecision]:
    """The decisions `user` may see: those of the cases `cases_for(user)` shows."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return CaseDecision.objects.none()
    decisions = CaseDecision.objects.select_related("decided_by", "certification", "county")
    if user.is_state_staff:
        return decisions
    return decisions.filter(county__in=staff_counties(user).values("pk"))


def case_decisions(user: User | AnonymousUser | None, case: Case) -> QuerySet[CaseDecision]:
    """The decisions of `case`, oldest first, if `user` may see the case."""
    return decisions_for(user).filter(case=case).select_related("public_notice")


def decision_get(user: User | AnonymousUser | None, pk: int | str, *, case: Case) -> CaseDecision:
    """One decision of `case` that `user` may see, or Http404."""
    try:
        return decisions_for(user).get(pk=pk, case=case)
    except (CaseDecision.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such decision.") from exc


def public_notices_of(certification_ids: Iterable[int]) -> dict[int, list[PublicNotice]]:
    """The public notices shown for each certification, newest first (public: anyone may
    read them; the registry, the verify page and API, employers). Withdrawn ones (an appeal
    overturned the decision) are not shown."""
    notices: dict[int, list[PublicNotice]] = {}
    for notice in PublicNotice.objects.filter(
        certification_id__in=list(certification_ids), withdrawn_at__isnull=True
    ).order_by("-effective_on", "-pk"):
        notices.setdefault(notice.certification_id, []).append(notice)
    return notices


@dataclass(frozen=True)
class AppealableDecision:
    """A decision about a person that they may appeal (`appealable_decisions`). `ref` names it
    (Appeal.decision_ref); `last_day` is the last day to appeal; `appeal` the appeal already
    filed, if any."""

    kind: str
    ref: str
    decision_on: datetime.date
    decision_by_id: int | None
    summary: str
    county_id: int | None
    last_day: datetime.date | None
    application_id: int | None = None
    certification_id: int | None = None
    case_id: int | None = None
    appeal: Appeal | None = None

    @property
    def kind_label(self) -> str:
        return str(AppealKind(self.kind).label)

    @property
    def in_time(self) -> bool:
        return self.last_day is None or timezone.localdate() <= self.last_day


def _latest_event(certification: Certification, verb: str) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            verb=verb, object_type="certification.certification", object_id=certification.pk
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _decisions_of(user: User, today: datetime.date, days: int) -> list[AppealableDecision]:
    found: list[AppealableDecision] = []

    def last(day: datetime.date) -> datetime.date:
        return rules.appeal_by(day, days=days)

    for application in Application.objects.filter(
        applicant=user, status=ApplicationStatus.DENIED, decided_at__isnull=False
    ):
        if application.decided_at is None:
            continue
        day = timezone.localdate(application.decided_at)
        found.append(
            AppealableDecision(
                kind=AppealKind.DENIAL,
                ref=f"application:{application.pk}:{application.version}",
                decision_on=day,
                decision_by_id=application.decided_by_id,
                summary=application.decision_reason,
                county_id=application.county_id,
                last_day=last(day),
                application_id=application.pk,
            )
        )
    decisions = list(
        CaseDecision.objects.filter(
            Q(certification__holder=user) | Q(case__subject=user), rescinded_at__isnull=True
        )
        .exclude(outcome=DecisionOutcome.DISMISSED)
        .select_related("case")
    )
    for decision in decisions:
        day = timezone.localdate(decision.decided_at)
        found.append(
            AppealableDecision(
                kind=AppealKind.CASE_DECISION,
                ref=f"case_decision:{decision.pk}",
                decision_on=day,
                decision_by_id=decision.decided_by_id,
                summary=f"{decision.get_outcome_display()}. {decision.findings}",
                county_id=decision.county_id,
                last_day=last(day),
                certification_id=decision.certification_id,
                case_id=decision.case_id,
            )
        )
    limit_months = ProgramPolicy.current().late_renewal_limit_months
    for certification in Certification.objects.filter(holder=user):
        status = certification.status
        suspended = status == CertificationStatus.SUSPENDED or (
            status == CertificationStatus.EXPIRED and certification.suspended_on is not None
        )
        verb, kind = None, None
        if suspended:
            verb, kind = "certification_suspend", AppealKind.SUSPENSION
        elif status == CertificationStatus.REVOKED:
            verb, kind = "certification_revoke", AppealKind.REVOCATION
        if verb is not None and kind is not None:
            event = _latest_event(certification, verb)
            if event is None:
                continue
            day = timezone.localdate(event.created_at)
            by_case = any(
                d.certification_id == certification.pk
                and d.outcome in (DecisionOutcome.SUSPENSION, DecisionOutcome.REVOCATION)
                and timezone.localdate(d.decided_at) == day
                for d in decisions
            )
            if by_case:  # Appealed as the case decision that took it.
                continue
            found.append(
                AppealableDecision(
                    kind=kind,
                    ref=f"audit:{event.pk}",
                    decision_on=day,
                    decision_by_id=event.actor_id,
                    summary=event.reason,
                    county_id=certification.issuing_county_id,
                    last_day=last(day),
                    certification_id=certification.pk,
                )
            )
            continue
        if status != CertificationStatus.EXPIRED or suspended:
            continue
        last_late = certification_rules.late_renewal_last_day(
            certification.expires_on, limit_months=limit_months
        )
        if today <= last_late or today >= certification_rules.vacate_date(certification.expires_on):
            continue
        problems = certification_rules.reinstatement_problems(
            certification,
            list(CeCredit.objects.filter(certification=certification)),
            on=today,
            training_records=list(
                TrainingRecord.objects.filter(person=user).select_related("provider")
            ),
            exam_attempts=list(
                ExamAttempt.objects.filter(
                    application__applicant=user, taken_on__gt=certification.expires_on
                )
            ),
            limit_months=limit_months,
        )
        # A refusal that stands (our choice): appealable while it does, no period.
        kind = AppealKind.REINSTATEMENT_REFUSAL if problems else AppealKind.RENEWAL_REFUSAL
        summary = " ".join(
            problems
            or [
                _("The late renewal period ended on %(date)s.")
                % {"date": formats.date_format(last_late)}
            ]
        )
        found.append(
            AppealableDecision(
                kind=kind,
                ref=f"{kind}:{certification.pk}:{certification.expires_on.isoformat()}",
                decision_on=today,
                decision_by_id=None,
                summary=summary,
                county_id=certification.issuing_county_id,
                last_day=None,
                certification_id=certification.pk,
            )
        )
    return found


def appealable_decisions(
    user: User | AnonymousUser | None, *, today: datetime.date | None = None
) -> list[AppealableDecision]:
    """The decisions about `user` they may appeal (docs/domain.md#appeals), newest first,
    each with the appeal already filed, if any: a denied application, a suspension or
    revocation (from its audit event: who took it and when), a case decision other than a
    dismissal, and a refused renewal or reinstatement (an expired certification after its late
    renewal period). Read acting as the system (the audit trail and case decisions are staff
    rows), only ever about `user`."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return []
    today = today or timezone.localdate()
    days = ProgramPolicy.current().appeal_days
    with rls_context(system=True, savepoint=False):
        found = _decisions_of(user, today, days)
    filed = {a.decision_ref: a for a in Appeal.objects.filter(appellant=user)}
    found = [AppealableDecision(**{**d.__dict__, "appeal": filed.get(d.ref)}) for d in found]
    return sorted(found, key=lambda d: d.decision_on, reverse=True)


def appealable_decision(
    user: User | AnonymousUser | None, ref: str, *, today: datetime.date | None = None
) -> AppealableDecision:
    """One of `appealable_decisions(user)`, or Http404."""
    for decision in appealable_decisions(user, today=today):
        if decision.ref == ref:
            return decision
    raise Http404("No such decision.")


def case_complaint(user: User | AnonymousUser | None, case: Case) -> Complaint | None:
    """The complaint that opened `case` (with the complainant's details), if `user` may see
    the case and it has one."""
    if not cases_for(user).filter(pk=case.pk).exists():
        return None
    return Complaint.objects.filter(case=case).first()


def case_documents(user: User | AnonymousUser | None, case: Case) -> QuerySet[CaseDocument]:
    """The files of `case` (attachments, evidence, the peer's), oldest first, if `user` may
    see the case."""
    if not cases_for(user).filter(pk=case.pk).exists():
        return CaseDocument.objects.none()
    return CaseDocument.objects.filter(case=case).select_related("uploaded_by")


def case_document_get(user: User | AnonymousUser | None, case: Case, pk: int | str) -> CaseDocument:
    """One file of `case` that `user` may see, or Http404."""
    try:
        return case_documents(user, case).get(pk=pk)
    except (CaseDocument.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such document.") from exc


def case_response_requests(
    user: User | AnonymousUser | None, case: Case
) -> QuerySet[CaseResponseRequest]:
    """The requests to the peer on `case`, newest first, if `user` may see the case."""
    if not cases_for(user).filter(pk=case.pk).exists():
        return CaseResponseRequest.objects.none()
    return CaseResponseRequest.objects.filter(case=case).prefetch_related("documents")


def response_requests_for_peer(user: User | AnonymousUser | None) -> QuerySet[CaseResponseRequest]:
    """The requests for a response addressed to `user` as the peer, newest first: only what
    the peer may know (never the case's complaint or complainant)."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return CaseResponseRequest.objects.none()
    return CaseResponseRequest.objects.filter(peer=user).select_related("county")


def response_request_for_peer_get(
    user: User | AnonymousUser | None, pk: int | str
) -> CaseResponseRequest:
    """One request addressed to `user`, or Http404 (someone else's too)."""
    try:
        return response_requests_for_peer(user).get(pk=pk)
    except (CaseResponseRequest.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such request.") from exc


def open_response_requests_for_peer(
    user: User | AnonymousUser | None,
) -> QuerySet[CaseResponseRequest]:
    """The requests addressed to `user` not answered yet, soonest due first (the portal's
    home and navigation point to them)."""
    return response_requests_for_peer(user).filter(responded_at__isnull=True).order_by("due_on")


def response_document_for_peer_get(
    user: User | AnonymousUser | None, request: CaseResponseRequest, pk: int | str
) -> CaseDocument:
    """A file `user` sent with their answer to `request` (their own upload only), or
    Http404: never the complaint's attachments, staff's evidence or anyone else's file."""
    if not (user is not None and user.is_authenticated and user.is_active):
        raise Http404("No such document.")
    try:
        return CaseDocument.objects.get(
            pk=pk,
            response_request=request,
            kind=CaseDocumentKind.RESPONSE,
            uploaded_by=user,
            response_request__peer=user,
        )
    except (CaseDocument.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such document.") from exc


def _zeros(keys) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


def _rate(part: int, whole: int) -> float | None:
    """`part / whole` rounded to 4 places; None (not yet recorded) when `whole` is 0."""
    return round(part / whole, 4) if whole else None


def _case_figures_row() -> dict[str, Any]:
    return {
        "received": 0,
        "acknowledged_on_time": 0,
        "acknowledged_late": 0,
        "not_yet_acknowledged": 0,
        "resolved_on_time": 0,
        "resolved_late": 0,
        "not_yet_resolved": 0,
        "by_category": _zeros(CaseCategory.values),
        "by_outcome": _zeros([*DecisionOutcome.values, "closed_without_decision", "undecided"]),
        "appeals": {"filed": 0, "by_status": _zeros(AppealStatus.values)},
    }


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    acknowledged = row["acknowledged_on_time"] + row["acknowledged_late"]
    resolved = row["resolved_on_time"] + row["resolved_late"]
    appeals = row["appeals"]
    decided = appeals["filed"] - appeals["by_status"][AppealStatus.FILED]
    return {
        **row,
        "acknowledged_on_time_rate": _rate(row["acknowledged_on_time"], acknowledged),
        "resolved_on_time_rate": _rate(row["resolved_on_time"], resolved),
        "appeals": {
            **appeals,
            "overturned_rate": _rate(appeals["by_status"][AppealStatus.OVERTURNED], decided),
        },
    }


def case_oversight_figures(
    user: User | AnonymousUser | None,
    *,
    start: datetime.date,
    end: datetime.date,
    county: County | None = None,
) -> dict[str, Any]:
    """Numbers for oversight (issue 14 item 7), for state staff only (PermissionDenied
    otherwise): the complaints received from `start` through `end` (by `Case.received_on`;
    cases opened by an exclusion match are no complaint),
    acknowledged on time (by `acknowledgement_due`), resolved on time (resolved: the first
    decision not overturned, or the closing without one; by `resolution_due`), by category and
    by outcome (the latest decision not overturned); and the appeals filed in the period by
    status. Per handling county (`None`: cases state staff handle) and statewide. A rate with
    nothing to count is None (not yet recorded). Three queries whatever the number of cases."""
    if not (user is not None and user.is_authenticated and user.is_active and user.is_state_staff):
        raise PermissionDenied
    live = CaseDecision.objects.filter(case=OuterRef("pk"), rescinded_at__isnull=True)
    # A confirmed exclusion match opens a case too, but no one complained: not counted.
    cases = (
        Case.objects.filter(received_on__range=(start, end))
        .exclude(source=CaseSource.EXCLUSION_MATCH)
        .annotate(
            first_decided_at=Subquery(live.order_by("decided_at", "pk").values("decided_at")[:1]),
            last_outcome=Subquery(live.order_by("-decided_at", "-pk").values("outcome")[:1]),
        )
    )
    appeals = Appeal.objects.filter(
        filed_at__date__range=(start, end)
    )  # filed_at__date: in the current (California) time zone
    if county is not None:
        cases = cases.filter(county=county)
        appeals = appeals.filter(county=county)
    rows: dict[int | None, dict[str, Any]] = defaultdict(_case_figures_row)
    total = _case_figures_row()
    for case in cases.values(
        "county_id",
        "category",
        "acknowledgement_due",
        "acknowledged_at",
        "resolution_due",
        "closed_at",
        "first_decided_at",
        "last_outcome",
    ):
        resolved_at = case["first_decided_at"] or case["closed_at"]
        acknowledged_at = case["acknowledged_at"]
        for row in (rows[case["county_id"]], total):
            row["received"] += 1
            row["by_category"][case["category"]] += 1
            if acknowledged_at is None:
                row["not_yet_acknowledged"] += 1
            elif timezone.localdate(acknowledged_at) <= case["acknowledgement_due"]:
                row["acknowledged_on_time"] += 1
            else:
                row["acknowledged_late"] += 1
            if resolved_at is None:
                row["not_yet_resolved"] += 1
            elif timezone.localdate(resolved_at) <= case["resolution_due"]:
                row["resolved_on_time"] += 1
            else:
                row["resolved_late"] += 1
            outcome = case["last_outcome"] or (
                "closed_without_decision" if case["closed_at"] else "undecided"
            )
            row["by_outcome"][outcome] += 1
    for appeal in appeals.values("county_id", "status"):
        for row in (rows[appeal["county_id"]], total):
            row["appeals"]["filed"] += 1
            row["appeals"]["by_status"][appeal["status"]] += 1
    names = {
        c.pk: {"code": c.code, "name": c.name}
        for c in County.objects.filter(pk__in=[pk for pk in rows if pk is not None])
    }
    per_county = sorted(
        (
            {"county": names.get(pk) if pk is not None else None, **_finish(row)}
            for pk, row in rows.items()
        ),
        key=lambda r: (r["county"] is None, r["county"]["name"] if r["county"] else ""),
    )
    return {
        "period": {"start": start, "end": end},
        "statewide": _finish(total),
        "counties": per_county,
    }

"""Continuing-education audits: a county draws a random share of its peers whose renewal is
open or recent, asks them for proof of their CE hours, and records whether the proof held up.

Who may be drawn (the pool): active certifications issued by the county whose renewal window
is open (within `policy.RENEWAL_WINDOW_DAYS` of expiry) or that were renewed within
`policy.CE_AUDIT_RECENT_RENEWAL_DAYS`, and that have no audit pending. The share defaults to
`ProgramPolicy.ce_audit_sample_percent`.
"""

import datetime
import math
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from ce_audits import rules
from ce_audits.models import CeAudit, CeAuditConsequence, CeAuditOutcome
from certification.models import Certification, CertificationStatus, Renewal
from certification.services import certification_suspend
from continuing_ed.models import CeCredit
from continuing_ed.rules import cycle_bounds
from core import policy
from core.errors import DomainError, refuse_problems
from core.units import hours_text, hours_value
from counties.models import County, ProgramPolicy
from counties.selectors import ADMIN_ROLES, REVIEW_ROLES, county_memberships, require_staff
from notifications.services import notify, notify_many

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _RecentRenewal(TypedDict):
    renewed_cycle_end: datetime.date | None


def ce_audit_pool(
    county: County, *, today: datetime.date
) -> "QuerySet[WithAnnotations[Certification, _RecentRenewal]]":
    """The certifications of `county` that may be drawn on `today`, each annotated with
    `renewed_cycle_start` and `renewed_cycle_end`: the cycle its recent renewal closed, if
    any (otherwise the audit covers the current cycle, `cycle_bounds`)."""
    recent_renewals = Renewal.objects.filter(
        certification=OuterRef("pk"),
        created_at__date__gte=today - datetime.timedelta(days=policy.CE_AUDIT_RECENT_RENEWAL_DAYS),
    ).order_by("-created_at")
    window_open = Q(
        expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=policy.RENEWAL_WINDOW_DAYS),
    )
    return (
        Certification.objects.filter(issuing_county=county, status=CertificationStatus.ACTIVE)
        .exclude(ce_audits__outcome=CeAuditOutcome.PENDING)
        .annotate(
            renewed_cycle_start=Subquery(recent_renewals.values("cycle_start")[:1]),
            renewed_cycle_end=Subquery(recent_renewals.values("cycle_end")[:1]),
        )
        .filter(window_open | Q(renewed_cycle_end__isnull=False))
    )


def sample_size(pool_size: int, percent: int) -> int:
    """How many of `pool_size` a `percent` sample draws: rounded up, so a non-empty pool
    always yields at least one."""
    return min(pool_size, math.ceil(pool_size * percent / 100))


def ce_audit_draw(
    *,
    actor: User,
    county: County,
    percent: int | None = None,
    today: datetime.date | None = None,
) -> list[CeAudit]:
    """Draw `percent` (default: the program policy's) of `county`'s pool at random, open an
    audit for each and email each holder asking for proof. By an administrator of the county.
    Draws of one county run one after the other (the county row is locked), and a
    certification never has two audits pending (a database constraint)."""
    require_staff(actor, county, ADMIN_ROLES)
    if percent is None:
        percent = ProgramPolicy.current().ce_audit_sample_percent
    if not 1 <= percent <= 100:
        raise DomainError(_("Choose a share between 1 and 100 percent."), field="percent")
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        County.objects.select_for_update().get(pk=county.pk)
        pool = list(ce_audit_pool(county, today=today).select_related("holder"))
        if not pool:
            raise DomainError(
                _("No certification can be audited now: none has its renewal open or recent."),
                code="conflict",
            )
        drawn = secrets.SystemRandom().sample(pool, sample_size(len(pool), percent))
        audits = CeAudit.objects.bulk_create(
            [
                CeAudit(
                    county=county,
                    certification=certification,
                    cycle_start=cycle[0],
                    cycle_end=cycle[1],
                    drawn_at=now,
                    drawn_by=actor,
                    requested_at=now,
                )
                for certification in drawn
                for cycle in [_audited_cycle(certification)]
            ]
        )
        for audit in audits:
            _open(audit, actor=actor, pool_size=len(pool), percent=percent)
    return audits


def _audited_cycle(certification: Any) -> tuple[datetime.date, datetime.date]:
    """The cycle an audit of a pool member (a `Certification` with `ce_audit_pool`'s
    annotations) covers: the one its recent renewal closed, else its current one."""
    if certification.renewed_cycle_end is not None:
        return certification.renewed_cycle_start, certification.renewed_cycle_end
    return cycle_bounds(certification.cycle_started_on, certification.expires_on)


def _open(audit: CeAudit, *, actor: User, pool_size: int, percent: int) -> None:
    certification = audit.certification
    cycle_start, cycle_end = audit.cycle_start, audit.cycle_end
    audit_record(
        actor=actor,
        verb="ce_audit_draw",
        obj=audit,
        county=audit.county,
        subject=certification.holder,
        to_state=CeAuditOutcome.PENDING,
        data={
            "certification_id": certification.pk,
            "pool_size": pool_size,
            "percent": percent,
            "cycle_start": cycle_start.isoformat(),
            "cycle_end": cycle_end.isoformat(),
        },
    )
    notify(
        user=certification.holder,
        kind="ce_audit_requested",
        context={
            "ce_audit_id": audit.pk,
            "certification_id": certification.pk,
            "number": certification.number,
            "county_name": audit.county.name,
            "cycle_start_on": cycle_start.isoformat(),
            "cycle_end_on": cycle_end.isoformat(),
        },
    )


def ce_audit_record_outcome(
    *, actor: User, audit: CeAudit, outcome: str, note: str = ""
) -> CeAudit:
    """pending → passed | failed, by a reviewer or admin of the audit's county. A failure
    needs a note saying what was missing."""
    require_staff(actor, audit.county, REVIEW_ROLES)
    if outcome not in (CeAuditOutcome.PASSED, CeAuditOutcome.FAILED):
        raise DomainError(_("Choose passed or failed."), field="outcome")
    note = (note or "").strip()
    if outcome == CeAuditOutcome.FAILED and not note:
        raise DomainError(_("Say what was missing."), field="note")
    with transaction.atomic():
        audit = (
            CeAudit.objects.select_for_update()
            .select_related("county", "certification__holder")
            .get(pk=audit.pk)
        )
        if audit.outcome != CeAuditOutcome.PENDING:
            raise DomainError(
                _("This audit was already closed as %(outcome)s.")
                % {"outcome": audit.get_outcome_display().lower()},
                code="conflict",
            )
        audit.outcome = outcome
        audit.outcome_note = note
        audit.decided_by = actor
        audit.decided_at = timezone.now()
        audit.save(update_fields=("outcome", "outcome_note", "decided_by", "decided_at"))
        audit_record(
            actor=actor,
            verb="ce_audit_record_outcome",
            obj=audit,
            county=audit.county,
            subject=audit.certification.holder,
            from_state=CeAuditOutcome.PENDING,
            to_state=outcome,
            reason=note,
        )
        if outcome == CeAuditOutcome.FAILED:
            notify(
                user=audit.certification.holder,
                kind="ce_audit_failed",
                context={**_audit_context(audit), "note": note},
            )
    return audit


def _audit_context(audit: CeAudit) -> dict[str, Any]:
    certification = audit.certification
    return {
        "ce_audit_id": audit.pk,
        "certification_id": certification.pk,
        "number": certification.number,
        "county_name": audit.county.name,
        "county_code": audit.county.code,
        "cycle_start_on": audit.cycle_start.isoformat(),
        "cycle_end_on": audit.cycle_end.isoformat(),
    }


def _lock_failed(audit: CeAudit) -> CeAudit:
    audit = (
        CeAudit.objects.select_for_update(of=("self",))
        .select_related("county", "certification__holder", "certification__issuing_county")
        .get(pk=audit.pk)
    )
    problems = rules.consequence_problems(audit)
    if problems:
        raise DomainError(problems[0], code="conflict")
    return audit


def _decide(audit: CeAudit, *, actor: User, consequence: str, data: dict[str, Any]) -> None:
    audit.consequence = consequence
    audit.consequence_by = actor
    audit.consequence_at = timezone.now()
    audit.save()
    audit_record(
        actor=actor,
        verb="ce_audit_decide_consequence",
        obj=audit,
        county=audit.county,
        subject=audit.certification.holder,
        from_state=CeAuditOutcome.FAILED,
        to_state=consequence,
        data=data,
    )


def ce_audit_require_hours(
    *,
    actor: User,
    audit: CeAudit,
    total_hours: Any,
    law_and_ethics_hours: Any,
    due_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> CeAudit:
    """After a failed audit: require the missing hours (in all, and of which in law and
    ethics) by `due_on` (default: `ProgramPolicy.ce_audit_makeup_days` from today). By a
    reviewer or admin of the audit's county; the peer is emailed what to complete by when.
    The daily scan (`ce_audit_makeup_scan`) then follows the deadline."""
    require_staff(actor, audit.county, REVIEW_ROLES)
    today = today or timezone.localdate()
    total = hours_value(total_hours, field="total_hours")
    law = (
        Decimal("0")
        if str(law_and_ethics_hours).strip() in ("", "0")
        else hours_value(law_and_ethics_hours, field="law_and_ethics_hours")
    )
    if due_on is None:
        due_on = rules.makeup_due_on(today, days=ProgramPolicy.current().ce_audit_makeup_days)
    refuse_problems(
        rules.makeup_request_problems(total=total, law_and_ethics=law, due_on=due_on, today=today)
    )
    with transaction.atomic():
        audit = _lock_failed(audit)
        audit.makeup_total_hours = total
        audit.makeup_law_and_ethics_hours = law
        audit.makeup_due_on = due_on
        _decide(
            audit,
            actor=actor,
            consequence=CeAuditConsequence.MAKEUP,
            data={"hours": str(total), "law_and_ethics": str(law), "due_on": due_on.isoformat()},
        )
        notify(
            user=audit.certification.holder,
            kind="ce_audit_hours_required",
            context={
                **_audit_context(audit),
                "hours": hours_text(total),
                "law_and_ethics_hours": hours_text(law),
                "due_on": due_on.isoformat(),
                "note": audit.outcome_note,
            },
        )
    return audit


def ce_audit_suspend(
    *, actor: User, audit: CeAudit, reason: str, today: datetime.date | None = None
) -> CeAudit:
    """After a failed audit: suspend the certification, through the certification service
    (which emails the peer the reason and what a suspension means). By a reviewer or admin of
    the audit's county."""
    require_staff(actor, audit.county, REVIEW_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason the peer will read."), field="reason")
    with transaction.atomic():
        audit = _lock_failed(audit)
        certification_suspend(
            actor=actor, certification=audit.certification, reason=reason, today=today
        )
        _decide(
            audit,
            actor=actor,
            consequence=CeAuditConsequence.SUSPENSION,
            data={"reason": reason},
        )
    return audit


def ce_audit_makeup_scan(*, today: datetime.date) -> dict[str, int]:
    """The daily follow-up of required hours (a system task, idempotent): an audit whose
    missing hours are now verified (completed from the failure through the deadline) is
    marked made up; one whose deadline has passed without them is flagged once, its peer
    emailed what happens now and its county's staff emailed to decide (their CE audit page
    lists it first)."""
    now = timezone.now()
    met = overdue = 0
    notices: list[tuple[int, str, dict[str, Any]]] = []
    with transaction.atomic():
        open_audits = list(
            CeAudit.objects.select_for_update(of=("self",))
            .filter(
                consequence=CeAuditConsequence.MAKEUP, makeup_met_at=None, makeup_overdue_at=None
            )
            .select_related("county", "certification__holder")
        )
        credits: dict[int, list[CeCredit]] = {}
        for credit in CeCredit.objects.filter(
            certification_id__in={a.certification_id for a in open_audits}
        ):
            credits.setdefault(credit.certification_id, []).append(credit)
        for audit in open_audits:
            assert audit.makeup_due_on is not None and audit.decided_at is not None
            since = timezone.localdate(audit.decided_at)
            problems = rules.makeup_problems(
                credits.get(audit.certification_id, []),
                since=since,
                until=min(today, audit.makeup_due_on),
                total=audit.makeup_total_hours or Decimal("0"),
                law_and_ethics=audit.makeup_law_and_ethics_hours or Decimal("0"),
            )
            if not problems:
                audit.makeup_met_at = now
                met += 1
                verb = "ce_audit_makeup_met"
            elif today > audit.makeup_due_on:
                audit.makeup_overdue_at = now
                overdue += 1
                verb = "ce_audit_makeup_overdue"
                context = {
                    **_audit_context(audit),
                    "due_on": audit.makeup_due_on.isoformat(),
                    "hours": hours_text(audit.makeup_total_hours or Decimal("0")),
                    "law_and_ethics_hours": hours_text(
                        audit.makeup_law_and_ethics_hours or Decimal("0")
                    ),
                    "holder_name": f"{audit.certification.first_name} "
                    f"{audit.certification.last_name}",
                }
                notices.append((audit.certification.holder_id, "ce_audit_hours_overdue", context))
                notices += [
                    (member.user_id, "ce_audit_hours_overdue_staff", context)
                    for member in county_memberships(audit.county).filter(role__in=REVIEW_ROLES)
                ]
            else:
                continue
            audit.save(update_fields=("makeup_met_at", "makeup_overdue_at"))
            audit_record(
                actor=None,
                verb=verb,
                obj=audit,
                county=audit.county,
                subject=audit.certification.holder,
                from_state=CeAuditConsequence.MAKEUP,
                to_state=CeAuditConsequence.MAKEUP,
                data={"due_on": audit.makeup_due_on.isoformat()},
            )
        notify_many(notices)
    return {"made_up": met, "overdue": overdue}

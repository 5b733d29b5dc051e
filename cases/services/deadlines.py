"""The daily deadline scan of cases (docs/domain.md#complaints-and-cases): before an
acknowledgement or resolution deadline is missed, the case's investigator (or, with none
assigned, the handling program's administrators; state staff for a state case) is emailed
policy.CASE_DEADLINE_WARNING_BUSINESS_DAYS business days ahead, and again once the deadline
has passed. Each email once: a `CaseDeadlineNotice` row per case, deadline, kind and due date
(unique) is written in the same transaction as the queued email, so a re-run or a retried
task sends nothing twice; an extended resolution deadline is a new due date, warned again."""

import datetime

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from cases import rules
from cases.models import Case, CaseDeadlineNotice, CaseStage
from core import policy
from counties.models import StaffRole
from counties.selectors import county_staff_to_notify
from notifications.services import notify

ACKNOWLEDGEMENT = "acknowledgement"
RESOLUTION = "resolution"
WARNING = "warning"
OVERDUE = "overdue"


def _recipients(case: Case) -> list[User]:
    if case.investigator is not None and case.investigator.is_active:
        return [case.investigator]
    if case.county is not None:
        return [m.user for m in county_staff_to_notify([case.county]).filter(role=StaffRole.ADMIN)]
    return list(User.objects.filter(is_state_staff=True, is_active=True).order_by("pk"))


def _due(case: Case, deadline: str) -> datetime.date:
    return case.acknowledgement_due if deadline == ACKNOWLEDGEMENT else case.resolution_due


def case_deadlines_scan(*, today: datetime.date) -> dict[str, int]:
    """Email the warnings and overdue notices due on `today` (once each). Returns counts."""
    horizon = rules.add_business_days(today, policy.CASE_DEADLINE_WARNING_BUSINESS_DAYS)
    open_cases = (
        Case.objects.exclude(stage=CaseStage.CLOSED)
        .filter(
            Q(acknowledged_at__isnull=True, acknowledgement_due__lte=horizon)
            | Q(resolution_due__lte=horizon)
        )
        .select_related("county", "investigator", "certification")
        .order_by("pk")
    )
    counts = {WARNING: 0, OVERDUE: 0, "emails": 0}
    for case in open_cases:
        deadlines = [RESOLUTION]
        if case.acknowledged_at is None:
            deadlines.insert(0, ACKNOWLEDGEMENT)
        for deadline in deadlines:
            due = _due(case, deadline)
            if due > horizon:
                continue
            kind = OVERDUE if due < today else WARNING
            with transaction.atomic():
                _notice, created = CaseDeadlineNotice.objects.get_or_create(
                    case=case,
                    deadline=deadline,
                    kind=kind,
                    due_on=due,
                    defaults={"county": case.county},
                )
                if not created:
                    continue
                counts[kind] += 1
                for user in _recipients(case):
                    notify(
                        user=user,
                        kind="case_deadline",
                        context={
                            "case_id": case.pk,
                            "county_code": case.county.code if case.county else "",
                            "county_name": case.county.name if case.county else "",
                            "deadline": deadline,
                            "notice": kind,
                            "due_on": due.isoformat(),
                            "assigned": case.investigator_id == user.pk,
                        },
                    )
                    counts["emails"] += 1
    return counts

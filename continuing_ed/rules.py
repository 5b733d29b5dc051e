"""Continuing-education policy (docs/domain.md#renewal): pure functions, no database (see
docs/CONTRACTS.md 'Rules').

Calendar conventions used throughout the rules (also by certification.rules): a date n years
on is `core.units.add_years` (29 February → 28 February). A CE cycle starts on the day the
certification period starts, the issue date or the date a renewal or reinstatement was granted
(`Certification.cycle_started_on`), and runs through the expiry date, both inclusive
(capeercertification.org, renewal: "within the certification period", which starts on the
issue or renewal date itself). A renewal granted on day R closes the cycle on the day before R
(`closing_cycle`) and the next cycle starts on R: every day belongs to exactly one cycle, so
no credit counts in two (our choice: docs/domain.md#renewal).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple, Protocol

from django.utils.translation import gettext as _

from core import policy
from core.units import as_hours, hours_text

STATUS_VERIFIED = "verified"
STATUS_PENDING = "pending"
CATEGORY_LAW_AND_ETHICS = "law_and_ethics"
# Certification statuses (certification.models.CertificationStatus, named here by value
# because this app sits below certification): CE is logged toward the current cycle while the
# certification is in force, and toward reinstatement once it has expired.
CERTIFICATION_IN_FORCE = ("active", "suspended")
CERTIFICATION_EXPIRED = "expired"


class CreditLike(Protocol):
    """What the CE rules read from a credit (a `CeCredit` or any object with these fields)."""

    hours: Decimal
    category: str
    completed_on: datetime.date
    status: str


class CeTotals(NamedTuple):
    total: Decimal
    law_and_ethics: Decimal


def cycle_bounds(
    started_on: datetime.date, expires_on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the current CE cycle of a certification whose period started
    on `started_on` (its issue, renewal or reinstatement date) and that expires on
    `expires_on`, both inclusive: CE completed on the start date itself counts (issued
    2024-03-15, expiring 2026-03-15: 2024-03-15 … 2026-03-15)."""
    return started_on, expires_on


def closing_cycle(
    started_on: datetime.date, *, on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The cycle a renewal granted on `on` closes: from `started_on` through the day before
    `on`. The renewed cycle starts on `on` itself, so a course completed that day counts toward
    the new cycle, not the one closed."""
    return started_on, on - datetime.timedelta(days=1)


def _in_range(credit: CreditLike, start: datetime.date, end: datetime.date) -> bool:
    return start <= credit.completed_on <= end


def ce_totals(
    credits: Iterable[CreditLike], *, cycle_start: datetime.date, cycle_end: datetime.date
) -> CeTotals:
    """Verified hours completed inside [cycle_start, cycle_end] (inclusive), in total and in
    law and ethics. Pending and rejected credits, and credits outside the cycle, count for
    nothing."""
    total = Decimal("0")
    law_and_ethics = Decimal("0")
    for credit in credits:
        if credit.status != STATUS_VERIFIED or not _in_range(credit, cycle_start, cycle_end):
            continue
        hours = as_hours(credit.hours)
        total += hours
        if credit.category == CATEGORY_LAW_AND_ETHICS:
            law_and_ethics += hours
    return CeTotals(total=total, law_and_ethics=law_and_ethics)


def pending_hours(
    credits: Iterable[CreditLike], *, cycle_start: datetime.date, cycle_end: datetime.date
) -> Decimal:
    """Hours of credits inside the cycle still waiting for review."""
    return sum(
        (
            as_hours(c.hours)
            for c in credits
            if c.status == STATUS_PENDING and _in_range(c, cycle_start, cycle_end)
        ),
        Decimal("0"),
    )


def ce_compliance_problems(
    credits: Iterable[CreditLike],
    *,
    cycle_start: datetime.date,
    cycle_end: datetime.date,
    required_total: Decimal = policy.CE_HOURS_REQUIRED,
    required_law_and_ethics: Decimal = policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED,
) -> list[str]:
    """Why the verified credits inside [cycle_start, cycle_end] fall short of the CE rule
    (20 hours, at least 6 of them in law and ethics); an empty list when they meet it.

    Law-and-ethics hours count toward the total as well. When hours fall short and some
    credits in the cycle are still pending review, a last reason says so.
    """
    credits = list(credits)
    totals = ce_totals(credits, cycle_start=cycle_start, cycle_end=cycle_end)
    problems = []
    dates = {"start": cycle_start.isoformat(), "end": cycle_end.isoformat()}
    if totals.total < required_total:
        problems.append(
            _(
                "%(have)s verified continuing-education hours were completed between "
                "%(start)s and %(end)s; %(need)s are required."
            )
            % {"have": hours_text(totals.total), "need": hours_text(required_total), **dates}
        )
    if totals.law_and_ethics < required_law_and_ethics:
        problems.append(
            _(
                "%(have)s verified hours in law and ethics were completed between %(start)s "
                "and %(end)s; at least %(need)s are required."
            )
            % {
                "have": hours_text(totals.law_and_ethics),
                "need": hours_text(required_law_and_ethics),
                **dates,
            }
        )
    waiting = pending_hours(credits, cycle_start=cycle_start, cycle_end=cycle_end)
    if problems and waiting:
        problems.append(
            _("%(hours)s more hours are waiting for review.") % {"hours": hours_text(waiting)}
        )
    return problems


def ce_entry_problems(
    *,
    completed_on: datetime.date,
    cycle_started_on: datetime.date,
    expires_on: datetime.date,
    certification_status: str,
    on: datetime.date,
) -> list[str]:
    """Why a CE credit completed on `completed_on` cannot be logged on `on` against a
    certification whose cycle started on `cycle_started_on` and that expires on `expires_on`;
    empty when it can.

    Not in the future, and inside the window the credit can count toward: the current cycle
    (`cycle_bounds`, from its first day itself) while the certification is active or
    suspended; once it has expired, from the cycle's first day through `on` (CE toward a late
    renewal or a reinstatement, whose 2-year window never starts before the cycle's first
    day). A revoked or vacated certification takes no CE.
    """
    if certification_status not in (*CERTIFICATION_IN_FORCE, CERTIFICATION_EXPIRED):
        return [_("CE can be logged only for an active, suspended or expired certification.")]
    if completed_on > on:
        return [_("The completion date cannot be in the future.")]
    start, end = cycle_bounds(cycle_started_on, expires_on)
    if completed_on < start:
        return [
            _("Only CE completed on or after %(start)s counts toward this certification.")
            % {"start": start.isoformat()}
        ]
    if certification_status in CERTIFICATION_IN_FORCE and completed_on > end:
        return [
            _("The current CE cycle of this certification ended on %(end)s.")
            % {"end": end.isoformat()}
        ]
    return []

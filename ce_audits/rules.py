"""CE audit policy (docs/domain.md#ce-audits): pure functions, no database.

A failed audit has a consequence the county chooses (capeercertification.org, renewal: the
program audits a sample; a failed audit leads to missing hours by a deadline, or discipline):
the missing hours by a deadline (`ProgramPolicy.ce_audit_makeup_days`, our choice: 90 days),
or a suspension through the certification service.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from ce_audits.models import CeAudit, CeAuditOutcome
from continuing_ed.rules import CreditLike, ce_compliance_problems, ce_totals
from core import policy
from core.units import hours_text


def makeup_shortfall(
    credits: Iterable[CreditLike], *, cycle_start: datetime.date, cycle_end: datetime.date
) -> tuple[Decimal, Decimal]:
    """The hours the audited cycle lacks by its verified CE: (in all, of which in law and
    ethics). The law-and-ethics hours missing count toward the total missing."""
    totals = ce_totals(credits, cycle_start=cycle_start, cycle_end=cycle_end)
    law = max(Decimal("0"), policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED - totals.law_and_ethics)
    total = max(Decimal("0"), policy.CE_HOURS_REQUIRED - totals.total, law)
    return total, law


def makeup_due_on(failed_on: datetime.date, *, days: int) -> datetime.date:
    """The default deadline for the missing hours of an audit failed on `failed_on`."""
    return failed_on + datetime.timedelta(days=days)


def consequence_problems(audit: CeAudit) -> list[str]:
    """Why no consequence can be decided on `audit` now: it must have failed and have none."""
    if audit.outcome != CeAuditOutcome.FAILED:
        return [_("A consequence is decided only after a failed audit.")]
    if audit.consequence:
        return [
            _("A consequence was already decided: %(consequence)s.")
            % {"consequence": audit.get_consequence_display().lower()}
        ]
    return []


def makeup_request_problems(
    *, total: Decimal, law_and_ethics: Decimal, due_on: datetime.date, today: datetime.date
) -> list[str]:
    """Why these missing hours and this deadline cannot be required: some hours, the law and
    ethics part not above the total, no more than a cycle's requirement, a deadline after
    today."""
    problems = []
    if total <= 0:
        problems.append(_("Enter the missing hours the peer must complete."))
    elif total > policy.CE_HOURS_REQUIRED:
        problems.append(
            _("At most %(hours)s hours can be required.")
            % {"hours": hours_text(policy.CE_HOURS_REQUIRED)}
        )
    if law_and_ethics < 0 or law_and_ethics > total:
        problems.append(_("The hours in law and ethics must be between 0 and the hours in all."))
    if due_on <= today:
        problems.append(_("The deadline must be after today."))
    return problems


def makeup_problems(
    credits: Iterable[CreditLike],
    *,
    since: datetime.date,
    until: datetime.date,
    total: Decimal,
    law_and_ethics: Decimal,
) -> list[str]:
    """Why the verified CE completed from `since` (the day the audit failed) through `until`
    (the deadline, or today if earlier) does not yet make up the missing hours."""
    return ce_compliance_problems(
        credits,
        cycle_start=since,
        cycle_end=until,
        required_total=total,
        required_law_and_ethics=law_and_ethics,
    )

"""Training policy (docs/domain.md#training): pure functions, no database (see
docs/CONTRACTS.md 'Rules').

Records are read with their provider: load them with `select_related("provider")` (or build
unsaved instances with the provider set) so that no query runs here.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from core import policy
from core.review import ReviewStatus
from core.units import as_hours, hours_text
from training.models import Course, TrainingProvider, TrainingRecord


def provider_approved_on(provider: TrainingProvider, on: datetime.date) -> bool:
    """Whether `provider` was an approved training provider on `on`.

    `approved` False means the approval was withdrawn altogether (nothing from the provider
    counts); otherwise the approval period [approved_from, approved_until] applies, each end
    inclusive and open when empty, so a lapsed approval still covers training taken before it
    lapsed.
    """
    if not provider.approved:
        return False
    if provider.approved_from is not None and on < provider.approved_from:
        return False
    return provider.approved_until is None or on <= provider.approved_until


def core_record_problem(record: TrainingRecord, *, on: datetime.date | None = None) -> str | None:
    """Why a core-training record does not count toward the 80 hours, or None when it does.

    Not for specialization records (they never count toward the core hours).
    """
    completed = record.completed_on.isoformat()
    if record.status == ReviewStatus.REJECTED:
        return _("The training completed on %(date)s was rejected.") % {"date": completed}
    if record.status != ReviewStatus.VERIFIED:
        return _("The training completed on %(date)s has not been verified yet.") % {
            "date": completed
        }
    if record.completed_on < policy.TRAINING_EARLIEST_COMPLETION:
        return _(
            "The training completed on %(date)s does not count: training must be completed "
            "on or after %(earliest)s."
        ) % {"date": completed, "earliest": policy.TRAINING_EARLIEST_COMPLETION.isoformat()}
    if on is not None and record.completed_on > on:
        return _("The training completed on %(date)s comes after %(on)s, the date checked.") % {
            "date": completed,
            "on": on.isoformat(),
        }
    if not provider_approved_on(record.provider, record.completed_on):
        return _(
            "The training completed on %(date)s does not count: %(provider)s was not an "
            "approved training provider on that date."
        ) % {"date": completed, "provider": record.provider.name}
    return None


def verified_core_hours(
    records: Iterable[TrainingRecord], *, on: datetime.date | None = None
) -> Decimal:
    """Hours of core training that count: verified `core_80` records, completed on or after
    2022-07-01 (and not after `on`, when given), from a provider approved on the completion
    date."""
    return sum(
        (
            as_hours(r.hours)
            for r in records
            if r.course == Course.CORE_80 and core_record_problem(r, on=on) is None
        ),
        Decimal("0"),
    )


def training_sufficiency_problems(
    records: Iterable[TrainingRecord], *, on: datetime.date
) -> list[str]:
    """Why the person's training does not yet meet the 80-hour requirement on `on`; an empty
    list when it does.

    The first reason states the hours that count and the hours required; each core record that
    does not count follows with its own reason.
    """
    core = [r for r in records if r.course == Course.CORE_80]
    have = verified_core_hours(core, on=on)
    if have >= policy.CORE_TRAINING_HOURS:
        return []
    problems = [
        _(
            "%(have)s hours of verified core training count; %(need)s hours from an approved "
            "training provider are required."
        )
        % {"have": hours_text(have), "need": hours_text(policy.CORE_TRAINING_HOURS)}
    ]
    for record in core:
        problem = core_record_problem(record, on=on)
        if problem is not None:
            problems.append(problem)
    return problems

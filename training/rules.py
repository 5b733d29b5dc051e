"""Training policy (docs/domain.md#training): pure functions, no database (see
docs/CONTRACTS.md 'Rules').

Records are read with their provider: load them with `select_related("provider")` and
`prefetch_related("provider__course_approvals")` (or build unsaved instances with the provider
set) so that no query runs here.

Sources: the core training is one 80-hour course from one approved provider, completed on or
after 2022-07-01 (W&I §14045.13(c); BHIN 21-041; capeercertification.org/certification-initial/);
partial records are not added up (the provider's certificate of completion is the proof).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from core import policy
from core.review import ReviewStatus
from core.units import as_hours, hours_text
from training.models import Course, TrainingProvider, TrainingRecord


def provider_approved_on(
    provider: TrainingProvider, on: datetime.date, course: str | None = None
) -> bool:
    """Whether `provider` was an approved training provider on `on` (for `course`, "core_80" or
    an area's code, when given).

    `approved` False means every approval was withdrawn (nothing from the provider counts).
    Otherwise the provider counts when one of its course approvals (`providers.CourseApproval`,
    read through the reverse relation `course_approvals`; prefetch it to keep this free of
    queries) covers `on` and the course, or, for a provider listed by an operator
    (`approved_by_cycles` False), when `on` lies in its approval period [approved_from,
    approved_until], each end inclusive and open when empty. Either way a lapsed approval still
    covers training taken before it lapsed.
    """
    if not provider.approved:
        return False
    if not provider.approved_by_cycles and _listed_period_covers(provider, on):
        return True
    if provider.pk is None:
        return False
    return any(approval.covers(on, course) for approval in provider.course_approvals.all())


def _listed_period_covers(provider: TrainingProvider, on: datetime.date) -> bool:
    if provider.approved_from is not None and on < provider.approved_from:
        return False
    return provider.approved_until is None or on <= provider.approved_until


def _earliest_text() -> str:
    return policy.TRAINING_EARLIEST_COMPLETION.isoformat()


def completion_date_problem(completed_on: datetime.date) -> str | None:
    """Why a course completed on `completed_on` cannot count (core or specialization): it must
    be completed on or after 2022-07-01 (`policy.TRAINING_EARLIEST_COMPLETION`, domain.md#training).
    """
    if completed_on < policy.TRAINING_EARLIEST_COMPLETION:
        return _(
            "Training completed on %(date)s does not count: training must be completed on or "
            "after %(earliest)s."
        ) % {"date": completed_on.isoformat(), "earliest": _earliest_text()}
    return None


def provider_problem(
    provider: TrainingProvider, completed_on: datetime.date, course: str | None = None
) -> str | None:
    """Why `provider` does not count for a course (`course`, when given) completed on
    `completed_on`: it must have been approved on that date (domain.md#training)."""
    if not provider_approved_on(provider, completed_on, course):
        return _(
            "%(provider)s was not an approved training provider on %(date)s, the completion "
            "date: training from it does not count."
        ) % {"provider": provider.name, "date": completed_on.isoformat()}
    return None


def course_hours_required(course: str) -> Decimal:
    """The hours one course must have: 80 for the core training, 40 for a specialization
    (`policy.CORE_TRAINING_HOURS`, `policy.SPECIALIZATION_TRAINING_HOURS`)."""
    if course == Course.CORE_80:
        return policy.CORE_TRAINING_HOURS
    return policy.SPECIALIZATION_TRAINING_HOURS


def hours_problem(course: str, hours: Decimal | int | float | str) -> str | None:
    """Why a certificate of `hours` is not enough for one `course`: the core training is one
    course of at least 80 hours, a specialization one of at least 40; records are never added
    up (domain.md#training, #specializations)."""
    have = as_hours(hours)
    need = course_hours_required(course)
    if have >= need:
        return None
    if course == Course.CORE_80:
        return _(
            "The core training is one course of %(need)s hours from one provider; this "
            "certificate shows %(have)s hours. Partial courses are not added up."
        ) % {"need": hours_text(need), "have": hours_text(have)}
    return _(
        "A specialization course has %(need)s hours; this certificate shows %(have)s hours. "
        "Partial courses are not added up."
    ) % {"need": hours_text(need), "have": hours_text(have)}


def record_entry_problems(
    *,
    course: str,
    hours: Decimal | int | float | str,
    completed_on: datetime.date,
    provider: TrainingProvider,
) -> list[tuple[str, str]]:
    """Why a training record cannot be entered at all, as (field, reason) pairs, empty when it
    can: completed on or after 2022-07-01, from a provider approved on the completion date, and
    one course of the full hours (80 core, 40 specialization). Such a record could never count,
    so it is refused when it is entered, not only at review (domain.md#training)."""
    problems = []
    date_problem = completion_date_problem(completed_on)
    if date_problem is not None:
        problems.append(("completed_on", date_problem))
    approval_problem = provider_problem(provider, completed_on, course)
    if approval_problem is not None:
        problems.append(("provider", approval_problem))
    short = hours_problem(course, hours)
    if short is not None:
        problems.append(("hours", short))
    return problems


def specialization_order_problem(
    completed_on: datetime.date, core_completed_on: datetime.date | None
) -> str | None:
    """Why a specialization course completed on `completed_on` does not come after the core
    training completed on `core_completed_on` (None: no core training on record, as for a
    peer certified through another pathway, and nothing to compare).

    A specialization is taken after the core training (DOMAIN.md, Areas of specialization;
    capeercertification.org/specialization-training/). **Same day (our choice):** refused. One
    date cannot show which course ended first, and the published order is "after", so the
    specialization must be completed on a later day than the core course.
    """
    if core_completed_on is not None and completed_on <= core_completed_on:
        return _(
            "A specialization course counts only when it is completed after the core training "
            "(completed on %(core)s); this one was completed on %(date)s."
        ) % {"core": core_completed_on.isoformat(), "date": completed_on.isoformat()}
    return None


def core_record_problem(record: TrainingRecord, *, on: datetime.date | None = None) -> str | None:
    """Why a core-training record is not the one 80-hour course that counts, or None when it
    is: verified, completed on or after 2022-07-01 (and not after `on`, when given), from a
    provider approved on the completion date, at least 80 hours.

    Not for specialization records (they never count toward the core training).
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
        ) % {"date": completed, "earliest": _earliest_text()}
    if on is not None and record.completed_on > on:
        return _("The training completed on %(date)s comes after %(on)s, the date checked.") % {
            "date": completed,
            "on": on.isoformat(),
        }
    if not provider_approved_on(record.provider, record.completed_on, record.course):
        return _(
            "The training completed on %(date)s does not count: %(provider)s was not an "
            "approved training provider on that date."
        ) % {"date": completed, "provider": record.provider.name}
    hours = as_hours(record.hours)
    if hours < policy.CORE_TRAINING_HOURS:
        return _(
            "The training completed on %(date)s does not count: it has %(have)s hours, and "
            "the core training is one course of %(need)s hours (records are not added up)."
        ) % {
            "date": completed,
            "have": hours_text(hours),
            "need": hours_text(policy.CORE_TRAINING_HOURS),
        }
    return None


def counting_core_records(
    records: Iterable[TrainingRecord], *, on: datetime.date | None = None
) -> list[TrainingRecord]:
    """The core records that are each, on their own, the 80-hour course that counts, earliest
    completion first."""
    return sorted(
        (
            r
            for r in records
            if r.course == Course.CORE_80 and core_record_problem(r, on=on) is None
        ),
        key=lambda r: (r.completed_on, r.pk or 0),
    )


def verified_core_hours(
    records: Iterable[TrainingRecord], *, on: datetime.date | None = None
) -> Decimal:
    """The hours of the verified core course that counts (the longest, when several do), 0
    when none does: one 80-hour course, never a sum of records (domain.md#training)."""
    return max(
        (as_hours(r.hours) for r in counting_core_records(records, on=on)), default=Decimal("0")
    )


def core_training_completed_on(
    records: Iterable[TrainingRecord], *, on: datetime.date | None = None
) -> datetime.date | None:
    """The completion date of the person's core training: the earliest course that counts."""
    counting = counting_core_records(records, on=on)
    return counting[0].completed_on if counting else None


def training_sufficiency_problems(
    records: Iterable[TrainingRecord], *, on: datetime.date
) -> list[str]:
    """Why the person's training does not yet meet the core requirement on `on`; an empty list
    when one verified 80-hour course from an approved provider counts.

    The first reason states the requirement; each core record that does not count follows
    with its own reason.
    """
    core = [r for r in records if r.course == Course.CORE_80]
    if counting_core_records(core, on=on):
        return []
    problems = [
        _(
            "No verified core training counts yet: one course of %(need)s hours from an "
            "approved training provider is required."
        )
        % {"need": hours_text(policy.CORE_TRAINING_HOURS)}
    ]
    for record in core:
        problem = core_record_problem(record, on=on)
        if problem is not None:
            problems.append(problem)
    return problems

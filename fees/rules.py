"""Fee policy (docs/domain.md#fees): pure functions, no database.

Source: capeercertification.org/fee-schedule/ (application $100, exam $150 per sitting,
renewal $80, reinstatement $80); "fees are set by each program". The late renewal fee is not
published (our choice, `core.policy.DEFAULT_FEE_LATE_CENTS`). The program's defaults are the
operator-editable `counties.ProgramPolicy.fee_*_cents`; a county's `FeeSchedule` overrides
any of them.
"""

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counties.models import ProgramPolicy
from fees.models import FeeKind, FeeSchedule

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# The ProgramPolicy field holding the program's default for each kind of fee.
DEFAULT_FIELD = {
    FeeKind.APPLICATION: "fee_application_cents",
    FeeKind.EXAM: "fee_exam_cents",
    FeeKind.RENEWAL: "fee_renewal_cents",
    FeeKind.LATE: "fee_late_cents",
    FeeKind.REINSTATEMENT: "fee_reinstatement_cents",
}
# Why each kind of fee is charged, in the words shown to the person who owes it
# (capeercertification.org/fee-schedule/; the late fee: DHCS FAQ).
FEE_REASONS: dict[str, "StrOrPromise"] = {
    FeeKind.APPLICATION: gettext_lazy("Charged once for each application submitted."),
    FeeKind.EXAM: gettext_lazy("Charged for each sitting of the certification exam."),
    FeeKind.RENEWAL: gettext_lazy("Charged for each renewal of the certification."),
    FeeKind.LATE: gettext_lazy(
        "Charged when a certification is renewed or reinstated after its expiry date."
    ),
    FeeKind.REINSTATEMENT: gettext_lazy(
        "Charged to reinstate a certification after the late renewal period."
    ),
}

# A fee above this many cents ($10,000) is a typing mistake, not a program's choice.
MAX_FEE_CENTS = 1_000_000


def program_defaults(program_policy: ProgramPolicy) -> dict[str, int]:
    """The program's default amount of each kind of fee, in cents."""
    return {kind: getattr(program_policy, field) for kind, field in DEFAULT_FIELD.items()}


def fee_amounts(schedule: FeeSchedule | None, defaults: Mapping[str, int]) -> dict[str, int]:
    """The amount of each kind of fee a county charges, in cents: its schedule's own value,
    else the program's default."""
    amounts = dict(defaults)
    if schedule is not None:
        for kind in FeeKind.values:
            own = schedule.override(kind)
            if own is not None:
                amounts[kind] = own
    return amounts


def fee_value_problems(kind: str, cents: object) -> list[str]:
    """Why `cents` cannot be a county's amount for `kind` (empty: it can; None means "the
    program's default")."""
    if kind not in FeeKind.values:
        return [_("Unknown fee.")]
    if cents is None:
        return []
    if isinstance(cents, bool) or not isinstance(cents, int):
        return [_("Enter the amount in whole cents.")]
    if cents < 0:
        return [_("A fee cannot be negative.")]
    if cents > MAX_FEE_CENTS:
        return [_("A fee cannot be more than $%(max)s.") % {"max": f"{MAX_FEE_CENTS // 100:,}"}]
    return []


def dollars(cents: int) -> str:
    """`cents` as dollars for people to read: 10000 → "$100.00"."""
    return f"${cents / 100:,.2f}"


def fee_outstanding(
    amount_cents: int, *, paid_cents: int, waived: bool, covered_cents: int = 0
) -> int:
    """What is still owed on a fee of `amount_cents`: nothing once waived (a DHCS-funded renewal
    fee waiver), else the amount less what was paid and what a scholarship covers, never
    below zero."""
    if waived:
        return 0
    return max(0, amount_cents - paid_cents - covered_cents)


class FeeStatus:
    UNPAID = "unpaid"
    PART_PAID = "part_paid"
    PAID = "paid"
    WAIVED = "waived"
    COVERED = "covered"


FEE_STATUS_LABELS: dict[str, "StrOrPromise"] = {
    FeeStatus.UNPAID: gettext_lazy("Not paid"),
    FeeStatus.PART_PAID: gettext_lazy("Partly paid"),
    FeeStatus.PAID: gettext_lazy("Paid"),
    FeeStatus.WAIVED: gettext_lazy("Waived"),
    FeeStatus.COVERED: gettext_lazy("Covered by a scholarship"),
}


def fee_status(amount_cents: int, *, paid_cents: int, waived: bool, covered_cents: int = 0) -> str:
    """Where a fee stands: waived, covered by a scholarship (in full, nothing paid), paid,
    partly paid or not paid."""
    if waived:
        return FeeStatus.WAIVED
    outstanding = fee_outstanding(
        amount_cents, paid_cents=paid_cents, waived=False, covered_cents=covered_cents
    )
    if outstanding == 0:
        return FeeStatus.PAID if paid_cents else FeeStatus.COVERED
    if paid_cents or covered_cents:
        return FeeStatus.PART_PAID
    return FeeStatus.UNPAID


PAYMENT_METHODS = ("check", "money_order", "cash", "card", "transfer", "other")
# Methods whose payments carry a reference (a check or money order number, the card slip, the
# transfer's id): the receipt and the county's books match on it. Cash needs none.
METHODS_WITH_REFERENCE = ("check", "money_order", "card", "transfer")


def payment_problems(
    *,
    outstanding_cents: int,
    amount_cents: object,
    method: str,
    reference: str,
    paid_on: datetime.date,
    fee_due_on: datetime.date,
    today: datetime.date,
) -> list[str]:
    """Why a payment cannot be recorded against a fee owing `outstanding_cents` (empty: it
    can). A payment is more than zero and no more than what is owed (an over-payment is
    refused: the program refunds nothing it did not ask for); dated between the day the fee
    fell due and today; with its reference unless paid in cash."""
    problems: list[str] = []
    if outstanding_cents <= 0:
        return [_("Nothing is owed on this fee: it is paid, waived or covered.")]
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        problems.append(_("Enter an amount of more than $0.00."))
    elif amount_cents > outstanding_cents:
        problems.append(
            _("This is more than is owed (%(owed)s): record no more than the amount owed.")
            % {"owed": dollars(outstanding_cents)}
        )
    if method not in PAYMENT_METHODS:
        problems.append(_("Choose how the fee was paid."))
    elif method in METHODS_WITH_REFERENCE and not reference.strip():
        problems.append(_("Enter the reference (check or money order number, slip, transfer id)."))
    if paid_on > today:
        problems.append(_("The payment date cannot be in the future."))
    elif paid_on < fee_due_on:
        problems.append(
            _("The payment date cannot be before the fee fell due (%(date)s).")
            % {"date": fee_due_on.isoformat()}
        )
    return problems


def schedule_date_problems(effective_from: datetime.date, *, today: datetime.date) -> list[str]:
    """Why a fee schedule cannot take effect on `effective_from`: a change applies from today
    or a later date, never to the past (fees already due keep their amounts; the schedules
    in force before stay as the history)."""
    if effective_from < today:
        return [_("A fee change takes effect today or later, not in the past.")]
    return []

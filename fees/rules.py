"""Fee policy (docs/domain.md#fees): pure functions, no database.

Source: capeercertification.org/fee-schedule/ (application $100, exam $150 per sitting,
renewal $80, reinstatement $80); "fees are set by each program". The late renewal fee is not
published (our choice, `core.policy.DEFAULT_FEE_LATE_CENTS`). The program's defaults are the
operator-editable `counties.ProgramPolicy.fee_*_cents`; a county's `FeeSchedule` overrides
any of them.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.units import add_years
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


def unpaid_fee_problems(unpaid: Iterable[tuple[str, int]], *, step: str) -> list[str]:
    """Why the next `step` ("exam" or "renewal") waits: the fees still owed, as (label, cents
    owed), under the program's policy (`ProgramPolicy.unpaid_fees_hold_exam`,
    `unpaid_fees_hold_renewal`; our choice, docs/domain.md#fees). Empty when nothing is owed."""
    owed = [(label, cents) for label, cents in unpaid if cents > 0]
    if not owed:
        return []
    fees = ", ".join(f"{label} ({dollars(cents)})" for label, cents in owed)
    if step == "exam":
        return [
            _(
                "Fees still owed: %(fees)s. The program authorizes the exam once the "
                "application fee is paid or waived: it is paid to the county program, which "
                "records the payment."
            )
            % {"fees": fees}
        ]
    return [
        _(
            "Fees still owed: %(fees)s. The program renews or reinstates a certification once "
            "the fees owed on it before are paid or waived: they are paid to the county "
            "program, which records the payment."
        )
        % {"fees": fees}
    ]


def schedule_date_problems(effective_from: datetime.date, *, today: datetime.date) -> list[str]:
    """Why a fee schedule cannot take effect on `effective_from`: a change applies from today
    or a later date, never to the past (fees already due keep their amounts; the schedules
    in force before stay as the history)."""
    if effective_from < today:
        return [_("A fee change takes effect today or later, not in the past.")]
    return []


# Scholarships (capeercertification.org, scholarships: DHCS-funded, "must be used within 12
# months of the award", "not available to applicants on the out-of-state reciprocity
# pathway"; docs/domain.md#scholarships).
SCHOLARSHIP_VALID_YEARS = 1
OUT_OF_STATE_PATHWAY = "out_of_state"


def scholarship_expires_on(granted_on: datetime.date) -> datetime.date:
    """The last day a scholarship granted on `granted_on` may be used: 12 months on."""
    return add_years(granted_on, SCHOLARSHIP_VALID_YEARS)


def scholarship_use_problems(
    *, granted_on: datetime.date, on: datetime.date, pathway: str
) -> list[str]:
    """Why a scholarship granted on `granted_on` cannot cover a fee falling due on `on` on an
    application of `pathway` (empty: it can)."""
    if pathway == OUT_OF_STATE_PATHWAY:
        return [_("Scholarships are not available to the out-of-state pathway.")]
    if on > scholarship_expires_on(granted_on):
        return [
            _("This scholarship was granted on %(granted)s and had to be used by %(until)s.")
            % {
                "granted": granted_on.isoformat(),
                "until": scholarship_expires_on(granted_on).isoformat(),
            }
        ]
    return []


def pool_problems(
    *,
    places: int | None,
    amount_cents: int | None,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> list[str]:
    """Why a pool cannot be created with these values (empty: it can): a number of places or
    an amount, not both; a window that closes on or after it opens."""
    problems: list[str] = []
    if (places is None) == (amount_cents is None):
        problems.append(_("Give either a number of places or an amount, not both."))
    elif (places is not None and places <= 0) or (amount_cents is not None and amount_cents <= 0):
        problems.append(_("The places or the amount must be more than zero."))
    if closes_on < opens_on:
        problems.append(_("The pool cannot close before it opens."))
    return problems


def allocation_problems(
    *,
    places_left: int | None,
    amount_left_cents: int | None,
    amount_cents: int | None,
) -> list[str]:
    """Why one more scholarship cannot be granted from a pool with `places_left` (a places
    pool) or `amount_left_cents` (an amount pool) of `amount_cents` (empty: it can). Places and
    amounts are never allocated beyond the pool."""
    if places_left is not None:
        return [] if places_left > 0 else [_("No place is left in this pool.")]
    if amount_cents is None or amount_cents <= 0:
        return [_("Enter the amount asked for this person.")]
    assert amount_left_cents is not None
    if amount_cents > amount_left_cents:
        return [_("Only %(left)s is left in this pool.") % {"left": dollars(amount_left_cents)}]
    return []


def nomination_problems(
    *,
    opens_on: datetime.date,
    closes_on: datetime.date,
    on: datetime.date,
    pathway: str | None,
) -> list[str]:
    """Why a person cannot be nominated on `on` for a pool open from `opens_on` through
    `closes_on`, their application being on `pathway` (None: no application, e.g. a certified
    peer) (empty: they can)."""
    problems: list[str] = []
    if not opens_on <= on <= closes_on:
        problems.append(
            _("This pool is open from %(opens)s through %(closes)s.")
            % {"opens": opens_on.isoformat(), "closes": closes_on.isoformat()}
        )
    if pathway == OUT_OF_STATE_PATHWAY:
        problems.append(_("Scholarships are not available to the out-of-state pathway."))
    return problems

"""Fee policy (docs/domain.md#fees): pure functions, no database.

Source: capeercertification.org/fee-schedule/ (application $100, exam $150 per sitting,
renewal $80, reinstatement $80); "fees are set by each program". The late renewal fee is not
published (our choice, `core.policy.DEFAULT_FEE_LATE_CENTS`). The program's defaults are the
operator-editable `counties.ProgramPolicy.fee_*_cents`; a county's `FeeSchedule` overrides
any of them.
"""

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

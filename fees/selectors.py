"""Reads of fee schedules and fees due, scoped to who asks (docs/architecture.md#tenancy).

A county's fee amounts are public facts (the program publishes its fee schedule). Fees due are
private: the person's own, their county's staff, state staff; nobody else.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import can_read
from counties.models import County, ProgramPolicy
from counties.selectors import staff_county_ids
from fees import rules
from fees.models import FeeDue, FeeKind, FeeSchedule


def fee_schedule_of(county: County) -> FeeSchedule | None:
    """The county's own fee schedule row, or None when it charges the program's defaults."""
    return FeeSchedule.objects.filter(county=county).first()


def fee_amounts_of(county: County) -> dict[str, int]:
    """What `county` charges for each kind of fee now, in cents (`fees.rules.fee_amounts`)."""
    return rules.fee_amounts(
        fee_schedule_of(county), rules.program_defaults(ProgramPolicy.current())
    )


@dataclass(frozen=True)
class FeeLine:
    """One fee as a person reads it: what it is, how much, and why it is charged."""

    kind: str
    label: str
    amount_cents: int
    reason: str

    @property
    def amount(self) -> str:
        return rules.dollars(self.amount_cents)


def fee_line(kind: str, amount_cents: int) -> FeeLine:
    return FeeLine(
        kind=kind,
        label=str(FeeKind(kind).label),
        amount_cents=amount_cents,
        reason=str(rules.FEE_REASONS[kind]),
    )


def fee_lines_to_come(county: County, kinds: Iterable[str]) -> list[FeeLine]:
    """The fees of `kinds` that `county` would charge now (before they fall due), one line
    each."""
    amounts = fee_amounts_of(county)
    return [fee_line(kind, amounts[kind]) for kind in kinds]


def fee_lines_of(fees: Iterable[FeeDue]) -> list[FeeLine]:
    """Fees already due, one line each, at the amount recorded when each fell due."""
    return [fee_line(fee.kind, fee.amount_cents) for fee in fees]


def fees_due_for(user: User | AnonymousUser | None) -> QuerySet[FeeDue]:
    """The fees due `user` may see: their own; county staff their counties'; state staff
    all. Oldest first."""
    if not can_read(user):
        return FeeDue.objects.none()
    fees = FeeDue.objects.select_related("county")
    if user.is_state_staff:
        return fees
    return fees.filter(Q(person=user) | Q(county_id__in=staff_county_ids(user)))

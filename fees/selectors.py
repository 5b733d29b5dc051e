"""Reads of fee schedules and fees due, scoped to who asks (docs/architecture.md#tenancy).

A county's fee amounts are public facts (the program publishes its fee schedule). Fees due are
private: the person's own, their county's staff, state staff; nobody else.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.selectors import can_read
from counties.models import County, ProgramPolicy
from counties.selectors import staff_county_ids
from fees import rules
from fees.models import FeeDue, FeeKind, FeePayment, FeeSchedule, FeeWaiver


def fee_schedule_of(county: County, on: datetime.date | None = None) -> FeeSchedule | None:
    """The county's fee schedule in force on `on` (default today): its latest schedule taking
    effect on or before that day, or None when it charges the program's defaults."""
    on = on or timezone.localdate()
    return (
        FeeSchedule.objects.filter(county=county, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def fee_schedules_of(county: County) -> QuerySet[FeeSchedule]:
    """Every fee schedule of `county`, the latest first: the history and any change to come."""
    return FeeSchedule.objects.filter(county=county).order_by("-effective_from")


def fee_amounts_of(county: County, on: datetime.date | None = None) -> dict[str, int]:
    """What `county` charges for each kind of fee on `on` (default today), in cents
    (`fees.rules.fee_amounts`)."""
    return rules.fee_amounts(
        fee_schedule_of(county, on), rules.program_defaults(ProgramPolicy.current())
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


def _visible(rows: QuerySet, user: User | AnonymousUser | None) -> QuerySet:
    """`rows` (with `person` and `county`) that `user` may see: their own; county staff their
    counties'; state staff all."""
    if not can_read(user):
        return rows.none()
    if user.is_state_staff:
        return rows
    return rows.filter(Q(person=user) | Q(county_id__in=staff_county_ids(user)))


def fees_due_for(user: User | AnonymousUser | None) -> QuerySet[FeeDue]:
    """The fees due `user` may see: their own; county staff their counties'; state staff
    all. Oldest first."""
    return _visible(FeeDue.objects.select_related("county"), user)


def with_balance(fees: QuerySet[FeeDue]) -> QuerySet[FeeDue]:
    """`fees` annotated with `paid_cents` (the payments recorded) and `waived` (a renewal fee
    waiver applied to it); `rules.fee_outstanding` gives what is still owed."""
    paid = (
        FeePayment.objects.filter(fee=OuterRef("pk"))
        .values("fee")
        .annotate(total=Sum("amount_cents"))
        .values("total")
    )
    return fees.annotate(
        paid_cents=Coalesce(Subquery(paid, output_field=IntegerField()), Value(0)),
        waived=Exists(FeeWaiver.objects.filter(fee=OuterRef("pk"))),
    )


def paid_and_waived(fee: FeeDue) -> tuple[int, bool]:
    """The annotations `with_balance` put on `fee`: what was paid, and whether it is waived."""
    annotated: Any = fee
    return annotated.paid_cents, annotated.waived


def fee_outstanding_of(fee: FeeDue) -> int:
    """What is still owed on `fee` (annotated by `with_balance`)."""
    paid, waived = paid_and_waived(fee)
    return rules.fee_outstanding(fee.amount_cents, paid_cents=paid, waived=waived)


def fee_due_get(user: User | AnonymousUser | None, pk: int, county: County | None = None) -> FeeDue:
    """One fee due `user` may see, with its balance (404 otherwise, and outside `county` when
    given)."""
    fees = with_balance(fees_due_for(user).select_related("person"))
    if county is not None:
        fees = fees.filter(county=county)
    fee = fees.filter(pk=pk).first()
    if fee is None:
        raise Http404
    return fee


def fee_payments_for(user: User | AnonymousUser | None) -> QuerySet[FeePayment]:
    """The payments `user` may see: of their own fees; county staff their counties'; state
    staff all."""
    return _visible(FeePayment.objects.select_related("fee", "county", "person"), user)


def fee_payment_get(
    user: User | AnonymousUser | None, pk: int, county: County | None = None
) -> FeePayment:
    """One payment `user` may see (404 otherwise, and outside `county` when given)."""
    payments = fee_payments_for(user)
    if county is not None:
        payments = payments.filter(county=county)
    payment = payments.filter(pk=pk).first()
    if payment is None:
        raise Http404
    return payment


def fee_waivers_for(user: User | AnonymousUser | None) -> QuerySet[FeeWaiver]:
    """The renewal fee waivers `user` may see: their own; county staff their counties'; state
    staff all."""
    return _visible(FeeWaiver.objects.select_related("county", "person", "fee"), user)


@dataclass(frozen=True)
class FeeAccount:
    """One fee as its person and staff read it: the line, what was paid, what is owed."""

    fee: FeeDue
    line: FeeLine
    paid_cents: int
    outstanding_cents: int
    status: str
    payments: list[FeePayment]

    @property
    def paid(self) -> str:
        return rules.dollars(self.paid_cents)

    @property
    def outstanding(self) -> str:
        return rules.dollars(self.outstanding_cents)

    @property
    def status_label(self) -> str:
        return str(rules.FEE_STATUS_LABELS[self.status])


def fee_accounts(fees: QuerySet[FeeDue]) -> list[FeeAccount]:
    """Each of `fees` with its payments and balance, oldest first (two queries)."""
    rows = list(with_balance(fees).order_by("created_at", "id"))
    payments: dict[int, list[FeePayment]] = {}
    for payment in FeePayment.objects.filter(fee__in=[f.pk for f in rows]).order_by(
        "paid_on", "id"
    ):
        payments.setdefault(payment.fee_id, []).append(payment)
    accounts = []
    for fee in rows:
        paid, waived = paid_and_waived(fee)
        accounts.append(
            FeeAccount(
                fee=fee,
                line=fee_line(fee.kind, fee.amount_cents),
                paid_cents=paid,
                outstanding_cents=fee_outstanding_of(fee),
                status=rules.fee_status(fee.amount_cents, paid_cents=paid, waived=waived),
                payments=payments.get(fee.pk, []),
            )
        )
    return accounts


def outstanding_fees(fees: QuerySet[FeeDue]) -> list[FeeDue]:
    """Those of `fees` with something still owed (annotated by `with_balance`)."""
    return [fee for fee in with_balance(fees) if fee_outstanding_of(fee) > 0]


# Totals for reports (the annual program report, the API): what a county charged, collected
# and waived in a period. Unscoped: callers check who may read the county's figures.


def fees_charged_cents(county: County, start: datetime.date, end: datetime.date) -> int:
    """The amounts of the fees that fell due in `county` from `start` through `end`."""
    return _sum(
        FeeDue.objects.filter(
            county=county, created_at__date__gte=start, created_at__date__lte=end
        ),
        "amount_cents",
    )


def fees_collected_cents(county: County, start: datetime.date, end: datetime.date) -> int:
    """The payments recorded in `county` dated from `start` through `end`."""
    return _sum(
        FeePayment.objects.filter(county=county, paid_on__gte=start, paid_on__lte=end),
        "amount_cents",
    )


def fees_waived_cents(county: County, start: datetime.date, end: datetime.date) -> int:
    """The amounts of the fees waived in `county` (a renewal fee waiver applied) from `start`
    through `end`."""
    return _sum(
        FeeDue.objects.filter(
            county=county,
            waiver__applied_at__date__gte=start,
            waiver__applied_at__date__lte=end,
        ),
        "amount_cents",
    )


def _sum(rows: QuerySet, field: str) -> int:
    return rows.aggregate(total=Coalesce(Sum(field), Value(0)))["total"]

"""Paying what a person owes, for tests whose story goes past a step the program's fee holds
guard (on by default: the exam waits for the application fee, a renewal or reinstatement for
the fees owed on the certification before; docs/domain.md#fees). Each fee is paid in full,
in cash, through the real service, as the county's staff record it."""

import datetime

from django.utils import timezone

from accounts.models import User
from core.rls import rls_context
from fees.models import FeeDue, FeePayment
from fees.selectors import fee_outstanding_of, outstanding_fees
from fees.services import fee_payment_record


def pay_fees_owed(
    person: User, *, actor: User, on: datetime.date | None = None
) -> list[FeePayment]:
    """Record, by `actor` (staff of the fees' county), a cash payment of everything `person`
    still owes, dated `on` (default today); the payments, oldest fee first."""
    on = on or timezone.localdate()
    with rls_context(system=True):
        owed = outstanding_fees(FeeDue.objects.filter(person=person).order_by("created_at", "id"))
    return [
        fee_payment_record(
            actor=actor,
            fee=fee,
            amount_cents=fee_outstanding_of(fee),
            method="cash",
            paid_on=on,
            today=on,
        )
        for fee in owed
    ]

"""Paying what a person owes, for tests whose story goes past a step the program's fee holds
guard (on by default: the exam waits for the application fee, a renewal or reinstatement for
the fees owed on the certification before; docs/domain.md#fees). Each fee is paid in full,
in cash, through the real service, as the county's staff record it."""

import datetime

from django.utils import timezone

from accounts.models import User
from core.rls import rls_context
from fees.models import (
    FeeDue,
    FeePayment,
    ScholarshipNomination,
    ScholarshipPool,
    ScholarshipUse,
)
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


def cover_fee(fee: FeeDue, cents: int, *, nominated_by: User, pool_by: User) -> ScholarshipUse:
    """`cents` of `fee` covered by an accepted scholarship (the rows `fees.services` writes
    when a pool's administrator accepts a nomination), for tests of what is still owed."""
    today = timezone.localdate()
    pool = ScholarshipPool.objects.create(
        name="Pool",
        source="DHCS",
        covers="application_exam",
        places=5,
        opens_on=today,
        closes_on=today,
        created_by=pool_by,
    )
    nomination = ScholarshipNomination.objects.create(
        pool=pool,
        county=fee.county,
        person=fee.person,
        reason="r",
        status="accepted",
        nominated_by=nominated_by,
        granted_on=today,
    )
    return ScholarshipUse.objects.create(
        nomination=nomination, fee=fee, county=fee.county, person=fee.person, amount_cents=cents
    )

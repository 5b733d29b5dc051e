"""The demo's payments (docs/domain.md#fees): its people pay what they owe before the steps
the program's fee holds guard (on by default: the exam waits for the application fee, a
renewal or reinstatement for the fees owed on the certification before), through the real
service, on their own day (`demo.clock`). Called from `demo.story.Story`."""

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from fees.models import FeeDue
from fees.selectors import fee_outstanding_of, outstanding_fees
from fees.services import fee_payment_record

if TYPE_CHECKING:
    from demo.story import Story

# Days between the day a payment is made and the step it comes before.
PAID_BEFORE_EXAM_DAYS = 10
PAID_BEFORE_RENEWAL_DAYS = 5


def pay_owed(story: "Story", before: datetime.date, *, days_before: int) -> None:
    """The person pays, by check, everything they owe `days_before` days before the step of
    `before` (never before a fee fell due), recorded that day by the reviewer of the fee's
    county."""
    owed = outstanding_fees(
        FeeDue.objects.filter(person=story.person)
        .select_related("county")
        .order_by("created_at", "id")
    )
    if not owed:
        return
    due_on = max(timezone.localdate(fee.created_at) for fee in owed)
    day = max(before - datetime.timedelta(days=days_before), due_on)
    with story.step(day) as today:
        for fee in owed:
            fee_payment_record(
                actor=story.cast.reviewer(fee.county.code),
                fee=fee,
                amount_cents=fee_outstanding_of(fee),
                method="check",
                reference=f"{1000 + fee.pk}",
                paid_on=today,
                today=today,
            )

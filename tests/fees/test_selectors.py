"""fees.selectors: who sees which fees (the person's own, their county's staff, state staff),
and what is still owed on each."""

import pytest
from django.utils import timezone

from fees import rules
from fees.models import (
    FeeDue,
    FeePayment,
    FeeWaiver,
)
from fees.selectors import fee_outstanding_of, fees_due_for, owed_only, with_balance
from tests.certification.builders import approved_application
from tests.paying import cover_fee

pytestmark = pytest.mark.django_db


def _fee(application) -> FeeDue:
    return FeeDue.objects.create(
        county=application.county,
        person=application.applicant,
        kind="application",
        amount_cents=10000,
        application=application,
    )


def test_who_sees_which_fees(cast):
    alameda = _fee(approved_application(applicant=cast.applicant, county=cast.county))
    fresno = _fee(approved_application(applicant=cast.other_applicant, county=cast.other_county))

    seen = {name: set(fees_due_for(user)) for name, user in cast.everyone.items()}

    assert seen == {
        "anonymous": set(),
        "applicant": {alameda},
        "other_applicant": {fresno},
        "reviewer": {alameda},
        "admin": {alameda},
        "other_admin": {fresno},
        "state": {alameda, fresno},
    }


@pytest.mark.parametrize(
    ("paid", "waived", "covered"),
    [
        (0, False, 0),
        (4000, False, 0),
        (10000, False, 0),
        (0, False, 10000),
        (0, False, 6000),
        (3000, False, 6000),
        (0, True, 0),
        (2000, True, 0),
    ],
)
def test_the_owed_annotation_is_the_rule(cast, paid, waived, covered):
    """`with_balance`'s `outstanding_cents` (what lists filter on, in SQL) equals
    `rules.fee_outstanding` (what the pages and holds say) for every way a fee is settled."""
    fee = _fee(approved_application(applicant=cast.applicant, county=cast.county))
    if paid:
        FeePayment.objects.create(
            fee=fee,
            county=fee.county,
            person=fee.person,
            amount_cents=paid,
            method="cash",
            paid_on=timezone.localdate(),
            recorded_by=cast.reviewer,
        )
    if waived:
        FeeWaiver.objects.create(
            county=fee.county, person=fee.person, reason="r", granted_by=cast.reviewer, fee=fee
        )
    if covered:
        cover_fee(fee, covered, nominated_by=cast.reviewer, pool_by=cast.state)

    annotated = with_balance(FeeDue.objects.filter(pk=fee.pk)).get()
    expected = rules.fee_outstanding(10000, paid_cents=paid, waived=waived, covered_cents=covered)

    assert fee_outstanding_of(annotated) == expected
    assert owed_only(with_balance(FeeDue.objects.filter(pk=fee.pk))).exists() == (expected > 0)

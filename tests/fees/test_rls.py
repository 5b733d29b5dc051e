"""The row-level security wall on payments and waivers answers exactly what
`fees.selectors.fee_payments_for` and `fee_waivers_for` show each member of the cast, and
refuses writes outside one's county (SECURITY.md)."""

import pytest
from django.db import ProgrammingError
from django.utils import timezone

from fees.models import FeeDue, FeePayment, FeeWaiver
from fees.selectors import fee_payments_for, fee_waivers_for
from tests.security.test_rls import CAST, acting_as

pytestmark = pytest.mark.django_db


def _fee(person, county) -> FeeDue:
    from tests.certification.builders import approved_application

    application = approved_application(applicant=person, county=county)
    return FeeDue.objects.create(
        county=county,
        person=person,
        kind="application",
        amount_cents=10000,
        application=application,
    )


def _payment(fee, recorded_by) -> FeePayment:
    return FeePayment.objects.create(
        fee=fee,
        county=fee.county,
        person=fee.person,
        amount_cents=1000,
        method="cash",
        paid_on=timezone.localdate(),
        recorded_by=recorded_by,
    )


@pytest.fixture
def rows(cast):
    alameda = _fee(cast.applicant, cast.county)
    fresno = _fee(cast.other_applicant, cast.other_county)
    return {
        "payments": [_payment(alameda, cast.reviewer), _payment(fresno, cast.other_admin)],
        "waivers": [
            FeeWaiver.objects.create(
                county=cast.county, person=cast.applicant, reason="DHCS", granted_by=cast.admin
            ),
            FeeWaiver.objects.create(
                county=cast.other_county,
                person=cast.other_applicant,
                reason="DHCS",
                granted_by=cast.other_admin,
            ),
        ],
        "fees": [alameda, fresno],
    }


@pytest.mark.parametrize("who", CAST)
def test_raw_sql_answers_what_the_selectors_show(cast, rows, who):
    user = cast.everyone[who]
    expected = {
        "fees_feepayment": set(fee_payments_for(user).values_list("pk", flat=True)),
        "fees_feewaiver": set(fee_waivers_for(user).values_list("pk", flat=True)),
    }
    with acting_as(user) as cursor:
        for table, ids in expected.items():
            cursor.execute(f"SELECT id FROM {table}")
            assert {row[0] for row in cursor.fetchall()} == ids, (who, table)
    if who == "reviewer":
        assert expected["fees_feepayment"] == {rows["payments"][0].pk}


def test_staff_cannot_record_a_payment_in_another_county_nor_change_or_delete_one(cast, rows):
    fresno_fee = rows["fees"][1]
    before = list(FeePayment.objects.order_by("pk").values_list("pk", "amount_cents"))
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "INSERT INTO fees_feepayment (fee_id, county_id, person_id, amount_cents, method, "
            "reference, paid_on, recorded_by_id, recorded_at) "
            "VALUES (%s, %s, %s, 1, 'cash', '', now(), %s, now())",
            [fresno_fee.pk, fresno_fee.county_id, fresno_fee.person_id, cast.admin.pk],
        )
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="denied"):
        cursor.execute("UPDATE fees_feepayment SET amount_cents = 1")
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="denied"):
        cursor.execute("DELETE FROM fees_feewaiver")
    with acting_as(cast.admin) as cursor:
        cursor.execute(
            "UPDATE fees_feewaiver SET reason = 'x' WHERE county_id = %s", [cast.other_county.pk]
        )
        assert cursor.rowcount == 0
    assert list(FeePayment.objects.order_by("pk").values_list("pk", "amount_cents")) == before
    assert set(FeeWaiver.objects.values_list("reason", flat=True)) == {"DHCS"}

"""Voiding a payment recorded by mistake (docs/domain.md#fees): a separate void row (who, when,
why), the payment never changed nor deleted; the fee owed again and its hold back; every total
without it; its receipt marked VOID; once per payment; only by the staff of its county."""

import io
import uuid

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.db import ProgrammingError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from certification.exam_authorization import exam_authorization_answer
from core.errors import DomainError
from fees.models import FeeDue, FeePayment, FeePaymentVoid
from fees.receipts import receipt_pdf
from fees.selectors import (
    fee_accounts,
    fee_payments_for,
    fee_report_totals,
    fee_totals_by_county,
    fees_collected_cents,
    unpaid_application_fees,
)
from fees.services import fee_due_record, fee_payment_record, fee_payment_void
from jobs.models import OutboxMessage
from tests.certification.builders import approved_application, today
from tests.portal.conftest import client_for
from tests.security.test_rls import CAST, acting_as

pytestmark = pytest.mark.django_db


def _fee(cast, applicant=None) -> FeeDue:
    application = approved_application(applicant=applicant, county=cast.county)
    return fee_due_record(
        actor=None,
        county=cast.county,
        person=application.applicant,
        kind="application",
        application=application,
    )


def _pay(cast, fee, amount=10000) -> FeePayment:
    return fee_payment_record(
        actor=cast.reviewer,
        fee=fee,
        amount_cents=amount,
        method="check",
        reference="1042",
        paid_on=today(),
    )


def _account(fee):
    return fee_accounts(FeeDue.objects.filter(pk=fee.pk))[0]


def _snapshot():
    return (
        list(FeePayment.objects.order_by("pk").values_list("pk", "amount_cents", "fee_id")),
        list(FeePaymentVoid.objects.order_by("pk").values_list("pk", "payment_id")),
        AuditEvent.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_a_void_keeps_the_payment_and_the_fee_is_owed_again(cast):
    fee = _fee(cast)
    payment = _pay(cast, fee)
    kept = FeePayment.objects.filter(pk=payment.pk).values().get()
    assert _account(fee).status == "paid"

    void = fee_payment_void(actor=cast.admin, payment=payment, reason=" Wrong fee. ")

    assert FeePayment.objects.filter(pk=payment.pk).values().get() == kept
    assert (void.payment, void.voided_by, void.reason, void.county, void.person) == (
        payment,
        cast.admin,
        "Wrong fee.",
        cast.county,
        fee.person,
    )
    assert void.voided_at is not None
    account = _account(fee)
    assert (account.status, account.paid_cents, account.outstanding_cents) == ("unpaid", 0, 10000)
    assert [p.is_void for p in account.payments] == [True]
    event = AuditEvent.objects.get(verb="fee_payment_void")
    assert (event.actor, event.subject, event.county, event.object_id, event.reason) == (
        cast.admin,
        fee.person,
        cast.county,
        payment.pk,
        "Wrong fee.",
    )
    assert event.data["outstanding_cents"] == 10000 and event.data["void_id"] == void.pk
    email = OutboxMessage.objects.get(kwargs__kind="fee_payment_voided")
    assert email.kwargs["context"]["outstanding"] == "$100.00"
    assert email.kwargs["context"]["reason"] == "Wrong fee."
    # The right payment can be recorded afterwards, up to the whole fee again.
    _pay(cast, fee, 10000)
    assert _account(fee).status == "paid"


def test_voiding_twice_voids_once(cast):
    payment = _pay(cast, _fee(cast))
    first = fee_payment_void(actor=cast.reviewer, payment=payment, reason="Wrong amount.")
    before = _snapshot()

    again = fee_payment_void(actor=cast.admin, payment=payment, reason="Something else.")

    assert again == first and _snapshot() == before


def test_a_void_needs_a_reason(cast):
    payment = _pay(cast, _fee(cast))
    before = _snapshot()
    with pytest.raises(DomainError) as error:
        fee_payment_void(actor=cast.reviewer, payment=payment, reason="   ")
    assert error.value.field == "reason"
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["other_admin", "state", "applicant"])
def test_only_the_county_staff_void(cast, who):
    payment = _pay(cast, _fee(cast))
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        fee_payment_void(actor=cast.everyone[who], payment=payment, reason="Wrong fee.")
    assert _snapshot() == before


def test_the_exam_waits_again_for_the_voided_application_fee(cast):
    fee = _fee(cast)
    payment = _pay(cast, fee)
    application = fee.application

    def fee_holds() -> list[str]:
        problems = exam_authorization_answer(checks=[(application, today())])[0]
        return [problem for problem in problems if "Fees still owed" in problem]

    assert unpaid_application_fees([application.pk]) == {}
    assert fee_holds() == []

    fee_payment_void(actor=cast.reviewer, payment=payment, reason="Check returned unpaid.")

    assert unpaid_application_fees([application.pk]) == {application.pk: [fee]}
    assert len(fee_holds()) == 1 and "$100.00" in fee_holds()[0]


def test_every_total_leaves_a_voided_payment_out(cast):
    fee = _fee(cast)
    voided = _pay(cast, fee, 6000)
    _pay(cast, fee, 4000)
    fee_payment_void(actor=cast.reviewer, payment=voided, reason="Recorded twice.")
    start = end = today()

    assert fees_collected_cents(cast.county, start, end) == 4000
    assert fee_report_totals(cast.county, start, end)["collected"] == {"cents": 4000, "count": 1}
    # What the API's /api/v1/fees/totals/ serves (tests/api/test_fee_totals.py).
    assert fee_totals_by_county([cast.county], start, end)[0]["fees_collected_cents"] == 4000


def test_the_receipt_of_a_voided_payment_says_void(cast):
    payment = _pay(cast, _fee(cast))

    def text() -> str:
        pdf = pypdf.PdfReader(io.BytesIO(receipt_pdf(FeePayment.objects.get(pk=payment.pk))))
        return " ".join(page.extract_text() for page in pdf.pages)

    assert "VOID" not in text()
    fee_payment_void(actor=cast.reviewer, payment=payment, reason="Wrong person.")
    voided = text()
    assert "VOID" in voided and "Wrong person." in voided


# The pages.


def _void_url(cast, payment) -> str:
    return reverse("workspace:fee_payment_void", args=[cast.county.code, payment.pk])


def test_staff_void_from_the_fee_page_after_confirming(cast):
    fee = _fee(cast)
    payment = _pay(cast, fee)
    reviewer = client_for(cast.reviewer)
    fee_page = reviewer.get(reverse("workspace:fee", args=[cast.county.code, fee.pk]))
    assert _void_url(cast, payment) in fee_page.content.decode()

    confirm = reviewer.get(_void_url(cast, payment)).content.decode()
    assert 'name="reason"' in confirm and "data-confirm=" in confirm
    assert payment.receipt_number in confirm
    assert not FeePaymentVoid.objects.exists()  # the confirmation page changes nothing

    response = reviewer.post(_void_url(cast, payment), {"reason": "Wrong fee."})
    again = reviewer.post(_void_url(cast, payment), {"reason": "Wrong fee."})

    assert response.status_code == again.status_code == 302
    assert FeePaymentVoid.objects.get().payment == payment
    assert AuditEvent.objects.filter(verb="fee_payment_void").count() == 1
    page = reviewer.get(response["Location"]).content.decode()
    assert "Voided" in page and "Wrong fee." in page
    assert re_outstanding(page) == "$100.00"
    assert _void_url(cast, payment) not in page  # no second void offered
    # The person's own fees page says so too.
    mine = client_for(fee.person).get(reverse("portal:fees")).content.decode()
    assert "voided" in mine.lower() and "You owe $100.00 in all." in mine


def re_outstanding(page: str) -> str:
    import re

    found = re.search(r'id="fee-outstanding">([^<]+)<', page)
    assert found is not None
    return found.group(1)


def test_a_void_without_a_reason_is_a_form_error(cast):
    payment = _pay(cast, _fee(cast))
    before = _snapshot()

    response = client_for(cast.reviewer).post(_void_url(cast, payment), {"reason": ""})

    assert response.status_code == 200 and 'name="reason"' in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(("who", "status"), [("other_admin", 404), ("state", 403)])
def test_another_county_gets_404_and_a_reader_403_and_nothing_changes(cast, who, status):
    payment = _pay(cast, _fee(cast))
    before = _snapshot()

    response = client_for(cast.everyone[who]).post(_void_url(cast, payment), {"reason": "x"})

    assert response.status_code == status
    assert _snapshot() == before


@pytest.mark.parametrize("who", CAST)
def test_the_wall_shows_a_void_to_whoever_sees_the_payment(cast, who):
    alameda = _pay(cast, _fee(cast, applicant=cast.applicant))
    fee_payment_void(actor=cast.reviewer, payment=alameda, reason="Wrong fee.")
    user = cast.everyone[who]
    expected = set(
        FeePaymentVoid.objects.filter(payment__in=fee_payments_for(user).values("pk")).values_list(
            "pk", flat=True
        )
    )

    with acting_as(user) as cursor:
        cursor.execute("SELECT id FROM fees_feepaymentvoid")
        assert {row[0] for row in cursor.fetchall()} == expected, who
    if who in ("other_admin", "other_applicant", "anonymous"):
        assert expected == set()


def test_staff_cannot_void_in_another_county_nor_change_or_delete_a_void(cast):
    payment = _pay(cast, _fee(cast))
    void = fee_payment_void(actor=cast.reviewer, payment=payment, reason="Wrong fee.")
    before = _snapshot()
    with acting_as(cast.other_admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "INSERT INTO fees_feepaymentvoid (payment_id, county_id, person_id, reason,"
            " voided_by_id, voided_at) VALUES (%s, %s, %s, 'x', %s, now())",
            [payment.pk, cast.county.pk, payment.person_id, cast.other_admin.pk],
        )
    for statement in (
        "UPDATE fees_feepaymentvoid SET reason = 'y' WHERE id = %s",
        "DELETE FROM fees_feepaymentvoid WHERE id = %s",
    ):
        with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError):
            cursor.execute(statement, [void.pk])
    assert _snapshot() == before


def test_the_idempotency_of_payments_still_holds_after_a_void(cast):
    """A resent payment form of a voided payment records nothing new."""
    fee = _fee(cast)
    key = uuid.uuid4()
    payment = fee_payment_record(
        actor=cast.reviewer,
        fee=fee,
        amount_cents=10000,
        method="cash",
        paid_on=timezone.localdate(),
        idempotency_key=key,
    )
    fee_payment_void(actor=cast.reviewer, payment=payment, reason="Wrong fee.")
    again = fee_payment_record(
        actor=cast.reviewer,
        fee=fee,
        amount_cents=10000,
        method="cash",
        paid_on=timezone.localdate(),
        idempotency_key=key,
    )
    assert again == payment and FeePayment.objects.count() == 1


def test_a_renewal_waits_again_for_the_voided_fee(cast):
    from tests.fees.test_holds import _renew, _renewable

    application = approved_application(county=cast.county)
    fee = fee_due_record(
        actor=None,
        county=cast.county,
        person=application.applicant,
        kind="application",
        application=application,
    )
    payment = _pay(cast, fee)
    certification = _renewable(cast, application)
    before = certification.expires_on

    fee_payment_void(actor=cast.reviewer, payment=payment, reason="Check returned unpaid.")

    with pytest.raises(DomainError) as refused:
        _renew(certification)
    assert refused.value.code == "conflict"
    assert "Fees still owed: Application fee ($100.00)" in refused.value.message
    certification.refresh_from_db()
    assert certification.expires_on == before and not certification.renewals.exists()
    # The workspace's certification page shows the hold again, with the link to record it.
    page = client_for(cast.reviewer).get(
        reverse("workspace:certification", args=[cast.county.code, certification.pk])
    )
    assert (
        reverse("workspace:fee_payment_record", args=[cast.county.code, fee.pk])
        in page.content.decode()
    )


def test_the_wall_refuses_a_void_whose_county_is_not_its_payments(cast):
    """Another county's staff naming their own county on the void of a payment they cannot
    see (a forged row, past the services) void nothing: the wall checks the void's county and
    person are those of the payment, read as the session may read it."""
    payment = _pay(cast, _fee(cast))
    before = _snapshot()
    with acting_as(cast.other_admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "INSERT INTO fees_feepaymentvoid (payment_id, county_id, person_id, reason,"
            " voided_by_id, voided_at) VALUES (%s, %s, %s, 'x', %s, now())",
            [payment.pk, cast.other_county.pk, payment.person_id, cast.other_admin.pk],
        )
    assert _snapshot() == before
    # Nor a person other than the payment's, in the payment's own county.
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "INSERT INTO fees_feepaymentvoid (payment_id, county_id, person_id, reason,"
            " voided_by_id, voided_at) VALUES (%s, %s, %s, 'x', %s, now())",
            [payment.pk, cast.county.pk, cast.admin.pk, cast.admin.pk],
        )
    assert _snapshot() == before


def test_the_wall_refuses_a_payment_whose_county_is_not_its_fees(cast):
    """Likewise a payment: another county's staff naming their own county on a payment of an
    Alameda fee (a forged row) would count it as paid there and release its hold."""
    fee = _fee(cast)
    before = _snapshot()
    statement = (
        "INSERT INTO fees_feepayment (fee_id, county_id, person_id, amount_cents, method,"
        " reference, paid_on, recorded_by_id, recorded_at)"
        " VALUES (%s, %s, %s, 100, 'cash', '', now(), %s, now())"
    )
    with acting_as(cast.other_admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            statement, [fee.pk, cast.other_county.pk, fee.person_id, cast.other_admin.pk]
        )
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(statement, [fee.pk, cast.county.pk, cast.admin.pk, cast.admin.pk])
    assert _snapshot() == before

"""County staff record payments against a fee (partial ones too, never more than is owed),
each with a receipt; DHCS-funded renewal fee waivers make a renewal fee zero
(docs/domain.md#fees)."""

import datetime
import io
import uuid

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from audit.models import AuditEvent
from certification.services import certification_renew
from core.errors import DomainError
from fees.models import FeeDue, FeePayment, FeeWaiver
from fees.receipts import receipt_pdf
from fees.selectors import fee_accounts, fee_due_get, fees_due_for
from fees.services import fee_due_record, fee_payment_record, fee_waiver_grant
from jobs.models import OutboxMessage
from tests.certification.builders import approved_application, certification_in, today
from tests.factories import CeCreditFactory, EthicsVersionFactory

pytestmark = pytest.mark.django_db


def _application_fee(cast) -> FeeDue:
    application = approved_application(county=cast.county)
    return fee_due_record(
        actor=None,
        county=cast.county,
        person=application.applicant,
        kind="application",
        application=application,
    )


def _pay(cast, fee, amount=10000, **kw) -> FeePayment:
    kw.setdefault("method", "check")
    kw.setdefault("reference", "1042")
    kw.setdefault("paid_on", today())
    return fee_payment_record(
        actor=kw.pop("actor", cast.reviewer), fee=fee, amount_cents=amount, **kw
    )


def _snapshot():
    return (
        list(FeePayment.objects.values_list("pk", "amount_cents")),
        list(FeeWaiver.objects.values_list("pk", "fee_id")),
        AuditEvent.objects.count(),
        OutboxMessage.objects.count(),
    )


def _account(fee):
    return fee_accounts(FeeDue.objects.filter(pk=fee.pk))[0]


def test_a_part_payment_then_the_rest(cast):
    fee = _application_fee(cast)

    first = _pay(cast, fee, 4000, method="cash", reference="")
    assert (_account(fee).status, _account(fee).outstanding_cents) == ("part_paid", 6000)
    second = _pay(cast, fee, 6000, method="money_order", reference="MO-77")

    account = _account(fee)
    assert (account.status, account.paid_cents, account.outstanding_cents) == ("paid", 10000, 0)
    assert [p.pk for p in account.payments] == [first.pk, second.pk]
    event = AuditEvent.objects.get(verb="fee_payment_record", object_id=second.pk)
    assert (event.actor, event.subject, event.county) == (cast.reviewer, fee.person, cast.county)
    assert event.data["outstanding_cents"] == 0 and event.data["reference"] == "MO-77"
    emails = OutboxMessage.objects.filter(kwargs__kind="fee_payment_recorded")
    assert [m.kwargs["context"]["outstanding"] for m in emails.order_by("pk")] == [
        "$60.00",
        "$0.00",
    ]
    assert second.receipt_number == f"R{today().year}-{second.pk:06d}"


def test_an_over_payment_is_refused_and_changes_nothing(cast):
    fee = _application_fee(cast)
    _pay(cast, fee, 7000)
    before = _snapshot()

    with pytest.raises(DomainError) as refused:
        _pay(cast, fee, 3001)

    assert "more than is owed ($30.00)" in refused.value.message
    assert _snapshot() == before


def test_nothing_more_is_taken_on_a_paid_fee(cast):
    fee = _application_fee(cast)
    _pay(cast, fee)
    before = _snapshot()

    with pytest.raises(DomainError, match="Nothing is owed"):
        _pay(cast, fee, 1)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": 0}, "Enter an amount"),
        ({"method": "check", "reference": " "}, "Enter the reference"),
        ({"method": "bitcoin"}, "Choose how the fee was paid"),
        ({"paid_on": datetime.date(2999, 1, 1)}, "cannot be in the future"),
        ({"paid_on": datetime.date(2000, 1, 1)}, "before the fee fell due"),
    ],
)
def test_a_bad_payment_is_refused_with_its_reason(cast, fields, message):
    fee = _application_fee(cast)
    before = _snapshot()
    amount = fields.pop("amount", 10000)

    with pytest.raises(DomainError, match=message):
        _pay(cast, fee, amount, **fields)
    assert _snapshot() == before


def test_the_same_form_sent_twice_records_one_payment(cast):
    fee = _application_fee(cast)
    key = uuid.uuid4()

    first = _pay(cast, fee, 5000, idempotency_key=key)
    again = _pay(cast, fee, 5000, idempotency_key=key)

    assert first.pk == again.pk
    assert FeePayment.objects.count() == 1
    assert AuditEvent.objects.filter(verb="fee_payment_record").count() == 1


@pytest.mark.parametrize("who", ["other_admin", "state", "applicant", "anonymous"])
def test_only_the_countys_staff_record_a_payment(cast, who):
    fee = _application_fee(cast)
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        _pay(cast, fee, actor=cast.everyone[who])
    assert _snapshot() == before


def test_the_receipt_pdf_says_what_was_paid_and_what_is_left(cast):
    fee = _application_fee(cast)
    payment = _pay(cast, fee, 2500, method="check", reference="1042")

    data = receipt_pdf(payment)

    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    for expected in (payment.receipt_number, "$25.00", "$100.00", "$75.00", "1042", "Alameda"):
        assert expected in text
    with translation.override("es"):
        spanish = receipt_pdf(payment)
    spanish_text = pypdf.PdfReader(io.BytesIO(spanish)).pages[0].extract_text()
    assert "Recibo" in spanish_text


def test_the_person_sees_their_fees_and_other_counties_do_not(cast):
    fee = _application_fee(cast)

    assert fee_due_get(fee.person, fee.pk).pk == fee.pk
    assert not fees_due_for(cast.other_admin).filter(pk=fee.pk).exists()
    with pytest.raises(Http404):
        fee_due_get(cast.other_admin, fee.pk)


# Renewal fee waivers


def _renewable(cast):
    certification = certification_in(
        issuing_county=cast.county,
        issued_on=today() - datetime.timedelta(days=700),
        expires_on=today() + datetime.timedelta(days=30),
    )
    CeCreditFactory(certification=certification, hours=20, status="verified")
    return certification


def _renew(certification):
    return certification_renew(
        actor=certification.holder,
        certification=certification,
        ethics_version=EthicsVersionFactory(),
        attest_ce=True,
        attest_records=True,
    )


def test_a_waiver_granted_before_the_renewal_makes_its_fee_zero(cast):
    certification = _renewable(cast)
    waiver = fee_waiver_grant(
        actor=cast.reviewer, county=cast.county, person=certification.holder, reason="DHCS FY26"
    )
    assert waiver.fee is None

    renewal = _renew(certification)

    fee = FeeDue.objects.get(renewal=renewal)
    waiver.refresh_from_db()
    assert waiver.fee == fee and waiver.applied_at is not None
    account = _account(fee)
    assert (account.status, account.outstanding_cents) == ("waived", 0)
    assert AuditEvent.objects.filter(verb="fee_waiver_apply", object_id=waiver.pk).count() == 1
    with pytest.raises(DomainError, match="Nothing is owed"):
        _pay(cast, fee, 1)


def test_a_waiver_granted_after_the_renewal_waives_the_unpaid_renewal_fee(cast):
    certification = _renewable(cast)
    renewal = _renew(certification)
    fee = FeeDue.objects.get(renewal=renewal)

    waiver = fee_waiver_grant(
        actor=cast.admin, county=cast.county, person=certification.holder, reason="DHCS FY26"
    )

    assert waiver.fee == fee
    assert _account(fee).status == "waived"
    email = OutboxMessage.objects.get(kwargs__kind="fee_waiver_granted")
    assert email.kwargs["context"]["applied"] is True


def test_the_late_fee_is_not_waived(cast):
    certification = certification_in(
        "expired",
        issuing_county=cast.county,
        issued_on=today() - datetime.timedelta(days=800),
        expires_on=today() - datetime.timedelta(days=70),
    )
    fee_waiver_grant(
        actor=cast.admin, county=cast.county, person=certification.holder, reason="DHCS"
    )

    renewal = _renew(certification)

    statuses = {a.fee.kind: a.status for a in fee_accounts(FeeDue.objects.filter(renewal=renewal))}
    assert statuses == {"renewal": "waived", "late": "unpaid"}


def test_granting_twice_grants_one_waiver(cast):
    certification = _renewable(cast)
    first = fee_waiver_grant(
        actor=cast.admin, county=cast.county, person=certification.holder, reason="DHCS"
    )
    again = fee_waiver_grant(
        actor=cast.admin, county=cast.county, person=certification.holder, reason="DHCS"
    )
    assert first.pk == again.pk and FeeWaiver.objects.count() == 1


@pytest.mark.parametrize("who", ["other_admin", "state", "applicant", "anonymous"])
def test_only_the_countys_staff_grant_a_waiver(cast, who):
    certification = _renewable(cast)
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        fee_waiver_grant(
            actor=cast.everyone[who],
            county=cast.county,
            person=certification.holder,
            reason="DHCS",
        )
    assert _snapshot() == before


def test_a_waiver_needs_its_reason(cast):
    certification = _renewable(cast)
    with pytest.raises(DomainError) as refused:
        fee_waiver_grant(
            actor=cast.admin, county=cast.county, person=certification.holder, reason="  "
        )
    assert refused.value.field == "reason" and not FeeWaiver.objects.exists()

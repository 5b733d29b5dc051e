"""The fee pages: county staff list what is owed, record payments (with a confirmation page,
once per form) and grant waivers; the person reads what they owe, why, how to pay and their
receipts, in English and Spanish."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from fees.models import (
    FeeDue,
    FeePayment,
    FeeWaiver,
)
from fees.selectors import outstanding_fees
from fees.services import fee_due_record
from tests.certification.builders import approved_application, certification_in
from tests.paying import cover_fee
from tests.portal.conftest import client_for

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


def _post(cast, fee, **data):
    payload = {
        "amount": "40.00",
        "method": "check",
        "reference": "1001",
        "paid_on": timezone.localdate().isoformat(),
        "idempotency_key": str(uuid.uuid4()),
        **data,
    }
    url = reverse("workspace:fee_payment_record", args=[cast.county.code, fee.pk])
    return client_for(cast.reviewer).post(url, payload)


def test_staff_record_a_payment_and_the_fee_page_shows_its_receipt(cast):
    fee = _fee(cast)
    reviewer = client_for(cast.reviewer)
    form = reviewer.get(reverse("workspace:fee_payment_record", args=[cast.county.code, fee.pk]))
    assert form.status_code == 200 and 'name="idempotency_key"' in form.content.decode()

    response = _post(cast, fee)

    assert response.status_code == 302
    payment = FeePayment.objects.get()
    assert (payment.amount_cents, payment.method, payment.recorded_by) == (
        4000,
        "check",
        cast.reviewer,
    )
    page = reviewer.get(response["Location"]).content.decode()
    assert "$60.00" in page and payment.receipt_number in page
    receipt = reviewer.get(reverse("workspace:fee_receipt", args=[cast.county.code, payment.pk]))
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")


def test_a_double_click_records_one_payment(cast):
    fee = _fee(cast)
    key = str(uuid.uuid4())

    assert _post(cast, fee, idempotency_key=key).status_code == 302
    assert _post(cast, fee, idempotency_key=key).status_code == 302

    assert FeePayment.objects.count() == 1


def test_an_over_payment_is_shown_on_the_form_and_changes_nothing(cast):
    fee = _fee(cast)
    events = AuditEvent.objects.count()

    response = _post(cast, fee, amount="100.01")

    assert response.status_code == 200
    assert "more than is owed ($100.00)" in response.content.decode()
    assert not FeePayment.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.parametrize("amount", ["abc", "-5", "1e9", "0.001", ""])
def test_a_bad_amount_is_a_form_error_never_a_500(cast, amount):
    fee = _fee(cast)
    assert _post(cast, fee, amount=amount).status_code == 200
    assert not FeePayment.objects.exists()


def test_the_list_shows_what_is_owed_and_pages(cast):
    fees = [_fee(cast) for _ in range(27)]
    paid = fees[0]
    FeePayment.objects.create(
        fee=paid,
        county=paid.county,
        person=paid.person,
        amount_cents=10000,
        method="cash",
        paid_on=timezone.localdate(),
        recorded_by=cast.reviewer,
    )
    reviewer = client_for(cast.reviewer)
    url = reverse("workspace:fees", args=[cast.county.code])

    first = reviewer.get(url).content.decode()
    second = reviewer.get(url, {"page": 2}).content.decode()
    everything = reviewer.get(url, {"show": "all", "page": 2}).content.decode()

    def links(page: str) -> int:
        return len(re.findall(r'href="/county/alameda/fees/\d+/"', page))

    assert links(first) == 25
    assert links(second) == 1  # 26 owed: the paid one is not
    assert links(everything) == 2
    assert reviewer.get(url, {"page": "x"}).status_code == 200


def _cover(cast, fee, cents) -> None:
    cover_fee(fee, cents, nominated_by=cast.reviewer, pool_by=cast.state)


def test_the_owed_list_agrees_with_the_fee_page_on_scholarships_and_waivers(cast):
    covered, waived, part_covered, unpaid = (_fee(cast) for _ in range(4))
    _cover(cast, covered, 10000)
    _cover(cast, part_covered, 5000)
    FeeWaiver.objects.create(
        county=cast.county,
        person=waived.person,
        reason="DHCS",
        granted_by=cast.reviewer,
        fee=waived,
        applied_at=timezone.now(),
    )
    reviewer = client_for(cast.reviewer)
    url = reverse("workspace:fees", args=[cast.county.code])

    owed = reviewer.get(url).content.decode()
    everything = reviewer.get(url, {"show": "all"}).content.decode()

    listed = {int(pk) for pk in re.findall(r'href="/county/alameda/fees/(\d+)/"', owed)}
    assert listed == {part_covered.pk, unpaid.pk}
    # The same fees the fee pages and the holds call owed (fees.selectors.outstanding_fees).
    assert listed == {fee.pk for fee in outstanding_fees(FeeDue.objects.all())}
    for fee in (covered, waived, part_covered, unpaid):
        page = reviewer.get(reverse("workspace:fee", args=[cast.county.code, fee.pk]))
        shown = re.search(r'id="fee-outstanding">([^<]+)<', page.content.decode()).group(1)
        assert (shown != "$0.00") == (fee.pk in listed)
    assert "$50.00" in owed
    assert "Covered by a scholarship" in everything and "Waived" in everything


def test_staff_grant_a_waiver_from_the_certification_page(cast):
    certification = certification_in(issuing_county=cast.county)
    admin = client_for(cast.admin)
    page = admin.get(reverse("workspace:certification", args=[cast.county.code, certification.pk]))
    waiver_url = reverse("workspace:fee_waiver_grant", args=[cast.county.code, certification.pk])
    assert waiver_url in page.content.decode()

    response = admin.post(waiver_url, {"reason": "DHCS FY 2026-27 waiver allocation."})

    assert response.status_code == 302
    waiver = FeeWaiver.objects.get()
    assert (waiver.person, waiver.fee, waiver.granted_by) == (
        certification.holder,
        None,
        cast.admin,
    )


def test_the_person_reads_what_they_owe_why_and_how_to_pay(cast):
    fee = _fee(cast, applicant=cast.applicant)
    cast.county.contact_email = "fees@alameda.example"
    cast.county.save()
    FeePayment.objects.create(
        fee=fee,
        county=fee.county,
        person=fee.person,
        amount_cents=2500,
        method="cash",
        paid_on=timezone.localdate(),
        recorded_by=cast.reviewer,
    )
    client = client_for(cast.applicant)

    page = client.get(reverse("portal:fees")).content.decode()

    assert "You owe $75.00 in all." in page
    assert "Charged once for each application submitted." in page
    assert "fees@alameda.example" in page and "not on this site" in page
    payment = FeePayment.objects.get()
    assert reverse("portal:fee_receipt", args=[payment.pk]) in page
    receipt = client.get(reverse("portal:fee_receipt", args=[payment.pk]))
    assert receipt.content.startswith(b"%PDF")
    # Anyone else, staff included, gets 404 for the receipt here.
    for who in ("other_applicant", "reviewer", "state"):
        other = client_for(cast.everyone[who])
        assert other.get(reverse("portal:fee_receipt", args=[payment.pk])).status_code == 404


def test_the_fees_page_in_spanish(cast):
    _fee(cast, applicant=cast.applicant)
    client = client_for(cast.applicant)
    client.cookies["peercert_language"] = "es"

    page = client.get(reverse("portal:fees"), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    for spanish in ("Mis tarifas", "Debe $100.00 en total.", "Saldo pendiente", "Sin pagar"):
        assert spanish in page
    for english in ("My fees", "Still owed", "Not paid", "How to pay", "Due since"):
        assert f">{english}<" not in page


def test_the_payment_email_in_spanish(cast):
    from notifications.services import email_render

    cast.applicant.preferred_language = "es"
    cast.applicant.save()
    message = email_render(
        user=cast.applicant,
        kind="fee_payment_recorded",
        context={
            "receipt_number": "R2026-000001",
            "fee_label": "Tarifa de solicitud",
            "amount": "$40.00",
            "outstanding": "$60.00",
            "paid_on": datetime.date(2026, 12, 1).isoformat(),
            "county_name": cast.county.name,
        },
    )
    assert "Pago recibido" in message.subject
    assert "Saldo pendiente de esta tarifa: $60.00" in message.body

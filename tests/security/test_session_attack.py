"""An attack pass over the fee voids, the payment instructions and the reported-record
rejections: hostile text (HTML, script) a county's staff type is shown escaped on every page,
receipt and email that shows it; a stale or repeated form changes nothing more."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from counties.services.contact import county_contact_update
from fees.models import FeePayment, FeePaymentVoid
from fees.receipts import receipt_context
from fees.services import fee_due_record, fee_payment_record, fee_payment_void
from notifications.services import email_render
from tests.certification.builders import approved_application, today
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _paid(cast) -> FeePayment:
    application = approved_application(applicant=cast.applicant, county=cast.county)
    fee = fee_due_record(
        actor=None,
        county=cast.county,
        person=cast.applicant,
        kind="application",
        application=application,
    )
    return fee_payment_record(
        actor=cast.reviewer,
        fee=fee,
        amount_cents=4000,
        method="check",
        reference="1042",
        paid_on=today(),
    )


def _clean(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_a_hostile_void_reason_is_escaped_on_pages_receipt_and_email(cast):
    payment = _paid(cast)
    fee_payment_void(actor=cast.reviewer, payment=payment, reason=HOSTILE)
    reviewer = client_for(cast.reviewer)

    _clean(
        reviewer.get(
            reverse("workspace:fee", args=[cast.county.code, payment.fee_id])
        ).content.decode()
    )
    # The void page of an already voided payment repeats the reason.
    _clean(
        reviewer.get(
            reverse("workspace:fee_payment_void", args=[cast.county.code, payment.pk])
        ).content.decode()
    )
    _clean(client_for(cast.applicant).get(reverse("portal:fees")).content.decode())
    _clean(
        render_to_string(
            "fees/receipt.html", receipt_context(FeePayment.objects.get(pk=payment.pk))
        )
    )
    message = email_render(
        user=cast.applicant,
        kind="fee_payment_voided",
        context={
            "receipt_number": payment.receipt_number,
            "fee_label": "Application fee",
            "amount": "$40.00",
            "outstanding": "$40.00",
            "paid_on": "2026-12-01",
            "county_name": cast.county.name,
            "reason": HOSTILE,
        },
    )
    _clean(message.alternatives[0][0])
    assert HOSTILE in message.body  # plain text: as typed


def test_a_second_void_with_another_reason_changes_nothing(cast):
    payment = _paid(cast)
    reviewer = client_for(cast.reviewer)
    url = reverse("workspace:fee_payment_void", args=[cast.county.code, payment.pk])
    reviewer.post(url, {"reason": "Wrong fee."})
    reviewer.post(url, {"reason": "Something else."})
    assert list(FeePaymentVoid.objects.values_list("reason", flat=True)) == ["Wrong fee."]


def test_hostile_payment_instructions_are_escaped_on_pages_and_emails(cast):
    county_contact_update(
        actor=cast.admin,
        county=cast.county,
        fields={"payment_instructions": HOSTILE, "payment_instructions_es": HOSTILE},
    )
    _paid(cast)
    _clean(client_for(cast.applicant).get(reverse("portal:fees")).content.decode())
    _clean(
        client_for(cast.admin)
        .get(reverse("workspace:contact", args=[cast.county.code]))
        .content.decode()
    )
    for language in ("en", "es"):
        cast.applicant.preferred_language = language
        cast.applicant.save()
        message = email_render(
            user=cast.applicant,
            kind="fee_payment_recorded",
            context={
                "receipt_number": "R2026-000001",
                "fee_label": "Application fee",
                "amount": "$40.00",
                "outstanding": "$60.00",
                "paid_on": "2026-12-01",
                "county_name": cast.county.name,
            },
        )
        _clean(message.alternatives[0][0])
        assert HOSTILE in message.body


@pytest.mark.parametrize("query", ["%", "_", "\\", ".*"])
def test_like_wildcards_in_the_fee_search_match_only_themselves(cast, query):
    _paid(cast)
    page = client_for(cast.reviewer).get(
        reverse("workspace:fees", args=[cast.county.code]), {"q": query, "show": "all"}
    )
    assert page.status_code == 200
    assert 'id="fees-none"' in page.content.decode()


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808", "0"])
def test_an_id_out_of_range_is_404_never_a_500(cast, pk):
    reviewer = client_for(cast.reviewer)
    for name in ("fee_payment_void", "fee_receipt", "fee"):
        url = reverse(f"workspace:{name}", args=[cast.county.code, 1]).replace("/1/", f"/{pk}/")
        assert reviewer.get(url).status_code == 404, (name, pk)
        assert reviewer.post(url, {"reason": "x"}).status_code in (404, 405), (name, pk)
    assert not FeePaymentVoid.objects.exists()


def test_state_staff_read_the_fee_page_but_are_offered_no_void(cast):
    """Read-only, as in every county workspace: pages open (GET), nothing is posted."""
    payment = _paid(cast)
    state = client_for(cast.state)
    page = state.get(reverse("workspace:fee", args=[cast.county.code, payment.fee_id]))
    assert page.status_code == 200
    void_url = reverse("workspace:fee_payment_void", args=[cast.county.code, payment.pk])
    assert void_url not in page.content.decode()
    assert state.get(void_url).status_code == 200
    assert state.post(void_url, {"reason": "x"}).status_code == 403
    assert not FeePaymentVoid.objects.exists()

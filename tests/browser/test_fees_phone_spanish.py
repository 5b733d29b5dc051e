"""An applicant reading in Spanish on a 390 px phone finds what they owe (issue 17 item 3): from
their dashboard to their fees page, what is owed and why, how to pay and whom to contact, and
the receipt of the part already paid, as a PDF in Spanish. Every visible string is Spanish (no
English word from the English rendering of the page is left); axe-core finds nothing."""

import datetime
import io
import re

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from fees.services import (
    fee_due_record,
    fee_payment_record,
    scholarship_nominate,
    scholarship_pool_create,
)
from tests.browser.conftest import assert_no_axe_violations
from tests.certification.builders import approved_application
from tests.factories import MembershipFactory, ProfileFactory, UserFactory, county

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}

# English words of the page (its English rendering) that have no place in the Spanish one.
ENGLISH = re.compile(
    r"\b(the|and|you|your|owe|owed|fee|fees|paid|receipt|receipts|due|since|amount|status|"
    r"how|pay|payment|county|contact|program|not|with|for|this|what|why|application|"
    r"scholarship|waiver|still|nothing|office|email|phone|website|hours|check|money|order)\b",
    re.IGNORECASE,
)


def _fits_and_is_spanish(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The visible text, less what is the person's or the county's own (names, addresses).
    text = page.locator("body").inner_text()
    for own in (
        "Marisol Vega",
        "marisol@example.org",
        "fees@alameda.example",
        "Alameda County BHCS",
        "Alameda",
        "Becas DHCS 2026",
    ):
        text = text.replace(own, "")
    left = sorted({word.lower() for word in ENGLISH.findall(text)})
    assert not left, f"English left on {page.url}: {left}\n{text}"
    assert_no_axe_violations(page)


def test_an_applicant_reads_their_fees_in_spanish_on_a_phone(page: Page, live_server):
    alameda = county("alameda")
    alameda.contact_email = "fees@alameda.example"
    alameda.payment_instructions = "Pay by check to Alameda County BHCS, at 2000 Embarcadero."
    alameda.payment_instructions_es = (
        "Pague con cheque a nombre de Alameda County BHCS, en 2000 Embarcadero."
    )
    alameda.save()
    reviewer = UserFactory(email="rae@alameda.test")
    MembershipFactory(user=reviewer, county=alameda, role="reviewer")
    applicant = UserFactory(email="marisol@example.org", first_name="Marisol", last_name="Vega")
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    ProfileFactory(user=applicant, legal_first_name="Marisol", legal_last_name="Vega")
    application = approved_application(applicant=applicant, county=alameda, trained=True)
    fee = fee_due_record(
        actor=None, county=alameda, person=applicant, kind="application", application=application
    )
    payment = fee_payment_record(
        actor=reviewer,
        fee=fee,
        amount_cents=4000,
        method="money_order",
        reference="MO-5150",
        paid_on=timezone.localdate(),
    )

    state = UserFactory(email="sam@state.test", is_state_staff=True)
    today = timezone.localdate()
    pool = scholarship_pool_create(
        actor=state,
        name="Becas DHCS 2026",
        source="DHCS",
        covers="application_exam",
        places=3,
        amount_cents=None,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=60),
    )
    scholarship_nominate(
        actor=reviewer, pool=pool, county=alameda, person=applicant, reason="Sin ingresos."
    )

    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    page.fill("#id_login", applicant.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.goto("/me/")
    page.get_by_role("link", name=re.compile("Mis tarifas|Lo que ha pagado")).first.click()
    expect(page).to_have_url(f"{live_server.url}/me/fees/")
    expect(page.locator("h1")).to_have_text("Mis tarifas")
    expect(page.locator("#fees-owed")).to_contain_text("$60.00")
    expect(page.locator("main")).to_contain_text("$100.00")
    expect(page.locator("#pay-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Pague con cheque a nombre de")
    expect(page.locator("main")).to_contain_text("fees@alameda.example")
    _fits_and_is_spanish(page)

    expect(page.locator("#scholarships")).to_contain_text("Becas DHCS 2026")

    # The application says why the exam waits, what is owed and how to pay, in Spanish.
    page.goto(f"/me/applications/{application.pk}/status/")
    expect(page.locator("#fee-holds")).to_contain_text("$60.00")
    _fits_and_is_spanish(page)
    page.goto("/me/fees/")

    receipt = page.get_by_role("link", name=re.compile(payment.receipt_number))
    response = page.request.get(receipt.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages)
    for expected in ("Marisol Vega", "$40.00", "MO-5150", payment.receipt_number, "Recibo"):
        assert expected in text

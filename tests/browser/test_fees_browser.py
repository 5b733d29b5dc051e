"""County staff walk a fee as they meet it (issue 17 item 3), on a desktop and on a 390 px phone:
the county's fee list, a fee an applicant owes, the payment form (its errors first: more than
is owed, a check without its number; what was typed is kept), the payment recorded with the
keyboard only, the receipt PDF naming the person, the amount and the reference, the exam
no longer held on the application; then the payment voided (a confirmation, a reason), the
receipt marked VOID, the fee owed again and the exam held again. axe-core checks every page
on the way."""

import datetime
import io
import re

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from fees.models import FeeDue, FeePayment
from fees.services import fee_due_record
from tests.browser.conftest import assert_no_axe_violations, login
from tests.browser.test_portal_keyboard import tab_to
from tests.certification.builders import approved_application
from tests.factories import MembershipFactory, ProfileFactory, UserFactory, county

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}


def _fits(page: Page, viewport: dict | None) -> None:
    if viewport:
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_no_axe_violations(page)


def _owed_application_fee():
    alameda = county("alameda")
    MembershipFactory(
        user=UserFactory(email="rae.reviewer@example.org", first_name="Rae", last_name="Review"),
        county=alameda,
        role="reviewer",
    )
    applicant = UserFactory(email="ana@example.org", first_name="Ana", last_name="Reyes")
    ProfileFactory(user=applicant, legal_first_name="Ana", legal_last_name="Reyes")
    application = approved_application(applicant=applicant, county=alameda, trained=True)
    fee = fee_due_record(
        actor=None, county=alameda, person=applicant, kind="application", application=application
    )
    # The fee fell due ten days ago: the payment below is dated three days ago.
    FeeDue.objects.filter(pk=fee.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    return application, fee


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_county_staff_record_a_payment_and_the_exam_is_no_longer_held(
    page: Page, live_server, viewport
):
    application, fee = _owed_application_fee()
    login(page, "rae.reviewer@example.org", PASSWORD)
    if viewport:
        page.set_viewport_size(viewport)

    # The application says why the exam waits.
    page.goto(f"/county/alameda/applications/{application.pk}/")
    expect(page.locator("main")).to_contain_text("Fees still owed: Application fee ($100.00)")
    expect(page.locator("summary", has_text="Record an exam attempt")).to_have_count(0)

    page.goto("/county/alameda/")
    page.get_by_role("link", name="Fees", exact=True).click()
    expect(page.locator("h1")).to_have_text("Fees")
    _fits(page, viewport)
    page.locator("#fees").get_by_role(
        "link", name=re.compile(r"^Ana Reyes\s*, Application fee$")
    ).click()
    expect(page.locator("#fee-outstanding")).to_have_text("$100.00")
    _fits(page, viewport)

    page.get_by_role("link", name="Record a payment").click()
    expect(page.locator("h1")).to_have_text("Record a payment")
    _fits(page, viewport)

    # More than is owed: refused, with the amount owed; what was typed is still there.
    page.get_by_label("Amount paid (dollars)").fill("150.00")
    page.get_by_label("Method").select_option("check")
    page.get_by_label("Reference").fill("CHK-1001")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_role("alert")).to_contain_text("Correct the fields marked below.")
    expect(page.locator("#id_amount_error")).to_have_text(
        "This is more than is owed ($100.00): record no more than the amount owed."
    )
    expect(page.get_by_label("Amount paid (dollars)")).to_have_value("150.00")
    expect(page.get_by_label("Reference")).to_have_value("CHK-1001")
    _fits(page, viewport)

    # A check without its number: refused, next to the reference.
    page.get_by_label("Amount paid (dollars)").fill("100.00")
    page.get_by_label("Reference").fill("")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_role("alert")).to_contain_text("Correct the fields marked below.")
    expect(page.locator("#id_reference_error")).to_have_text(
        "Enter the reference (check or money order number, slip, transfer id)."
    )
    expect(page.get_by_label("Reference")).to_have_attribute(
        "aria-describedby", re.compile("id_reference_error")
    )
    expect(page.get_by_label("Amount paid (dollars)")).to_have_value("100.00")
    _fits(page, viewport)
    assert not FeePayment.objects.exists()

    # The keyboard only: a money order, its number, paid three days ago.
    paid_on = timezone.localdate() - datetime.timedelta(days=3)
    page.locator("body").focus()
    tab_to(page, "#id_amount")
    page.keyboard.press("Control+A")
    page.keyboard.type("100.00")
    tab_to(page, "#id_method")
    page.keyboard.press("ArrowDown")  # Check → Money order
    tab_to(page, "#id_reference")
    page.keyboard.type("MO-2231")
    tab_to(page, "#id_paid_on")
    page.keyboard.type(paid_on.strftime("%m%d%Y"))
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator(".usa-alert--success")).to_contain_text("Payment recorded.")
    expect(page.locator("#fee-outstanding")).to_have_text("$0.00")
    payment = FeePayment.objects.get()
    assert (payment.amount_cents, payment.method, payment.reference, payment.paid_on) == (
        10000,
        "money_order",
        "MO-2231",
        paid_on,
    )
    expect(page.locator("#payments")).to_contain_text(payment.receipt_number)
    expect(page.locator("#payments")).to_contain_text("MO-2231")
    _fits(page, viewport)

    receipt = page.locator("#payments").get_by_role(
        "link", name=re.compile(rf"^{payment.receipt_number}\s*\(PDF\)$")
    )
    response = page.request.get(receipt.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages)
    for expected in ("Ana Reyes", "$100.00", "MO-2231", payment.receipt_number):
        assert expected in text

    # The exam is no longer held: the fee's application offers the exam form.
    page.get_by_role("link", name=f"Application #{application.pk}").click()
    expect(page.locator("summary", has_text="Record an exam attempt")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Fees still owed")
    _fits(page, viewport)

    # The payment was recorded against the wrong fee: voided, after a confirmation, with why.
    page.go_back()
    expect(page.locator("#fee-outstanding")).to_have_text("$0.00")
    page.locator("#payments").get_by_role(
        "link", name=re.compile(rf"^Void\s*{payment.receipt_number}$")
    ).click()
    expect(page.locator("h1")).to_have_text("Void a payment")
    expect(page.locator("main")).to_contain_text(payment.receipt_number)
    _fits(page, viewport)
    page.get_by_label("Why is this payment voided?").fill("Recorded against the wrong person.")
    dialogs: list[str] = []

    def _accept(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", _accept)
    page.get_by_role("button", name="Void the payment").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Payment voided.")
    assert dialogs == ["Void this payment? This cannot be undone."]
    expect(page.locator("#fee-outstanding")).to_have_text("$100.00")
    expect(page.locator("#payments")).to_contain_text("Voided")
    expect(page.locator("#payments")).to_contain_text("Recorded against the wrong person.")
    expect(page.get_by_role("link", name="Record a payment")).to_be_visible()
    _fits(page, viewport)
    response = page.request.get(receipt.get_attribute("href"))
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages)
    assert "VOID" in text and "Recorded against the wrong person." in text

    # The fee is owed again, so the exam waits again.
    page.get_by_role("link", name=f"Application #{application.pk}").click()
    expect(page.locator("main")).to_contain_text("Fees still owed: Application fee ($100.00)")
    expect(page.locator("summary", has_text="Record an exam attempt")).to_have_count(0)
    _fits(page, viewport)
    # And the hold leads back to the payment form.
    page.get_by_role("link", name=re.compile(r"^Record the payment\s*\(Application fee\)$")).click()
    expect(page.locator("h1")).to_have_text("Record a payment")

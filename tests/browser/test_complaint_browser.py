"""The public complaint form in a real browser on a 390 px phone: reached from the verify
page, an error shown and corrected, a file too large caught before sending (nothing typed is
lost), the complaint sent with an attachment and its reference shown with the program's
contact details; the form in Spanish; axe-core finds nothing on the way."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import CaseDocument, Complaint
from tests.browser.conftest import assert_no_axe_violations
from tests.factories import MINIMAL_PDF, CertificationFactory, county

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_complaint_from_the_verify_page_on_a_phone(page: Page, live_server):
    alameda = county("alameda")
    alameda.contact_email = "peers@alameda.example"
    alameda.contact_phone = "510-555-0100"
    alameda.save()
    CertificationFactory(number="PSS-0555555", issuing_county=alameda)
    page.set_viewport_size(PHONE)

    page.goto("/verify/PSS-0555555")
    page.get_by_role("link", name="Make a complaint about this peer").click()
    expect(page.locator("h1")).to_have_text("Make a complaint")
    expect(page.get_by_label("Their certification number, if you know it")).to_have_value(
        "PSS-0555555"
    )
    expect(page.get_by_label("A certified peer support specialist")).to_be_checked()
    _fits(page)
    assert_no_axe_violations(page)

    # Sent without saying what happened: the error, at the field, and the rest kept.
    # USWDS hides the real radio button; people (and we) click its label.
    page.locator("label.usa-radio__label", has_text="Confidentiality").click()
    incident = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    page.get_by_label("When did it happen?").fill(incident)
    page.get_by_label("Your email address").fill("maria@example.test")
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.locator(".usa-alert--error")).to_contain_text("Describe what happened.")
    expect(page.get_by_label("Your email address")).to_have_value("maria@example.test")
    _fits(page)
    assert_no_axe_violations(page)

    # A file too large for the form is caught in the page: nothing is sent.
    expect(page.locator("#attachments-too-large")).to_be_hidden()
    page.get_by_label("What happened?").fill("My story was shared in a group without my consent.")
    page.get_by_label("Files that support your complaint").set_input_files(
        {"name": "huge.pdf", "mimeType": "application/pdf", "buffer": b"0" * (11 * 1024 * 1024)}
    )
    expect(page.locator("#attachments-too-large")).to_be_visible()
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.locator("#attachments-too-large")).to_be_visible()
    assert Complaint.objects.count() == 0

    page.get_by_label("Files that support your complaint").set_input_files(
        {"name": "screenshot.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    expect(page.locator("#attachments-too-large")).to_be_hidden()
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.locator("h1")).to_have_text("Your complaint was received")
    complaint = Complaint.objects.select_related("case").get()
    expect(page.locator("#complaint-reference")).to_have_text(complaint.reference)
    expect(page.locator("main")).to_contain_text("peers@alameda.example")
    assert complaint.case.county == alameda and complaint.complainant_email == "maria@example.test"
    assert list(CaseDocument.objects.values_list("original_name", flat=True)) == ["screenshot.pdf"]
    _fits(page)
    assert_no_axe_violations(page)


def test_the_complaint_form_in_spanish_on_a_phone(page: Page, live_server):
    page.context.add_cookies([{"name": "peercert_language", "value": "es", "url": live_server.url}])
    page.set_viewport_size(PHONE)
    page.goto("/complaint/")
    expect(page.locator("h1")).to_have_text("Presentar una queja")
    expect(page.locator("main")).to_contain_text("¿Sobre quién es la queja?")
    _fits(page)
    assert_no_axe_violations(page)

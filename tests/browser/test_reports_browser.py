"""Browser journey (real Chromium): a county administrator opens the program reports, starts
the draft of the last fiscal year, reads its figures, writes the narrative, submits it, and
opens the stored PDF; the pages pass axe-core, also on a 390 px phone (issue 17 item 1)."""

import io

import pypdf
import pytest
from playwright.sync_api import Page, expect

from reports.models import ProgramReport
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import MembershipFactory, UserFactory, county
from tests.reports import dataset

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_an_administrator_drafts_submits_and_opens_the_report(page: Page, live_server):
    alameda, fresno = county("alameda"), county("fresno")
    admin = UserFactory(email="admin@alameda.test", first_name="Ada", last_name="Alameda")
    MembershipFactory(user=admin, county=alameda, role="admin")
    dataset.build(alameda, fresno)
    login(page, "admin@alameda.test", "correct-horse-battery")

    page.goto("/county/alameda/")
    page.get_by_role("link", name="Program reports").click()
    expect(page.get_by_role("heading", name="Alameda: program reports")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("label[for=id_period_0]").click()  # the latest fiscal year over
    page.get_by_role("button", name="Start the draft").click()

    expect(page.locator('[data-key="applications.received"]')).to_have_text("12")
    expect(page.locator('[data-key="applications.denied"]')).to_have_text("Fewer than 11")
    expect(page.locator('[data-key="certifications.active_at_end"]')).to_have_text("12")
    assert_no_axe_violations(page)
    page.get_by_label("Changes to the program plan").fill("A second training provider.")
    page.get_by_label("Challenges").fill("Reaching rural applicants.")
    page.get_by_role("button", name="Save the narrative").click()
    expect(page.get_by_text("Narrative saved.")).to_be_visible()

    page.get_by_role("link", name="Submit the report").click()
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_text("Report submitted.")).to_be_visible()
    expect(page.get_by_text("Version 1: Submitted.")).to_be_visible()
    expect(page.get_by_role("button", name="Save the narrative")).to_have_count(0)
    report = ProgramReport.objects.get()
    assert report.status == "submitted"

    href = page.get_by_role("link", name="PDF").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.body()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Alameda" in text and "A second training provider." in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert response.body() == report.pdf.open("rb").read()

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator('[data-key="applications.received"]')).to_have_text("12")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)

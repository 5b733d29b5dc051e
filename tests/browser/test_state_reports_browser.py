"""In a real browser, at a phone's width: state staff open the statewide page of program
reports from the county picker, see which county's report is in and which is missing, and
axe-core finds nothing."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from reports import services
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import MembershipFactory, UserFactory, county, participating

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}


def test_state_staff_read_every_countys_reports_on_a_phone(page: Page, live_server):
    alameda = participating(county("alameda"))
    participating(county("fresno"))
    admin = UserFactory(email="ada.admin@example.org")
    MembershipFactory(user=admin, county=alameda, role="admin")
    report = services.program_report_start(
        actor=admin,
        county=alameda,
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2026, 6, 30),
        today=datetime.date(2026, 9, 1),
    )
    report = services.program_report_submit(
        actor=admin, report=report, today=datetime.date(2026, 9, 1)
    )
    UserFactory(email="sam.state@example.org", is_state_staff=True)
    login(page, "sam.state@example.org", PASSWORD)
    page.set_viewport_size(PHONE)

    page.goto("/county/")
    page.get_by_role("link", name="Program reports, statewide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Program reports, statewide")
    page.get_by_label("Fiscal year").select_option("2026")
    page.get_by_role("button", name="Show").click()
    table = page.locator("#state-reports")
    expect(table.locator("#county-alameda")).to_contain_text("Version 1")
    expect(table.locator("#county-fresno")).to_contain_text("—")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.locator("#county-alameda").get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith("-v1.csv")

"""The analytics pages in a browser: the state's page with its map of California's counties
and the county's page beside the state, on a desktop and a 390 px phone: axe-core finds
nothing, the charts fit the screen, each data table opens from the keyboard."""

import pytest
from playwright.sync_api import Page, expect

from analytics.services import enrollment_load, figures_refresh
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import (
    CertificationFactory,
    MembershipFactory,
    UserFactory,
    county,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
ENROLLMENT = (
    b"County,Month of Eligibility,Total Eligibles\n"
    b"Alameda,2026-03,400000\nFresno,2026-03,500000\nLos Angeles,2026-03,4900000\n"
)


def _figures() -> None:
    operator = UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)
    for code, number in (("alameda", 3), ("fresno", 2), ("los-angeles", 4)):
        for _ in range(number):
            CertificationFactory(issuing_county=county(code))
    enrollment_load(actor=operator, data=ENROLLMENT, file_name="e.csv", source="DHCS test file")
    figures_refresh()


def _check_page(page: Page) -> None:
    charts = page.locator(".analytics-chart svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() == 8
    assert_no_axe_violations(page)
    # Each data table opens from the keyboard.
    summary = page.locator(".analytics-table summary").first
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".analytics-table table").first).to_be_visible()
    assert_no_axe_violations(page)


def test_state_staff_read_the_map_and_charts_on_a_desktop_and_a_phone(page: Page, live_server):
    _figures()
    UserFactory(email="state@example.org", is_state_staff=True)
    login(page, "state@example.org", PASSWORD)

    page.goto("/county/analytics/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statewide analytics")
    expect(page.locator("svg[aria-label^='Certified peers per 100,000']")).to_be_visible()
    expect(page.get_by_text("DHCS test file").first).to_be_visible()
    _check_page(page)

    page.set_viewport_size(PHONE)
    page.goto("/county/analytics/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for box in page.locator(".analytics-chart svg").evaluate_all(
        "nodes => nodes.map(n => n.getBoundingClientRect().right)"
    ):
        assert box <= PHONE["width"]
    _check_page(page)


def test_county_staff_read_their_county_beside_the_state_on_a_phone(page: Page, live_server):
    _figures()
    admin = UserFactory(email="admin@alameda.test")
    MembershipFactory(user=admin, county=county("alameda"), role="admin")
    login(page, "admin@alameda.test", PASSWORD)
    page.set_viewport_size(PHONE)

    page.goto("/county/analytics/")  # sent to their county's page

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Analytics: Alameda beside California"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _check_page(page)

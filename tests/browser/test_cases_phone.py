"""The workspace's case pages on a 390 px phone: the list with its flags, a case with its
forms and timeline, and the form opening a case fit the screen, and axe-core finds nothing."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.services import case_open
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import CertificationFactory, MembershipFactory, UserFactory, county

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_case_pages_fit_a_phone(page: Page, live_server):
    alameda = county("alameda")
    admin = UserFactory(email="admin@alameda.test", first_name="Ada", last_name="Admin")
    MembershipFactory(user=admin, county=alameda, role="admin")
    case = case_open(
        actor=None,
        county=alameda,
        source="phone_letter",
        category="confidentiality",
        summary="A family member called about a shared story.",
        received_on=timezone.localdate() - datetime.timedelta(days=95),
        certification=CertificationFactory(issuing_county=alameda),
    )
    login(page, "admin@alameda.test", "correct-horse-battery")
    page.set_viewport_size(PHONE)
    for path in (
        "/county/alameda/cases/",
        f"/county/alameda/cases/{case.pk}/",
        "/county/alameda/cases/open/",
    ):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        assert_no_axe_violations(page)
    page.goto("/county/alameda/cases/")
    expect(page.get_by_text("Overdue").first).to_be_visible()

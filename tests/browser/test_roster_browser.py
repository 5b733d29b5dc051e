"""The county roster in a real browser, on a phone: the shared roster filter (the API's, plus
the workspace's "expiring soon" box), the one field template (a refused date is an error linked
to its field) and the "expiring soon" rule (active only). Then the account page whose inputs
allauth builds by hand (a radio per email address), rendered by the same field template. axe-core
checks every page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import CertificationFactory, MembershipFactory, UserFactory, county

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def roster(page: Page) -> None:
    alameda = county("alameda")
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=30)
    MembershipFactory(
        user=UserFactory(email="ada.admin@example.org", first_name="Ada", last_name="Admin"),
        county=alameda,
        role="admin",
    )
    for number, last_name, status, expires_on in (
        ("PSS-0000101", "Soon", "active", soon),
        ("PSS-0000102", "Later", "active", today + datetime.timedelta(days=400)),
        ("PSS-0000103", "Suspended", "suspended", soon),
    ):
        CertificationFactory(
            number=number,
            issuing_county=alameda,
            last_name=last_name,
            status=status,
            issued_on=expires_on - datetime.timedelta(days=730),
            expires_on=expires_on,
        )


def test_staff_filter_the_roster_on_a_phone(page: Page, roster, settings):
    settings.STAFF_MFA_REQUIRED = False
    login(page, "ada.admin@example.org", "correct-horse-battery")
    page.set_viewport_size(PHONE)

    page.goto("/county/alameda/roster/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alameda: roster")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    assert_no_axe_violations(page)

    # USWDS hides the real checkbox; a person clicks its label.
    page.locator("label[for=id_expiring]").click()
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("PSS-0000101")
    expect(rows.first).to_contain_text("Expiring soon")
    expect(page.locator("#id_expiring")).to_be_checked()
    assert_no_axe_violations(page)

    page.get_by_label("Name or certification number").fill("pss-000010")
    page.locator("label[for=id_expiring]").click()
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(3)
    suspended = rows.filter(has_text="PSS-0000103")
    expect(suspended).to_contain_text("Suspended")
    expect(suspended).not_to_contain_text("Expiring soon")

    # A date the filter refuses (typed into the address bar) is shown at its field, linked to
    # it, and filters nothing.
    page.goto("/county/alameda/roster/?expires_after=2026-02-30")
    error = page.locator("#id_expires_after_error")
    expect(error).to_be_visible()
    expect(page.locator("#id_expires_after")).to_have_attribute(
        "aria-describedby", "id_expires_after_error"
    )
    expect(page.locator("#id_expires_after")).to_have_attribute("aria-invalid", "true")
    expect(rows).to_have_count(3)
    assert_no_axe_violations(page)


def test_the_email_page_radios_use_the_one_field_template(page: Page, roster, settings):
    settings.STAFF_MFA_REQUIRED = False
    login(page, "ada.admin@example.org", "correct-horse-battery")
    page.set_viewport_size(PHONE)

    page.goto("/accounts/email/")

    radio = page.get_by_role("radio", name="ada.admin@example.org")
    expect(radio).to_be_checked()
    expect(radio).to_have_attribute("class", "usa-radio__input")
    expect(page.locator("label.usa-radio__label")).to_contain_text(["ada.admin@example.org"])
    assert_no_axe_violations(page)

"""The public verification pages in a real browser: search by number, live status, a
friendly page for an unknown number; axe-clean throughout, in English and Spanish."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_axe_violations
from tests.factories import CertificationFactory, SpecializationFactory, UserFactory

pytestmark = pytest.mark.browser


def test_anyone_verifies_a_certification_by_number(page: Page, live_server):
    holder = UserFactory(email="verify.me@example.org")
    active = CertificationFactory(
        number="PSS-0424242", holder=holder, first_name="Rosa", last_name="Campos"
    )
    SpecializationFactory(certification=active, code="crisis")
    CertificationFactory(number="PSS-0424243", status="revoked", status_reason="Private reason")

    page.goto("/verify/")
    assert_no_axe_violations(page)
    page.get_by_label("Certification number").fill("pss-0424242")
    page.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(f"{live_server.url}/verify/PSS-0424242")
    expect(page.locator("main")).to_contain_text("Rosa Campos")
    expect(page.locator("main")).to_contain_text("Active")
    expect(page.locator("main")).to_contain_text("Alameda")
    assert "verify.me@example.org" not in page.content()
    assert_no_axe_violations(page)

    page.goto("/verify/PSS-0424243")
    expect(page.locator("main")).to_contain_text("Revoked")
    assert "Private reason" not in page.content()
    assert_no_axe_violations(page)

    response = page.goto("/verify/PSS-0000001")
    assert response.status == 404
    assert "PSS-0000001" in page.content()
    assert_no_axe_violations(page)


def test_the_verification_page_in_spanish(page: Page, live_server):
    CertificationFactory(number="PSS-0525252", first_name="Luz", last_name="Ortega")
    page.goto("/verify/PSS-0525252")
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("main")).to_contain_text("Luz Ortega")
    expect(page.locator("main")).to_contain_text("Activa")
    assert_no_axe_violations(page)


def test_a_number_typed_loosely_is_found_and_a_wrong_one_is_kept_on_a_phone(
    page: Page, live_server
):
    CertificationFactory(number="PSS-0626262", first_name="Ana", last_name="Ruiz")
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "peercert_language", "value": "es", "url": live_server.url}])
    page.goto("/verify/")
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.locator("#id_number").fill("pss 062 6262")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/verify/PSS-0626262")
    expect(page.locator("main")).to_contain_text("Ana Ruiz")

    page.goto("/verify/")
    page.locator("#id_number").fill("PSS-0626263")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("No se encontró la certificación")
    expect(page.locator("#id_number")).to_have_value("PSS-0626263")
    expect(page.locator("main")).to_contain_text("Qué revisar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)

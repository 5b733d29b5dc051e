"""The digital credential in a real browser, on a phone-sized screen: the holder opens the
wallet page (QR code), downloads the credential, and a member of the public pastes it into
/verify/credential/ and reads that it is authentic and current; axe-clean in English and
Spanish."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_axe_violations, login
from tests.credentials.conftest import key_config
from tests.factories import CertificationFactory, SpecializationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _issuer_key(settings):
    settings.VC_ISSUER_KEYS = key_config("key-1", ("key-1", Ed25519PrivateKey.generate(), True))


def test_the_holder_downloads_and_the_public_checks_the_credential(page: Page, live_server):
    holder = UserFactory(email="wallet.holder@example.org", password=PASSWORD)
    certification = CertificationFactory(holder=holder, first_name="Rosa", last_name="Campos")
    SpecializationFactory(certification=certification, code="crisis")

    login(page, holder.email, PASSWORD)
    # A phone, once signed in (the sign-in helper looks for the desktop navigation).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/me/certification/")
    page.get_by_role("link", name="Add my certification to a digital wallet").click()
    expect(
        page.get_by_role("img", name="QR code offering your digital credential to a wallet app")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my credential (JSON)").click()
    text = Path(download_info.value.path()).read_text()
    assert json.loads(text)["credentialSubject"]["licenseNumber"] == certification.number

    page.goto("/verify/")
    page.get_by_role("link", name="Check a digital credential someone shared with you").click()
    page.get_by_label("Credential").fill(text)
    page.get_by_role("button", name="Check the credential").click()
    expect(page.locator("[data-verdict=current]")).to_contain_text("Authentic and current")
    expect(page.locator("main")).to_contain_text("Rosa Campos")
    assert_no_axe_violations(page)

    page.get_by_label("Credential").fill(text.replace("Rosa Campos", "Rosa Campoz", 1))
    page.get_by_role("button", name="Check the credential").click()
    expect(page.locator("[data-verdict=not-authentic]")).to_be_visible()
    assert_no_axe_violations(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/verify/credential/")
    page.get_by_label("Credencial").fill(text)
    page.get_by_role("button", name="Comprobar la credencial").click()
    expect(page.locator("[data-verdict=current]")).to_contain_text("Auténtica y vigente")
    assert_no_axe_violations(page)
    page.goto("/me/certification/credential/")
    expect(page.locator("h1")).to_have_text("Mi credencial digital")
    assert_no_axe_violations(page)

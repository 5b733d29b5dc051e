"""An expired peer renews late in real Chromium, on a 390 px phone: the portal offers a late
renewal (not a reinstatement the peer could not use), the renewal page shows the renewal fee
and the late fee with their total and how to pay the county program, the peer attests to
their CE and affirms the Code of Ethics, and the renewal is granted at once: the
certification is active again, the late fee due exactly once. axe-core checks each page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from certification.models import Certification, Renewal
from counties.models import County
from fees.models import FeeDue
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import (
    CertificationFactory,
    EthicsVersionFactory,
    ProfileFactory,
    UserFactory,
    county,
)

pytestmark = pytest.mark.browser

PASSWORD = "a-long-Passphrase-42"
PHONE = {"width": 390, "height": 844}


def expired_peer() -> Certification:
    alameda = county("alameda")
    County.objects.filter(pk=alameda.pk).update(
        contact_email="peers@alameda.example",
        contact_phone="(510) 555-0142",
        contact_hours="Monday to Friday, 9 am to 4 pm",
    )
    EthicsVersionFactory(version="2025.1", effective_on=datetime.date(2025, 1, 1))
    peer = UserFactory(email="lena@example.org", password=PASSWORD)
    ProfileFactory(user=peer, legal_first_name="Lena", legal_last_name="Ortiz")
    expires_on = timezone.localdate() - datetime.timedelta(days=40)
    return CertificationFactory(
        holder=peer,
        issuing_county=alameda,
        number="PSS-0007001",
        status="expired",
        issued_on=expires_on.replace(year=expires_on.year - 2),
        expires_on=expires_on,
    )


def test_an_expired_peer_renews_late_and_sees_the_late_fee(page: Page, live_server):
    certification = expired_peer()
    login(page, "lena@example.org", PASSWORD)
    page.set_viewport_size(PHONE)

    page.goto("/me/")
    step = page.locator("[aria-labelledby=next-step-heading]")
    expect(step).to_contain_text("You can still renew it late, with a late fee")
    expect(step).not_to_contain_text("Reinstate")
    step.get_by_role("link", name="Renew my certification late").click()

    expect(page).to_have_url(f"{live_server.url}/me/certification/renew/")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Renew my certification late")
    fees = main.locator("#fees")
    expect(fees).to_contain_text("Renewal fee")
    expect(fees).to_contain_text("$80.00")
    expect(fees).to_contain_text("Late renewal fee")
    expect(fees).to_contain_text("$40.00")
    expect(fees).to_contain_text("$120.00")
    expect(main).to_contain_text("How to pay")
    expect(main.locator("a[href='mailto:peers@alameda.example']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)

    # Submitting without the attestation is refused with the reasons, nothing granted.
    page.locator("label[for=id_affirm]").click()
    page.get_by_role("button", name="Renew late ($120.00 in fees)").click()
    expect(page.locator(".usa-alert--error")).to_contain_text(
        "Check the box to confirm your continuing education."
    )
    assert not Renewal.objects.exists()

    for field_id in ("id_attest_ce", "id_attest_records", "id_affirm"):
        checkbox = page.locator(f"#{field_id}")
        if not checkbox.is_checked():
            page.locator(f"label[for={field_id}]").click()
    page.get_by_role("button", name="Renew late ($120.00 in fees)").click()

    expect(page).to_have_url(f"{live_server.url}/me/certification/")
    expect(page.locator("main")).to_contain_text(
        "Your certification PSS-0007001 is now valid until"
    )
    certification.refresh_from_db()
    assert certification.status == "active"
    renewal = Renewal.objects.get(certification=certification)
    assert (renewal.kind, renewal.fee_cents) == ("late_renewal", 12000)
    assert FeeDue.objects.filter(renewal=renewal, kind="late").count() == 1
    assert_no_axe_violations(page)

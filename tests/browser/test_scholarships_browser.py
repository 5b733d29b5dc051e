"""Scholarships as people walk them (issue 17 item 4): a county reviewer nominates an applicant
from the fee they owe (the form knows who) and another from the scholarships page; the pool's
administrator (state staff) finds the counties with nominations waiting from the workspace's
way in, accepts one and refuses the other; the accepted applicant's application fee then shows
as covered, to staff and to the applicant, and the exam is no longer held. axe-core checks
every page on the way."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from fees.models import ScholarshipNomination
from fees.services import fee_due_record, scholarship_pool_create
from tests.browser.conftest import assert_no_axe_violations, login
from tests.certification.builders import approved_application
from tests.factories import MembershipFactory, ProfileFactory, UserFactory, county

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def _applicant(alameda, email, first, last):
    person = UserFactory(email=email, first_name=first, last_name=last)
    ProfileFactory(user=person, legal_first_name=first, legal_last_name=last)
    application = approved_application(applicant=person, county=alameda, trained=True)
    fee = fee_due_record(
        actor=None, county=alameda, person=person, kind="application", application=application
    )
    return application, fee


def test_a_county_nominates_and_the_pool_administrator_accepts_and_refuses(page: Page, live_server):
    alameda = county("alameda")
    MembershipFactory(
        user=UserFactory(email="rae.reviewer@example.org", first_name="Rae", last_name="Review"),
        county=alameda,
        role="reviewer",
    )
    state = UserFactory(email="sam@state.test", first_name="Sam", last_name="State")
    state.is_state_staff = True
    state.save()
    today = timezone.localdate()
    scholarship_pool_create(
        actor=state,
        name="Workforce scholarships 2026",
        source="DHCS Peer Support Workforce grant",
        covers="application_exam",
        places=5,
        amount_cents=None,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=60),
    )
    application, fee = _applicant(alameda, "ana@example.org", "Ana", "Reyes")
    _applicant(alameda, "ben@example.org", "Ben", "Okafor")

    # The reviewer nominates Ana from the fee she owes.
    login(page, "rae.reviewer@example.org", PASSWORD)
    page.goto(f"/county/alameda/fees/{fee.pk}/")
    page.get_by_role("link", name="Nominate for a scholarship").click()
    expect(page.locator("h1")).to_have_text("Nominate a person for a scholarship")
    expect(page.get_by_label("Email of the person nominated")).to_have_value("ana@example.org")
    assert_no_axe_violations(page)
    page.get_by_label("Scholarship pool").select_option(label="Workforce scholarships 2026")
    page.get_by_label("Why this person").fill("First in her family to train; no income now.")
    page.get_by_role("button", name="Nominate").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Nomination sent")
    expect(page.locator("#nominations")).to_contain_text("Ana Reyes")
    assert_no_axe_violations(page)

    # And Ben from the scholarships page, by his email.
    page.get_by_role("link", name="Nominate a person").click()
    page.get_by_label("Scholarship pool").select_option(label="Workforce scholarships 2026")
    page.get_by_label("Email of the person nominated").fill("ben@example.org")
    page.get_by_label("Why this person").fill("Returning to work after a long illness.")
    page.get_by_role("button", name="Nominate").click()
    expect(page.locator("#nominations")).to_contain_text("Ben Okafor")
    assert ScholarshipNomination.objects.filter(status="nominated").count() == 2

    # The pool administrator finds the nominations waiting from the way in.
    page.context.clear_cookies()
    login(page, "sam@state.test", PASSWORD)
    page.goto("/county/")
    waiting = page.locator("#nominations-waiting")
    expect(waiting).to_contain_text("2 nominations waiting")
    assert_no_axe_violations(page)
    waiting.get_by_role("link", name=re.compile("Alameda")).click()
    expect(page.locator("h1")).to_have_text("Scholarships")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Decide ana@example.org").click()
    expect(page.locator("h1")).to_have_text("Decide a scholarship nomination")
    assert_no_axe_violations(page)
    page.locator("label.usa-radio__label", has_text="Accept").click()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Decision recorded.")

    page.get_by_role("link", name="Decide ben@example.org").click()
    page.locator("label.usa-radio__label", has_text="Refuse").click()
    page.get_by_label("Note").fill("The pool funds first-time applicants this year.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Decision recorded.")
    rows = page.locator("#nominations tbody tr")
    expect(rows.filter(has_text="Ana Reyes")).to_contain_text("Accepted")
    expect(rows.filter(has_text="Ben Okafor")).to_contain_text("Refused")
    assert_no_axe_violations(page)
    page.goto("/county/")
    expect(page.locator("#nominations-waiting")).to_have_count(0)

    # Ana's fee is covered: gone from what is still owed, on the county's fee page (reached
    # from her nomination), her own fee page, and her application.
    page.goto("/county/alameda/fees/")
    expect(page.locator("#fees")).to_contain_text("Ben Okafor")
    expect(page.locator("#fees")).not_to_contain_text("Ana Reyes")
    page.goto("/county/alameda/scholarships/")
    page.locator("#nominations").get_by_role("link", name=re.compile("^Ana Reyes")).click()
    expect(page.locator("#fees tbody tr")).to_have_count(1)
    expect(page.locator("#fees")).to_contain_text("Covered by a scholarship")
    assert_no_axe_violations(page)
    page.locator("#fees").get_by_role("link", name=re.compile("^Ana Reyes")).click()
    expect(page.locator("#fee-outstanding")).to_have_text("$0.00")
    expect(page.locator("main")).to_contain_text("Covered by a scholarship")
    assert_no_axe_violations(page)
    page.goto(f"/county/alameda/applications/{application.pk}/")
    expect(page.locator("main")).not_to_contain_text("Fees still owed")

    page.context.clear_cookies()
    login(page, "ana@example.org", PASSWORD)
    page.goto("/me/fees/")
    expect(page.locator("#fees-owed")).to_have_text("You owe nothing.")
    expect(page.locator("main")).to_contain_text("Covered by a scholarship")
    expect(page.locator("#scholarships")).to_contain_text("Workforce scholarships 2026")
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    login(page, "ben@example.org", PASSWORD)
    page.goto("/me/fees/")
    expect(page.locator("#fees-owed")).to_have_text("You owe $100.00 in all.")
    expect(page.locator("#scholarships")).to_contain_text("not granted.")
    assert_no_axe_violations(page)

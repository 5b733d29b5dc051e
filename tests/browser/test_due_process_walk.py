"""Due process end to end in a real browser (issue 14, "Done when"): a member of the public
files a complaint about a certified peer from the verify page; an administrator of the
certifying county moves the case through investigation to findings and revokes the
certification, which the public registry shows at once with the action; the peer appeals from
the portal on a 390 px phone; another administrator, not the one who decided, overturns the
revocation, and the registry shows the certification active again with its original expiry.
axe-core finds nothing on the public, portal and decision pages on the way."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Appeal, Case, CaseDecision, Complaint
from certification.models import Certification
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import CertificationFactory, MembershipFactory, UserFactory, county

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NUMBER = "PSS-0777001"


def _sign_in_as(page: Page, email: str) -> None:
    page.context.clear_cookies()
    login(page, email, "correct-horse-battery")


def _radio(page: Page, label: str) -> None:
    # USWDS hides the real radio button; people click its label.
    page.locator("label.usa-radio__label", has_text=label).first.click()


def test_a_complaint_becomes_a_revocation_that_an_appeal_overturns(page: Page, live_server):
    alameda = county("alameda")
    alameda.contact_email = "peers@alameda.example"
    alameda.contact_phone = "510-555-0100"
    alameda.save()
    peer = UserFactory(email="peer@example.test", first_name="Pat", last_name="Peer")
    expires_on = timezone.localdate() + datetime.timedelta(days=400)
    certification = CertificationFactory(
        number=NUMBER, holder=peer, issuing_county=alameda, expires_on=expires_on
    )
    decider = UserFactory(email="decider@alameda.test", first_name="Dee", last_name="Cider")
    MembershipFactory(user=decider, county=alameda, role="admin")
    reviewer_of_appeals = UserFactory(
        email="second@alameda.test", first_name="Sam", last_name="Second"
    )
    MembershipFactory(user=reviewer_of_appeals, county=alameda, role="admin")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation before acting

    # 1. The public complaint, from the verify page.
    page.goto(f"/verify/{NUMBER}")
    page.get_by_role("link", name="Make a complaint about this peer").click()
    _radio(page, "Confidentiality")
    incident = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    page.get_by_label("When did it happen?").fill(incident)
    page.get_by_label("What happened?").fill("My story was told to a group without my consent.")
    page.get_by_label("Your email address").fill("maria@example.test")
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.locator("h1")).to_have_text("Your complaint was received")
    complaint = Complaint.objects.select_related("case").get()
    case = complaint.case
    assert case.county == alameda and case.certification_id == certification.pk

    # 2. The county administrator investigates and revokes.
    _sign_in_as(page, "decider@alameda.test")
    case_url = f"/county/alameda/cases/{case.pk}/"
    for stage in ("Investigation", "Findings"):
        page.goto(case_url)
        page.get_by_label("Move to stage").select_option(label=stage)
        page.get_by_role("button", name="Change the stage").click()
        expect(page.locator(".usa-alert--success")).to_contain_text("Stage changed.")
    page.goto(case_url)
    page.get_by_role("link", name="Record the decision").click()
    _radio(page, "Revocation")
    page.get_by_label("Findings").fill("The peer shared a participant's story without consent.")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Decision recorded.")
    certification.refresh_from_db()
    assert certification.status == "revoked"
    decision = CaseDecision.objects.get(case=case)
    assert decision.decided_by_id == decider.pk

    # The registry shows the action at once, and never the complaint or who made it.
    page.context.clear_cookies()
    page.goto(f"/verify/{NUMBER}")
    expect(page.locator("main")).to_contain_text("Revoked")
    expect(page.get_by_role("heading", name="Public actions")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("maria@example.test")
    expect(page.locator("main")).not_to_contain_text("without my consent")

    # 3. The peer appeals from the portal, on a phone.
    _sign_in_as(page, "peer@example.test")
    page.set_viewport_size(PHONE)
    page.goto("/me/appeals/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Appeal this decision").first.click()
    page.get_by_label("Why the decision should change").fill(
        "The participant had agreed to the story being shared; her signed consent is on file."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)
    page.get_by_role("button", name="File my appeal").click()
    appeal = Appeal.objects.get()
    assert appeal.appellant_id == peer.pk and appeal.status == "filed"
    expect(page.locator("main")).not_to_contain_text("maria@example.test")

    # The administrator who decided may not decide the appeal: nothing changes.
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in_as(page, "decider@alameda.test")
    page.goto(f"/county/alameda/appeals/{appeal.pk}/decide/")
    _radio(page, "Overturn")
    page.get_by_label("Reasons (the appellant reads them)").fill("I would overturn my own.")
    page.get_by_role("button", name="Decide the appeal").click()
    expect(page.locator(".usa-alert--error")).to_be_visible()
    appeal.refresh_from_db()
    certification.refresh_from_db()
    assert appeal.status == "filed" and certification.status == "revoked"

    # 4. Another administrator overturns it.
    _sign_in_as(page, "second@alameda.test")
    page.goto("/county/alameda/appeals/")
    page.get_by_role("link", name=f"Appeal {appeal.pk}").click()
    page.get_by_role("link", name="Decide the appeal").click()
    _radio(page, "Overturn")
    page.get_by_label("Reasons (the appellant reads them)").fill(
        "The signed consent shows the story was shared with permission."
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Decide the appeal").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Appeal decided.")
    appeal.refresh_from_db()
    certification = Certification.objects.get(pk=certification.pk)
    assert appeal.status == "overturned" and appeal.decided_by_id == reviewer_of_appeals.pk
    assert certification.status == "active" and certification.expires_on == expires_on
    assert Case.objects.get(pk=case.pk).decisions.get().rescinded_at is not None

    # The registry shows the certification active again; the withdrawn notice is gone.
    page.context.clear_cookies()
    page.goto(f"/verify/{NUMBER}")
    expect(page.locator("main")).to_contain_text("Active")
    expect(page.locator("main")).not_to_contain_text("Revoked")
    assert_no_axe_violations(page)

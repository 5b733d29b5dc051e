"""A training provider in a real browser applies for the approval of its core course in an open
cycle (the curriculum mapped to the 17 core competencies, refused while one is missing), and a
state reviewer approves it; the provider then sees the course approved with its end date.
axe-core checks every page; the application and the overview read at 390 px."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from providers.models import ApprovalCycle, CourseApproval
from providers.rules import CORE_COMPETENCIES
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import UserFactory
from tests.providers.cast import make_provider, make_reviewer

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_provider_applies_and_a_reviewer_approves(page: Page, live_server):
    boss = UserFactory(email="lead@hopeworks.test", first_name="Bo")
    hope = make_provider("Hope Works", boss)
    reviewer = make_reviewer("rae@state.test")
    today = timezone.localdate()
    ApprovalCycle.objects.create(
        course_type="core_80",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        opened_by=reviewer,
        announced_at=timezone.now(),
    )

    login(page, boss.email, PASSWORD)
    page.get_by_role("link", name="Training providers").click()
    expect(page.get_by_role("heading", name="Courses and applications")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#open-cycles").get_by_role("link", name="Apply").click()
    expect(page.get_by_role("heading", name="Apply for approval")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Course title").fill("Peer Support Core, bilingual")
    page.get_by_label("Hours").fill("80")
    # USWDS hides the box itself: a person clicks the label.
    for box in ("id_languages_0", "id_languages_1", "id_delivery_modes_0"):
        page.locator(f"label[for={box}]").click()
    page.get_by_role("button", name="Start the application").click()
    expect(page.get_by_role("heading", name="Peer Support Core, bilingual")).to_be_visible()
    assert_no_axe_violations(page)

    # Sixteen of the seventeen competencies: refused, naming the one missing.
    for competency in CORE_COMPETENCIES[:-1]:
        page.get_by_label(str(competency.label), exact=True).fill(f"Module: {competency.label}")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.get_by_text("Say where the curriculum covers: Digital literacy")).to_be_visible()
    expect(page.locator("#application-status")).to_have_text("Draft")
    assert_no_axe_violations(page)
    page.get_by_label("Digital literacy", exact=True).fill("Module 17: online tools and safety")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator("#application-status")).to_have_text("Submitted, waiting for review")
    _fits_a_phone(page)

    # The reviewer approves it.
    page.context.clear_cookies()
    login(page, reviewer.email, PASSWORD)
    page.goto("/provider/")
    expect(page.get_by_role("heading", name="Provider approvals")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#review-queue").get_by_role("link", name="Peer Support Core, bilingual").click()
    expect(page.get_by_text("Module 17: online tools and safety")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("label", has_text="Approve for a period").click()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    approval = CourseApproval.objects.get(provider=hope)
    assert approval.starts_on == today

    # The provider sees the course approved until its end date.
    page.context.clear_cookies()
    login(page, boss.email, PASSWORD)
    page.goto(f"/provider/{hope.pk}/")
    expect(page.locator("#courses")).to_contain_text(f"Yes, until {approval.ends_on.isoformat()}")
    _fits_a_phone(page)

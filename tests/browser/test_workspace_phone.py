"""The review page of an approved application on a 390 px phone: every form (record an exam
attempt among them) fits the screen once opened, the previews load, and axe-core finds
nothing."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    MembershipFactory,
    ProfileFactory,
    TrainingRecordFactory,
    UserFactory,
    county,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_exam_form_fits_a_phone(page: Page, live_server):
    alameda = county("alameda")
    reviewer = UserFactory(email="reviewer@alameda.test")
    MembershipFactory(user=reviewer, county=alameda, role="reviewer")
    applicant = UserFactory(email="ana@example.org", first_name="Ana", last_name="Reyes")
    ProfileFactory(user=applicant)
    application = ApplicationFactory(
        applicant=applicant,
        county=alameda,
        status="approved",
        submitted_at=timezone.now() - datetime.timedelta(days=20),
        approved_on=timezone.localdate() - datetime.timedelta(days=5),
        window_ends_on=timezone.localdate() + datetime.timedelta(days=300),
    )
    DocumentFactory(
        owner=applicant, application=application, kind="photo_id", review_status="verified"
    )
    # The exam form is offered once the core training is verified (issue 13 item 4).
    TrainingRecordFactory(person=applicant, status="verified")
    login(page, "reviewer@alameda.test", "correct-horse-battery")
    page.set_viewport_size(PHONE)

    page.goto(f"/county/alameda/applications/{application.pk}/")
    page.locator("#exam-heading ~ details summary").click()
    expect(page.locator("#exam_taken_on")).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button = page.locator("#exam-heading ~ details button[type=submit]").bounding_box()
    assert button["x"] >= 0 and button["x"] + button["width"] <= PHONE["width"]
    assert_no_axe_violations(page)

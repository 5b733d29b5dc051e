"""In a real browser, at a phone's width: Alameda's administrator records a passed exam toward
the reinstatement of an expired certification from its page (the form fits 390 px; axe-core
finds nothing), and state staff read the statewide list of stranded applications."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from certification.models import Certification
from core.units import add_years
from counties.models import OptInPeriod
from exams.models import ExamAttempt
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import (
    ApplicationFactory,
    CertificationFactory,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
    county,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}


def test_an_admin_records_a_reinstatement_exam_on_a_phone(page: Page, live_server):
    alameda = county("alameda")
    MembershipFactory(user=UserFactory(email="ada.admin@example.org"), county=alameda, role="admin")
    holder = UserFactory(email="eve@example.org", first_name="Eve", last_name="Diaz")
    expires_on = add_years(timezone.localdate(), -2)
    certification = CertificationFactory(
        holder=holder,
        issuing_county=alameda,
        status="expired",
        issued_on=add_years(expires_on, -2),
        expires_on=expires_on,
    )
    page.on("dialog", lambda dialog: dialog.accept())  # "Record this exam?"
    login(page, "ada.admin@example.org", PASSWORD)
    page.set_viewport_size(PHONE)

    page.goto(f"/county/alameda/certifications/{certification.pk}/")
    expect(page.locator("#reinstatement-exam")).to_contain_text("No exam sitting since")
    page.locator("#reinstatement-exam details summary").click()
    expect(page.locator("#exam_taken_on")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button = page.locator("#reinstatement-exam button[type=submit]").bounding_box()
    assert button["x"] >= 0 and button["x"] + button["width"] <= PHONE["width"]
    assert_no_axe_violations(page)

    taken_on = timezone.localdate() - datetime.timedelta(days=4)
    page.fill("#exam_taken_on", taken_on.isoformat())
    page.locator("label[for=exam_result_0]").click()  # Passed
    page.fill("#exam_scaled_score", "525")
    page.locator("#reinstatement-exam button[type=submit]").click()

    expect(page.locator(".usa-alert--success")).to_contain_text("Exam recorded")
    expect(page.locator("#reinstatement-exam")).to_contain_text("This reinstatement")
    assert_no_axe_violations(page)
    attempt = ExamAttempt.objects.get(certification=certification)
    assert (attempt.taken_on, attempt.result, attempt.scaled_score) == (taken_on, "passed", 525)
    assert Certification.objects.get(pk=certification.pk).status == "expired"


def test_state_staff_read_the_stranded_applications_on_a_phone(page: Page, live_server):
    alameda = county("alameda")
    OptInPeriod.objects.create(
        county=alameda,
        delivery_system="smhs",
        opted_in=False,
        effective_from=datetime.date(2023, 7, 1),
    )
    applicant = UserFactory(email="ana@example.org")
    ProfileFactory(user=applicant, legal_first_name="Ana", legal_last_name="Reyes")
    application = ApplicationFactory(
        applicant=applicant, county=alameda, status="submitted", submitted_at=timezone.now()
    )
    state = UserFactory(email="sam.state@example.org", is_state_staff=True)
    assert state.is_state_staff
    login(page, "sam.state@example.org", PASSWORD)
    page.set_viewport_size(PHONE)

    page.goto("/county/")
    page.get_by_role("link", name="Stranded applications, statewide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stranded applications")
    expect(page.locator("table")).to_contain_text("Ana Reyes")
    expect(page.locator("table")).to_contain_text("Alameda")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"#{application.pk}").click()
    expect(page).to_have_url(f"{live_server.url}/county/alameda/applications/{application.pk}/")

"""County staff in a real browser: a reviewer works the queue (open an application, request
changes; the applicant resubmits through the service; verify documents and training, approve),
imports an exam results file with good and bad rows (preview, commit, re-import is a no-op)
issues the certification, suspends it, lifts the suspension and revokes it; an administrator
changes the county's opt-in status and invites a reviewer. axe-core checks every page.

Confirmation dialogs (`data-confirm`) are accepted as a person would.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from certification import services
from certification.models import Application, Certification
from counties.models import OptInPeriod, StaffInvitation
from exams.models import ExamAttempt
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    EthicsVersionFactory,
    MembershipFactory,
    ProfileFactory,
    TrainingRecordFactory,
    UserFactory,
    county,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def _prepare(page: Page) -> None:
    """Accept confirmation dialogs, and allow for a slow first load on a busy machine."""
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_default_navigation_timeout(30_000)


def _tick(page: Page, field_id: str) -> None:
    """USWDS hides the real checkbox or radio; people (and we) click its label."""
    page.locator(f"label[for={field_id}]").click()


@pytest.fixture
def application(page) -> Application:
    EthicsVersionFactory()
    alameda = county("alameda")
    applicant = UserFactory(email="ana.applicant@example.org", first_name="Ana", last_name="Reyes")
    ProfileFactory(user=applicant, legal_first_name="Ana", legal_last_name="Reyes")
    application = ApplicationFactory(
        applicant=applicant,
        county=alameda,
        status="submitted",
        submitted_at=timezone.now() - datetime.timedelta(days=4),
    )
    DocumentFactory(owner=applicant, application=application, kind="photo_id")
    DocumentFactory(owner=applicant, application=application, kind="diploma")
    TrainingRecordFactory(person=applicant, completed_on=datetime.date(2024, 3, 1))
    MembershipFactory(
        user=UserFactory(email="rae.reviewer@example.org", first_name="Rae", last_name="Review"),
        county=alameda,
        role="reviewer",
    )
    MembershipFactory(
        user=UserFactory(email="ada.admin@example.org", first_name="Ada", last_name="Admin"),
        county=alameda,
        role="admin",
    )
    return application


def _reviewer_reviews(page: Page, application: Application) -> None:
    login(page, "rae.reviewer@example.org", PASSWORD)
    page.get_by_role("link", name="Open the county workspace").click()
    expect(page).to_have_url(re.compile(r"/county/alameda/$"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"#{application.pk}").click()
    expect(page.locator("h1")).to_contain_text(f"Application #{application.pk}")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Start the review").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Review started.")
    page.locator("summary", has_text="Request changes").click()
    _tick(page, "changes_parts_3")  # Photo ID
    page.fill("#changes_message", "Please upload a sharper photo ID.")
    page.locator("main form button", has_text="Request changes").click()
    expect(page.locator(".usa-tag").first).to_have_text("Changes requested")
    assert_no_axe_violations(page)


def _reviewer_approves(page: Page, application: Application) -> None:
    page.reload()
    expect(page.locator(".usa-tag").first).to_have_text("In review")
    reviews = [f"document{d.pk}" for d in application.documents.filter(removed_at__isnull=True)]
    reviews += [f"training{r.pk}" for r in application.applicant.training_records.all()]
    for prefix in reviews:
        _tick(page, f"{prefix}_decision_0")  # Verify
        # Wait for the reloaded page to finish loading before the next item: a click on a
        # page whose scripts have not run yet can be lost on a busy machine.
        with page.expect_navigation(wait_until="load"):
            page.locator(f"form:has(#{prefix}_decision_0) button").click()
        # Once reviewed, the item's form is gone from the reloaded page.
        expect(page.locator(f"#{prefix}_decision_0")).to_have_count(0)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".usa-tag").first).to_have_text("Approved")
    assert_no_axe_violations(page)


def _results_file(application: Application) -> bytes:
    today = timezone.localdate().isoformat()
    email = application.applicant.email
    return (
        "application_id,email,exam_date,result,scaled_score,vendor_reference\n"
        f"{application.pk},{email},{today},passed,522,PV-9001\n"
        f"999999,someone@example.org,{today},passed,500,PV-9002\n"
        f"{application.pk},{email},not-a-date,passed,500,PV-9003\n"
        f"{application.pk},other@example.org,{today},failed,300,PV-9004\n"
    ).encode()


def _upload(page: Page, body: bytes) -> None:
    page.goto("/county/alameda/exams/import/")
    page.set_input_files(
        "#id_file", {"name": "results.csv", "mimeType": "text/csv", "buffer": body}
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("h1")).to_have_text("Preview of the import")


def _reviewer_imports_exam_results(page: Page, application: Application) -> None:
    page.goto("/county/alameda/exams/import/")
    assert_no_axe_violations(page)
    body = _results_file(application)
    _upload(page, body)
    assert_no_axe_violations(page)
    expect(page.locator('#import-summary td[data-outcome="ok"]')).to_have_text("1")
    expect(page.locator('#import-summary td[data-outcome="unknown_candidate"]')).to_have_text("1")
    expect(page.locator('#import-summary td[data-outcome="malformed_date"]')).to_have_text("1")
    expect(page.locator('#import-summary td[data-outcome="email_mismatch"]')).to_have_text("1")
    assert ExamAttempt.objects.count() == 0
    page.get_by_role("button", name="Import 1 valid row").click()
    expect(page.locator("h1")).to_have_text("Import done")
    assert_no_axe_violations(page)
    assert ExamAttempt.objects.filter(source="import", vendor_reference="PV-9001").count() == 1

    _upload(page, body)
    expect(page.locator('#import-summary td[data-outcome="already_imported"]')).to_have_text("1")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    assert ExamAttempt.objects.count() == 1


def _reviewer_issues(page: Page, application: Application) -> Certification:
    page.goto(f"/county/alameda/applications/{application.pk}/")
    page.get_by_role("button", name="Issue the certification").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Certification issued")
    certification = Certification.objects.get(application=application)
    page.get_by_role("link", name=re.compile(f"Certification {certification.number}")).click()
    assert_no_axe_violations(page)
    return certification


def _reviewer_disciplines(page: Page, certification: Certification) -> None:
    page.goto(f"/county/alameda/certifications/{certification.pk}/")
    page.get_by_role("link", name="Suspend").click()
    assert_no_axe_violations(page)
    page.fill("#id_reason", "Complaint under investigation.")
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator(".certification-status")).to_have_text("Suspended")
    page.get_by_role("link", name="Lift the suspension").click()
    page.get_by_role("button", name="Lift the suspension").click()
    expect(page.locator(".certification-status")).to_have_text("Active")
    page.get_by_role("link", name="Revoke").click()
    page.fill("#id_reason", "Complaint upheld.")
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator(".certification-status")).to_have_text("Revoked")
    assert_no_axe_violations(page)
    assert Certification.objects.get(pk=certification.pk).status == "revoked"


def _admin_changes_opt_in_and_invites(page: Page) -> None:
    login(page, "ada.admin@example.org", PASSWORD)
    page.goto("/county/alameda/")
    page.get_by_role("link", name="Opt-in settings").click()
    assert_no_axe_violations(page)
    page.select_option("#id_delivery_system", "dmc")
    _tick(page, "id_opted_in_0")
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    page.fill("#id_reason", "Board resolution 2025-14.")
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Opt-in status changed")
    expect(page.locator("#opt-in-history")).to_contain_text("Board resolution 2025-14.")
    assert (
        OptInPeriod.objects.filter(delivery_system="dmc", effective_to__isnull=True).get().opted_in
    )

    page.get_by_role("link", name="Staff").click()
    assert_no_axe_violations(page)
    page.fill("#id_email", "new.reviewer@example.org")
    _tick(page, "id_role_0")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#staff-invitations")).to_contain_text("new.reviewer@example.org")
    assert_no_axe_violations(page)
    assert StaffInvitation.objects.get().role == "reviewer"
    assert any(message.to == ["new.reviewer@example.org"] for message in mail.outbox)


def test_reviewer_and_admin_journey(
    page: Page, browser: Browser, live_server, application: Application
):
    _prepare(page)
    _reviewer_reviews(page, application)

    # The applicant sends a new photo ID and resubmits (through the services).
    applicant: User = application.applicant
    application.documents.filter(kind="photo_id").update(removed_at=timezone.now())
    DocumentFactory(owner=applicant, application=application, kind="photo_id")
    services.application_resubmit(actor=applicant, application=application)

    _reviewer_approves(page, application)
    _reviewer_imports_exam_results(page, application)
    certification = _reviewer_issues(page, application)
    _reviewer_disciplines(page, certification)

    admin_context = browser.new_context(base_url=live_server.url, locale="en-US")
    admin_context.set_default_timeout(30_000)
    admin_page = admin_context.new_page()
    _prepare(admin_page)
    try:
        _admin_changes_opt_in_and_invites(admin_page)
    finally:
        admin_context.close()

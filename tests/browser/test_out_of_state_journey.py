"""An out-of-state application from the applicant through staff issue, in a real browser
(docs/domain.md#other-pathways): the applicant chooses reciprocity, gives the other state's
certification with its expiry date, uploads three letters of recommendation and two CE
courses with their proof (the Documents step saying what is left after each), submits; a
reviewer reads the reciprocity checklist (letters and CE not met until verified), verifies
every document, approves, records the passed California exam and issues the certification
without any 80 hours of training. axe-core checks the pages on the way.

Confirmation dialogs (`data-confirm`) are accepted as a person would.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from accounts.models import User
from certification.models import Application, Certification, OutOfStateCeRecord
from counties.models import OptInPeriod
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import (
    MINIMAL_PDF,
    EthicsVersionFactory,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
    county,
)
from tests.paying import pay_fees_owed
from tests.portal.conftest import png_bytes

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
PDF = "application/pdf"


def _tick(page: Page, field_id: str) -> None:
    """USWDS hides the real checkbox or radio; people (and we) click its label."""
    page.locator(f"label[for={field_id}]").click()


def _file(name: str, body: bytes = MINIMAL_PDF, mime: str = PDF) -> dict:
    return {"name": name, "mimeType": mime, "buffer": body}


def _submit(page: Page, button: Locator, *, before=None) -> None:
    """Click a form's submit button and wait for the next page. On a machine shared by
    several test runs a click can land before the page is ready and be lost: try again, at
    most three times (a form posted twice is refused by its version, never applied twice).
    `before` runs before each click (ticking the choice the form needs)."""
    for attempt in range(3):
        if before is not None:
            before()
        try:
            with page.expect_navigation(wait_until="domcontentloaded", timeout=15_000):
                button.click()
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise


def _save_and_continue(page: Page) -> None:
    page.locator("main button[name=then][value=next]").click()


@pytest.fixture
def people(page):
    EthicsVersionFactory(version="2025.1", effective_on=datetime.date(2025, 1, 1))
    alameda = county("alameda")
    OptInPeriod.objects.create(
        county=alameda,
        delivery_system="smhs",
        opted_in=True,
        effective_from=datetime.date(2023, 7, 1),
    )
    applicant = UserFactory(email="priya@example.org", first_name="Priya", last_name="Shah")
    ProfileFactory(user=applicant, county_of_residence=alameda)
    MembershipFactory(
        user=UserFactory(email="rae.reviewer@example.org", first_name="Rae", last_name="Review"),
        county=alameda,
        role="reviewer",
    )
    return applicant


def _applicant_applies(page: Page) -> int:
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "priya@example.org", PASSWORD)
    page.goto("/me/applications/new/")
    page.select_option("#id_county", str(county("alameda").pk))
    _tick(page, "id_pathway_1")  # out-of-state reciprocity
    _save_and_continue(page)
    expect(page).to_have_url(re.compile(r"/me/applications/\d+/details/$"))
    pk = int(re.search(r"/applications/(\d+)/", page.url).group(1))
    _save_and_continue(page)
    expect(page).to_have_url(re.compile(rf"/me/applications/{pk}/ethics/$"))
    _tick(page, "id_agree")
    _save_and_continue(page)

    # Attestations and the other state's certification, with its expiry date.
    expect(page).to_have_url(re.compile(rf"/me/applications/{pk}/attestations/$"))
    _tick(page, "id_attest_share_experience")
    _tick(page, "id_attest_recovery")
    page.fill("#id_other_state", "az")
    page.fill("#id_other_state_certification_number", "AZ-PSS-20417")
    expires = timezone.localdate() + datetime.timedelta(days=300)
    page.fill("#id_other_state_expires_on", expires.isoformat())
    page.fill("#id_peer_work_hours", "2100")
    _tick(page, "id_attest_no_pending_discipline")
    assert_no_axe_violations(page)
    _save_and_continue(page)

    # Documents: what is left is said before and after each item.
    expect(page).to_have_url(re.compile(rf"/me/applications/{pk}/documents/$"))
    expect(page.locator("#letters-left")).to_contain_text(
        "3 letters of recommendation are required; 0 are uploaded."
    )
    expect(page.locator("#ce-left")).to_contain_text("0 hours of continuing education")
    assert_no_axe_violations(page)
    for kind, name, body, mime in (
        ("photo_id", "id-card.png", png_bytes((60, 40)), "image/png"),
        ("diploma", "diploma.pdf", MINIMAL_PDF, PDF),
    ):
        page.set_input_files(f"#id_{kind}-file", _file(name, body, mime))
        page.locator(f"form:has(#id_{kind}-file) button[type=submit]").click()
        expect(page.locator(f"#heading-{kind} + .portal-document")).to_contain_text(name)
    for n in (1, 2, 3):
        page.set_input_files("#id_recommendation_letter-file", _file(f"letter-{n}.pdf"))
        page.locator("form:has(#id_recommendation_letter-file) button[type=submit]").click()
        expect(page.locator("#heading-letters ~ .portal-document")).to_have_count(n)
    expect(page.locator("#letters-left")).to_contain_text("Done: 3 letters.")

    done = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    for title, hours, category in (("Trauma-informed care", "14", 0), ("Law and ethics", "6", 1)):
        page.fill("#id_ce-title", title)
        page.fill("#id_ce-provider_name", "Arizona Peer Academy")
        page.fill("#id_ce-hours", hours)
        _tick(page, f"id_ce-category_{category}")
        page.fill("#id_ce-completed_on", done)
        page.set_input_files("#id_ce-proof", _file(f"{title}.pdf"))
        page.get_by_role("button", name="Add this course").click()
        expect(page.locator("#heading-ce ~ table")).to_contain_text(title)
    expect(page.locator("#ce-left")).to_contain_text("Done: 20 hours, 6 in law and ethics")
    assert_no_axe_violations(page)

    # Review: nothing missing, no 80 hours asked; submit.
    page.goto(f"/me/applications/{pk}/review/")
    expect(page.locator("#missing")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("does not ask for the 80 hours")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Submit my application").click()
    expect(page).to_have_url(re.compile(rf"/me/applications/{pk}/status/$"))
    assert Application.objects.get(pk=pk).status == "submitted"
    assert OutOfStateCeRecord.objects.filter(application_id=pk).count() == 2
    return pk


def _verify_ticked(page: Page, prefix: str) -> None:
    _tick(page, f"{prefix}_decision_0")  # Verify
    expect(page.locator(f"#{prefix}_decision_0")).to_be_checked()


def _checklist_row(page: Page, label: str):
    return page.locator("#reciprocity-checklist tr", has_text=label)


def _reviewer_issues(page: Page, pk: int) -> Certification:
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "rae.reviewer@example.org", PASSWORD)
    page.goto(f"/county/alameda/applications/{pk}/", wait_until="domcontentloaded")
    # Wait for the reloaded page: a click before its scripts ran can be lost on a busy machine.
    _submit(page, page.get_by_role("button", name="Start the review"))
    expect(page.locator(".usa-alert--success")).to_contain_text("Review started.")

    # Letters and CE count once verified: not met yet, with why.
    expect(_checklist_row(page, "3 letters of recommendation")).to_contain_text(
        "3 letters of recommendation are required; 0 are verified."
    )
    expect(_checklist_row(page, "20 CE hours")).to_contain_text("Not met")
    expect(_checklist_row(page, "A current certification from another state")).to_contain_text(
        "AZ AZ-PSS-20417"
    )
    assert_no_axe_violations(page)

    application = Application.objects.get(pk=pk)
    for document in application.documents.filter(removed_at__isnull=True).order_by("pk"):
        prefix = f"document{document.pk}"
        _submit(
            page,
            page.locator(f"form:has(#{prefix}_decision_0) button"),
            before=lambda prefix=prefix: _verify_ticked(page, prefix),
        )
        expect(page.locator(f"#{prefix}_decision_0")).to_have_count(0)
    expect(_checklist_row(page, "3 letters of recommendation")).to_contain_text("Met")
    expect(_checklist_row(page, "20 CE hours")).to_contain_text("20 hours, 6 in law and ethics")
    _submit(page, page.get_by_role("button", name="Approve", exact=True))
    expect(page.locator(".usa-tag").first).to_have_text("Approved")

    # The exam is the one thing left; no 80 hours of training are asked.
    expect(_checklist_row(page, "A passed California certification exam")).to_contain_text(
        "Not met"
    )
    # The exam waits for the application fee (the fee hold is on by default): the county
    # records the payment, as it does when the applicant pays by check.
    application = Application.objects.get(pk=pk)
    pay_fees_owed(application.applicant, actor=User.objects.get(email="rae.reviewer@example.org"))
    page.reload(wait_until="domcontentloaded")
    page.locator("summary", has_text="Record an exam attempt").click()
    page.fill("#exam_taken_on", timezone.localdate().isoformat())
    _tick(page, "exam_result_0")  # Passed
    page.fill("#exam_scaled_score", "512")
    _submit(page, page.get_by_role("button", name="Record the attempt"))
    expect(_checklist_row(page, "A passed California certification exam")).to_contain_text("passed")
    expect(page.locator("#reciprocity-checklist")).not_to_contain_text("Not met")
    assert_no_axe_violations(page)
    _submit(page, page.get_by_role("button", name="Issue the certification"))
    expect(page.locator(".usa-alert--success")).to_contain_text("Certification issued")
    return Certification.objects.get(application_id=pk)


def test_out_of_state_application_from_applicant_to_issue(
    page: Page, browser: Browser, live_server, people
):
    pk = _applicant_applies(page)

    staff_context = browser.new_context(base_url=live_server.url, locale="en-US")
    staff_context.set_default_timeout(30_000)
    try:
        certification = _reviewer_issues(staff_context.new_page(), pk)
    finally:
        staff_context.close()

    assert (certification.status, certification.holder) == ("active", people)
    assert not people.training_records.exists()  # no 80 hours on this pathway
    page.goto("/me/")
    expect(page.locator("main")).to_contain_text(certification.number)

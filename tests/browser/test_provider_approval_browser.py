"""A training provider in a real browser, from applying for approval to reporting completions
(issue 15): it applies for the approval of its core course in an open cycle (the curriculum
mapped to the core competencies, refused while one is missing), a state reviewer approves it,
the provider sees the course approved with its end date; then a member of its staff uploads a
completions CSV for the approved course, sees the preview with a row error for a bad row (more
hours than the course was approved for), reports the good row, and the matched learner finds
the record in their training log marked "reported by" the provider, verified at the source.
axe-core checks every page; the application and the overview read at 390 px."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from providers.models import (
    ApprovalCycle,
    Completion,
    CompletionStatus,
    CourseApproval,
    ProviderMembership,
    ProviderRole,
)
from providers.rules import CORE_COMPETENCIES
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import ProfileFactory, UserFactory
from tests.providers.cast import make_provider, make_reviewer
from training.models import TrainingRecord

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_provider_applies_is_approved_and_reports_completions(page: Page, live_server, tmp_path):
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

    # Fifteen of the sixteen competencies: refused, naming the one missing.
    for competency in CORE_COMPETENCIES[:-1]:
        page.get_by_label(str(competency.label), exact=True).fill(f"Module: {competency.label}")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.get_by_text("Say where the curriculum covers: Confidentiality")).to_be_visible()
    expect(page.locator("#application-status")).to_have_text("Draft")
    assert_no_axe_violations(page)
    page.get_by_label("Confidentiality", exact=True).fill("Module 16: confidentiality and privacy")
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
    expect(page.get_by_text("Module 16: confidentiality and privacy")).to_be_visible()
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

    # A member of the provider's staff reports completions of the approved course: a CSV with
    # one good row and one with more hours than the course was approved for.
    clerk = UserFactory(email="cleo@hopeworks.test", first_name="Cleo")
    ProviderMembership.objects.create(provider=hope, user=clerk, role=ProviderRole.MEMBER)
    learner = UserFactory(email="lena.ortiz@example.org", first_name="Lena", last_name="Ortiz")
    ProfileFactory(
        user=learner,
        legal_first_name="Lena",
        legal_last_name="Ortiz",
        date_of_birth=datetime.date(1990, 3, 14),
    )
    course = approval.course
    roster = tmp_path / "hope-works-roster.csv"
    roster.write_text(
        "completion_id,course_id,email,legal_first_name,legal_last_name,date_of_birth,"
        "hours,completed_on\n"
        f"HW-100,{course.pk},lena.ortiz@example.org,Lena,Ortiz,1990-03-14,80,{today}\n"
        f"HW-101,{course.pk},sam@example.org,Sam,Lee,1988-01-02,96,{today}\n",
        encoding="utf-8",
    )
    page.context.clear_cookies()
    login(page, clerk.email, PASSWORD)
    page.goto(f"/provider/{hope.pk}/")
    page.get_by_role("link", name="Learners and completions").click()
    expect(page.get_by_role("heading", name="Learners and completions")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Upload completions").click()
    expect(page.get_by_role("heading", name="Upload completions")).to_be_visible()
    expect(page.locator("#course-ids")).to_contain_text("Peer Support Core, bilingual")
    assert_no_axe_violations(page)
    page.get_by_label("Completions file (CSV)").set_input_files(roster)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview of the upload")).to_be_visible()
    rows = page.locator("#upload-rows")
    expect(rows).to_contain_text("is approved for 80 hours; a completion cannot report more (96)")
    assert not Completion.objects.exists()  # the preview saves nothing
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Report 1 completion").click()
    expect(page.get_by_role("heading", name="Completions reported")).to_be_visible()
    expect(page.get_by_text("The file was reported.")).to_be_visible()
    assert_no_axe_violations(page)
    completion = Completion.objects.get()
    assert completion.completion_id == "HW-100"
    assert completion.status == CompletionStatus.ATTACHED
    assert completion.person == learner

    # The learner finds it in their training log, reported by the provider, verified.
    page.context.clear_cookies()
    login(page, learner.email, PASSWORD)
    page.goto("/me/training/")
    expect(page.locator("main")).to_contain_text("Reported by Hope Works, verified at the source")
    record = TrainingRecord.objects.get(person=learner)
    assert record.reported_at_source and record.status == "verified"
    assert_no_axe_violations(page)

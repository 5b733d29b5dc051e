"""State staff work a case no county handles in a real browser (issue 14: "state staff where
there is none"): a public complaint about a training provider reaches the state's own case
list from the page where state staff land; they move it to findings and record a letter of
warning. axe-core finds nothing on the list, the case and the decision form."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases import services
from cases.models import CaseDecision
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_state_staff_decide_a_complaint_about_a_training_provider(page: Page, live_server):
    UserFactory(email="sam@state.test", first_name="Sam", last_name="State", is_state_staff=True)
    case = services.complaint_file(
        actor=None,
        form_key="s" * 30,
        subject_kind="provider",
        subject_name="Acme Peer Training",
        category="respect",
        summary="The trainer mocked the participants.",
        incident_on=timezone.localdate() - datetime.timedelta(days=3),
    ).case
    assert case.county is None
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation before acting

    login(page, "sam@state.test", "correct-horse-battery")
    page.goto("/county/")
    page.get_by_role("link", name="Cases no county handles").first.click()
    expect(page.locator("h1")).to_have_text("Cases")
    expect(page.get_by_text("Acme Peer Training")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Case {case.pk}").click()
    expect(page.locator("h1")).to_have_text(f"Case {case.pk}")
    assert_no_axe_violations(page)
    case_url = page.url
    for stage in ("Investigation", "Findings"):
        page.goto(case_url)
        page.get_by_label("Move to stage").select_option(label=stage)
        page.get_by_role("button", name="Change the stage").click()
        expect(page.locator(".usa-alert--success")).to_contain_text("Stage changed.")
    page.goto(case_url)
    page.get_by_role("link", name="Record the decision").click()
    page.locator("label.usa-radio__label", has_text="Letter of warning").first.click()
    page.get_by_label("Findings").fill("The trainer's conduct breached the respect principle.")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Decision recorded.")
    decision = CaseDecision.objects.get()
    assert (decision.outcome, decision.case_id, decision.county_id) == ("warning", case.pk, None)

"""Keyboard-only use of the application wizard: every control is reached with Tab and
operated with the keys people use (arrows in a radio group and a select, Space on a checkbox,
Enter on a button), with no mouse."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from certification.models import Application
from counties.models import OptInPeriod
from tests.browser.conftest import login
from tests.factories import EthicsVersionFactory, ProfileFactory, UserFactory, county

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def test_an_application_is_started_and_signed_with_the_keyboard_only(page):
    EthicsVersionFactory(version="2025.1", effective_on=datetime.date(2025, 1, 1))
    for code in ("alameda", "fresno"):
        OptInPeriod.objects.create(
            county=county(code),
            delivery_system="smhs",
            opted_in=True,
            effective_from=datetime.date(2023, 7, 1),
        )
    person = UserFactory(email="keys@example.org")
    ProfileFactory(user=person, county_of_residence=county("alameda"))
    login(page, "keys@example.org", PASSWORD)

    page.goto("/me/applications/new/")
    tab_to(page, "#id_county")
    page.keyboard.press("ArrowDown")  # Alameda (proposed) → Fresno
    tab_to(page, "input[name=pathway]:checked")
    page.keyboard.press("ArrowDown")  # standard → out-of-state
    tab_to(page, "button[name=then][value=next]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/details/$"))
    application = Application.objects.get(applicant=person)
    assert (application.county.code, application.pathway) == ("fresno", "out_of_state")

    page.goto(f"/me/applications/{application.pk}/ethics/")
    tab_to(page, ".portal-ethics")  # the long text scrolls with the arrow keys
    tab_to(page, "#id_agree")
    page.keyboard.press("Space")
    tab_to(page, "button[name=then][value=next]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/attestations/$"))
    application.refresh_from_db()
    assert application.ethics_signed_at is not None

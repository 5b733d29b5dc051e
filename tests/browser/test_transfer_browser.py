"""A county stops participating and its applicant moves the application, in a real browser:
Alameda's administrator opts out of its one delivery system; the applicant's status page says
Alameda no longer takes part and offers the move; the applicant moves the application to
Fresno (at a phone's width too); Fresno's reviewer finds it in the queue and opens it, and
Alameda's reviewer no longer can. axe-core checks every page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from certification.models import Application
from counties.models import OptInPeriod
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    EthicsVersionFactory,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
    county,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


@pytest.fixture
def application(page) -> Application:
    EthicsVersionFactory()
    alameda, fresno = county("alameda"), county("fresno")
    for participating in (alameda, fresno):
        OptInPeriod.objects.create(
            county=participating,
            delivery_system="smhs",
            opted_in=True,
            effective_from=datetime.date(2023, 7, 1),
        )
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
    for email, where, role in (
        ("ada.admin@example.org", alameda, "admin"),
        ("rae.reviewer@example.org", alameda, "reviewer"),
        ("fred.fresno@example.org", fresno, "reviewer"),
    ):
        MembershipFactory(user=UserFactory(email=email), county=where, role=role)
    return application


def _new_page(browser: Browser, live_server, **options) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="en-US", **options)
    context.set_default_timeout(30_000)
    new_page = context.new_page()
    new_page.on("dialog", lambda dialog: dialog.accept())
    return new_page


def _admin_opts_out(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # "Change the opt-in status?"
    login(page, "ada.admin@example.org", PASSWORD)
    page.goto("/county/alameda/opt-in/")
    page.select_option("#id_delivery_system", "smhs")
    page.locator("label[for=id_opted_in_1]").click()  # Not opted in
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    page.fill("#id_reason", "Board resolution 2026-14: peer support services end.")
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator(".usa-alert--success")).to_contain_text("Opt-in status changed")
    expect(page.locator("#opt-in-current")).to_contain_text("Not opted in")


def _applicant_moves_the_application(page: Page, application: Application) -> None:
    page.goto(f"/me/applications/{application.pk}/status/")
    expect(page.locator("main")).to_contain_text(
        "Alameda no longer takes part in peer support certification"
    )
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Move my application").click()
    expect(page.locator("h1")).to_have_text("Move your application to another county program")
    assert_no_axe_violations(page)
    # The choices: participating counties other than Alameda.
    options = page.locator("#id_county option").all_inner_texts()
    assert [o for o in options if not o.startswith("-")] == [
        "Fresno (Specialty Mental Health Services)"
    ]
    # Sent without a choice: the reason is shown at the field, nothing moves.
    page.get_by_role("button", name="Move my application").click()
    expect(page.locator(".usa-alert--error")).to_contain_text("This field is required")
    assert Application.objects.get(pk=application.pk).county.code == "alameda"

    page.select_option("#id_county", label="Fresno (Specialty Mental Health Services)")
    page.get_by_role("button", name="Move my application").click()
    expect(page).to_have_url(re.compile(rf"/me/applications/{application.pk}/status/$"))
    expect(page.locator(".usa-alert--success")).to_contain_text("Your application moved to Fresno")
    expect(page.locator("h1")).to_have_text("Application to Fresno")
    expect(page.locator("main")).to_contain_text("From Alameda to Fresno.")
    assert_no_axe_violations(page)


def test_a_county_opts_out_and_the_applicant_moves_the_application(
    page: Page, browser: Browser, live_server, application: Application
):
    _admin_opts_out(page)

    # The applicant, on a phone (signed in first: the phone layout folds the menu away).
    phone = _new_page(browser, live_server)
    try:
        login(phone, "ana.applicant@example.org", PASSWORD)
        phone.set_viewport_size({"width": 390, "height": 844})
        _applicant_moves_the_application(phone, application)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the status page scrolls sideways at 390 px ({width} px)"
    finally:
        phone.context.close()

    application.refresh_from_db()
    assert (application.county.code, application.status) == ("fresno", "submitted")
    assert Application.objects.filter(applicant=application.applicant).count() == 1

    # Fresno's reviewer finds it in the queue.
    fresno = _new_page(browser, live_server)
    try:
        login(fresno, "fred.fresno@example.org", PASSWORD)
        fresno.goto("/county/fresno/")
        fresno.get_by_role("link", name=f"#{application.pk}").click()
        expect(fresno.locator("h1")).to_contain_text(f"Application #{application.pk}: Ana Reyes")
        expect(fresno.locator("main")).to_contain_text(
            "Application transferred to another county program"
        )
        expect(fresno.get_by_role("button", name="Start the review")).to_be_visible()
        assert_no_axe_violations(fresno)
    finally:
        fresno.context.close()

    # Alameda's reviewer no longer finds it.
    alameda = _new_page(browser, live_server)
    try:
        login(alameda, "rae.reviewer@example.org", PASSWORD)
        response = alameda.goto(f"/county/alameda/applications/{application.pk}/")
        assert response is not None and response.status == 404
    finally:
        alameda.context.close()

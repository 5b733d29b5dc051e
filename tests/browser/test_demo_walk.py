"""The demo as its people meet it after `make run` (README.md 'Demo accounts'): seeded by
seed_demo, then walked in a real browser by the applicant, the peer (on a 390 px phone), and
Alameda's and Fresno's administrators, each signing in with DEMO_PASSWORD. axe-core checks
every page."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from playwright.sync_api import Browser, Page, expect

from certification.models import Certification
from demo.seed import seed_demo
from tests.browser.conftest import assert_no_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(page, broker_messages, settings):
    """The demo data, committed for the live server; the certificate renderings it queues go
    to a queue of this test's own."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with transaction.atomic():
        seed_demo(password=settings.DEMO_PASSWORD, strict=True)
    return settings.DEMO_PASSWORD


def _fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@contextmanager
def _signed_in(browser: Browser, live_server, email: str, password: str) -> Iterator[Page]:
    """A browser context of its own (no cookies) signed in as `email`."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(30_000)
    try:
        person = context.new_page()
        login(person, email, password)
        yield person
    finally:
        context.close()


def test_the_demo_walked_by_its_people(page, browser, live_server, demo):
    """One seed, four people, each in a browser of their own."""
    walks = (
        ("peer@example.org", _the_peer_on_a_phone),
        ("applicant@example.org", _the_applicant_continues_the_draft),
        ("alameda.admin@example.org", _alameda_administrator_finds_the_queue_and_a_suspension),
        ("fresno.admin@example.org", _fresno_administrator_sees_the_reinstated_peer_and_the_audit),
    )
    for email, walk in walks:
        with _signed_in(browser, live_server, email, demo) as person:
            walk(person)


def _the_peer_on_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/me/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("is active until")
    expect(main).to_contain_text("Crisis Services, Parent, Caregiver and Family Member")
    assert _fits_the_screen(page)
    assert_no_axe_violations(page)

    page.goto("/me/certification/ce/")
    expect(page.get_by_role("rowheader", name="Suicide prevention for peers")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Trauma-informed care in practice")).to_be_visible()
    assert _fits_the_screen(page)
    assert_no_axe_violations(page)


def _the_applicant_continues_the_draft(page: Page) -> None:
    page.goto("/me/")
    expect(page.get_by_text("Finish your application to Alameda.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Continue my application").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)


def _alameda_administrator_finds_the_queue_and_a_suspension(page: Page) -> None:
    page.goto("/county/alameda/")
    expect(page.get_by_role("cell", name="Sofia Alvarez")).to_be_visible()
    assert_no_axe_violations(page)

    marcus = Certification.objects.get(holder__email="marcus.brown@example.org")
    page.goto(f"/county/alameda/certifications/{marcus.pk}/")
    reason = page.get_by_text("Suspended while a complaint about a boundary violation")
    expect(reason).to_have_count(2)  # the current status and the timeline
    expect(page.get_by_role("link", name="Lift the suspension")).to_be_visible()
    assert_no_axe_violations(page)


def _fresno_administrator_sees_the_reinstated_peer_and_the_audit(page: Page) -> None:
    page.goto("/county/fresno/ce-audits/")
    row = page.get_by_role("row").filter(has_text="Tanya Robinson")
    expect(row).to_contain_text("Passed")
    assert_no_axe_violations(page)

    tanya = Certification.objects.get(holder__email="tanya.robinson@example.org")
    page.goto(f"/county/fresno/certifications/{tanya.pk}/")
    expect(page.get_by_text("Certification reinstated")).to_be_visible()
    assert_no_axe_violations(page)

"""An applicant on a 390 px phone, reading in Spanish, follows the "add training" step of their
approved application to the training page, from there to the public course finder, narrows it
to courses taught in Spanish and finds the Spanish-track core course with its provider's
contact (issue 15, Done when). axe-core checks every page on the way; nothing is wider than the
phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from providers.models import CourseApproval, ProviderCourse
from tests.browser.conftest import assert_no_axe_violations
from tests.factories import ApplicationFactory, ProfileFactory, UserFactory
from tests.providers.cast import make_provider

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def _approved_core_course(provider, reviewer, title: str, languages: list[str]) -> ProviderCourse:
    today = timezone.localdate()
    course = ProviderCourse.objects.create(
        provider=provider,
        title=title,
        course_type="core_80",
        hours=80,
        languages=languages,
        delivery_modes=["in_person"],
    )
    CourseApproval.objects.create(
        provider=provider,
        training_provider=provider.training_provider,
        course=course,
        course_code="core_80",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=600),
        approved_by=reviewer,
    )
    return course


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)


def test_an_applicant_finds_a_spanish_course_on_a_phone_in_spanish(page: Page, live_server):
    # Who approved the courses does not matter here (the approvals are set up directly).
    reviewer = UserFactory(email="rae@state.test", is_state_staff=True)
    instituto = make_provider(
        "Instituto de Formación de Pares Latinos", UserFactory(email="lucia@instituto.test")
    )
    instituto.contact_email = "cursos@instituto.test"
    instituto.contact_phone = "(559) 555-0123"
    instituto.statewide = True
    instituto.save()
    hope = make_provider("Hope Works", UserFactory(email="bo@hope.test"))
    _approved_core_course(instituto, reviewer, "Formación básica entre pares", ["es"])
    _approved_core_course(hope, reviewer, "Peer Support Core Training", ["en"])
    applicant = UserFactory(email="marisol@example.org", first_name="Marisol")
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    ProfileFactory(user=applicant, legal_first_name="Marisol", legal_last_name="Vega")
    today = timezone.localdate()
    ApplicationFactory(
        applicant=applicant,
        status="approved",
        submitted_at=timezone.now() - datetime.timedelta(days=20),
        approved_on=today - datetime.timedelta(days=5),
        window_ends_on=today + datetime.timedelta(days=360),
    )

    page.set_viewport_size({"width": 390, "height": 844})
    # Signing in applies the person's language (Spanish) to the browser.
    page.goto("/accounts/login/")
    page.fill("#id_login", applicant.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.goto("/me/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    _fits_the_phone(page)
    page.get_by_role("link", name="Agregar capacitación").click()
    expect(page).to_have_url(f"{live_server.url}/me/training/?application=" + _id(applicant))
    _fits_the_phone(page)

    page.get_by_role(
        "link", name="Encuentre un curso de formación básica aprobado cerca de usted, en su idioma"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/courses/?course=core_80")
    expect(page.locator("h1")).to_have_text("Buscar un curso aprobado")
    _fits_the_phone(page)
    # Both core courses are listed until the reader asks for Spanish.
    expect(page.get_by_role("heading", name="Peer Support Core Training")).to_be_visible()
    page.select_option("#id_language", "es")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/courses/\?.*language=es"))
    expect(page.get_by_role("heading", name="Formación básica entre pares")).to_be_visible()
    expect(page.get_by_role("heading", name="Peer Support Core Training")).to_have_count(0)
    card = page.locator(".usa-card", has_text="Formación básica entre pares")
    expect(card).to_contain_text("Instituto de Formación de Pares Latinos")
    expect(card.get_by_role("link", name="cursos@instituto.test")).to_be_visible()
    expect(card).to_contain_text("Español")
    _fits_the_phone(page)


def _id(applicant) -> str:
    return str(applicant.applications.get().pk)

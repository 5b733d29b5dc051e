"""The exam booking step on a 390 px phone, in Spanish and in English: once the application
is approved and the core training verified, the next step books the exam with the program's
vendor, says what to bring and how to ask for accommodations, and shows how to reach the
county program; the Training page links back to the application. axe-core checks each page;
nothing is wider than the screen."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from certification import services
from counties.models import County, OptInPeriod, ProgramPolicy
from tests.browser.conftest import assert_no_axe_violations
from tests.factories import (
    EthicsVersionFactory,
    MembershipFactory,
    ProfileFactory,
    ProviderFactory,
    TrainingRecordFactory,
    UserFactory,
    county,
)
from tests.portal.conftest import complete_application

pytestmark = pytest.mark.browser

PASSWORD = "a-long-Passphrase-42"
PHONE = {"width": 390, "height": 844}


def approved_applicant(training_status: str) -> int:
    """An applicant (Alameda, Spanish) with an approved application; returns its id."""
    alameda = county("alameda")
    OptInPeriod.objects.create(
        county=alameda,
        delivery_system="smhs",
        opted_in=True,
        effective_from=datetime.date(2023, 7, 1),
    )
    County.objects.filter(pk=alameda.pk).update(
        contact_email="peers@alameda.example",
        contact_phone="(510) 555-0142",
        contact_address="2000 Embarcadero\nOakland, CA 94606",
        contact_hours="Monday to Friday, 9 am to 4 pm",
        contact_hours_es="De lunes a viernes, de 9 a 16 h",
        contact_url="https://alameda.example/peers",
    )
    ProgramPolicy.current()
    ProgramPolicy.objects.update(exam_vendor_phone="1-800-555-0100")
    reviewer = UserFactory(email="reviewer@alameda.test")
    MembershipFactory(user=reviewer, county=alameda, role="reviewer")
    applicant = UserFactory(email="rosa@example.org", password=PASSWORD, preferred_language="es")
    ProfileFactory(user=applicant, legal_first_name="Rosa", legal_last_name="Díaz")
    ethics = EthicsVersionFactory(version="2025.1", effective_on=datetime.date(2025, 1, 1))
    application = complete_application(applicant, ethics)
    services.application_submit(actor=applicant, application=application)
    services.application_start_review(actor=reviewer, application=application)
    for document in application.documents.filter(removed_at__isnull=True):
        services.document_review(actor=reviewer, document=document, verified=True)
    services.application_approve(
        actor=reviewer,
        application=application,
        today=timezone.localdate() - datetime.timedelta(days=5),
    )
    TrainingRecordFactory(
        person=applicant,
        provider=ProviderFactory(approved_from=datetime.date(2022, 1, 1)),
        status=training_status,
    )
    return application.pk


def on_a_phone_in(page: Page, live_server, language: str) -> None:
    page.set_viewport_size(PHONE)
    page.context.add_cookies(
        [{"name": "peercert_language", "value": language, "url": live_server.url}]
    )
    login_page(page, language)


def login_page(page: Page, language: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", "rosa@example.org")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_the_exam_booking_step_on_a_phone_in_spanish(page: Page, live_server):
    pk = approved_applicant("verified")
    on_a_phone_in(page, live_server, "es")

    page.goto("/me/")
    step = page.locator("[aria-labelledby=next-step-heading]")
    expect(step).to_contain_text("Reserve y presente el examen de certificación antes del")
    expect(step).to_contain_text("Le quedan 3 intentos.")
    booking = step.locator("a.usa-button")
    expect(booking).to_have_text("Reservar el examen con Pearson VUE")
    expect(booking).to_have_attribute("href", "https://home.pearsonvue.com/")
    expect(step).to_contain_text("Cómo presentar el examen")
    expect(step).to_contain_text("120 preguntas de opción múltiple en 2,5 horas")
    expect(step).to_contain_text("o llame al 1-800-555-0100")
    expect(step).to_contain_text("Una identificación oficial vigente con foto")
    expect(step).to_contain_text("al menos 30 días antes de la fecha de su examen")
    expect(step).to_contain_text("Programa de certificación del condado de Alameda")
    expect(step.locator("a[href='mailto:peers@alameda.example']")).to_be_visible()
    expect(step.locator("a[href='tel:5105550142']")).to_be_visible()
    expect(step).to_contain_text("De lunes a viernes, de 9 a 16 h")
    fits(page)
    assert_no_axe_violations(page)

    page.goto(f"/me/applications/{pk}/status/")
    expect(page.locator("main")).to_contain_text("Reservar el examen con Pearson VUE")
    expect(page.locator("main")).to_contain_text("Le quedan 3 intentos en esta solicitud.")
    fits(page)
    assert_no_axe_violations(page)


def test_training_waiting_for_review_on_a_phone_leads_to_training_and_back(page: Page, live_server):
    pk = approved_applicant("pending")
    on_a_phone_in(page, live_server, "en")

    page.goto(f"/me/applications/{pk}/status/")
    step = page.locator("[aria-labelledby=next-step-heading]")
    expect(step).to_contain_text("Your proof of core training is waiting for review by Alameda.")
    expect(step).not_to_contain_text("Add proof")
    expect(step).not_to_contain_text("How to take the exam")
    assert_no_axe_violations(page)

    step.locator("a.usa-button").click()
    expect(page).to_have_url(f"{live_server.url}/me/training/?application={pk}")
    expect(page.locator("main")).to_contain_text("Your proof is waiting for review")
    fits(page)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to my application to Alameda").click()
    expect(page).to_have_url(f"{live_server.url}/me/applications/{pk}/status/")
    # The status page offers no button to itself.
    assert page.locator(f"main a.usa-button[href='/me/applications/{pk}/status/']").count() == 0

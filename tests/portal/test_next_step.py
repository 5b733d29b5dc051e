"""The next step of an approved application never asks for what was already sent, names how
to book the exam once the candidate may sit it (the program's exam details), shows the county
program's contact details wherever it says to contact the program, and never offers a button
to the page it is on; the Training page links back to the application."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certification import services
from certification.models import Application
from counties.models import County, ProgramPolicy
from exams.services import exam_attempt_record
from tests.factories import CertificationFactory, ProviderFactory, TrainingRecordFactory
from tests.paying import pay_fees_owed
from tests.portal.conftest import client_for, complete_application, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(cast, ethics, opted_in) -> Application:
    application = complete_application(cast.applicant, ethics)
    services.application_submit(actor=cast.applicant, application=application)
    services.application_start_review(actor=cast.reviewer, application=application)
    for document in application.documents.filter(removed_at__isnull=True):
        services.document_review(actor=cast.reviewer, document=document, verified=True)
    return services.application_approve(
        actor=cast.reviewer,
        application=application,
        today=timezone.localdate() - datetime.timedelta(days=10),
    )


@pytest.fixture
def alameda_contact(cast) -> County:
    County.objects.filter(pk=cast.county.pk).update(
        contact_email="peers@alameda.example",
        contact_phone="(510) 555-0142",
        contact_address="2000 Embarcadero\nOakland, CA 94606",
        contact_hours="Monday to Friday, 9 am to 4 pm",
        contact_hours_es="De lunes a viernes, de 9 a 16 h",
        contact_url="https://alameda.example/peers",
    )
    return County.objects.get(pk=cast.county.pk)


def core_training(cast, status: str):
    return TrainingRecordFactory(
        person=cast.applicant,
        provider=ProviderFactory(approved_from=datetime.date(2022, 1, 1)),
        status=status,
    )


def status_page(cast, application):
    return client_for(cast.applicant).get(
        reverse("portal:application_status", args=[application.pk])
    )


def test_training_waiting_for_review_says_so_and_does_not_ask_for_proof(cast, approved):
    core_training(cast, "pending")

    response = status_page(cast, approved)

    step = response.context["next_step"]
    assert step.text.startswith("Your proof of core training is waiting for review by Alameda.")
    assert "Add proof" not in step.text
    assert step.action == "See my training"
    assert step.url == f"/me/training/?application={approved.pk}"
    assert step.exam is None


def test_no_training_yet_asks_for_proof_before_the_exam(cast, approved):
    step = status_page(cast, approved).context["next_step"]

    assert step.text.startswith("Add proof of your 80 hours of core training. Once Alameda")
    assert step.action == "Add training"


def test_a_rejected_record_asks_for_proof_again(cast, approved):
    core_training(cast, "rejected")

    assert status_page(cast, approved).context["next_step"].action == "Add training"


def test_a_pass_with_training_waiting_for_review_says_so(cast, approved):
    """A pass on file while the training is under review again (a record recorded before the
    exam rule, or sent back): the step waits for the review."""
    record = core_training(cast, "verified")
    pay_fees_owed(cast.applicant, actor=cast.reviewer)  # the exam waits for the fee
    exam_attempt_record(
        actor=cast.reviewer,
        application=approved,
        taken_on=timezone.localdate() - datetime.timedelta(days=1),
        result="passed",
    )
    type(record).objects.filter(pk=record.pk).update(status="pending")

    response = status_page(cast, approved)

    assert response.context["next_step"].text.startswith(
        "You passed the exam. Your proof of core training is waiting for review by Alameda"
    )
    html = response.content.decode()
    assert "attempts left on this application" not in html
    assert "attempt left on this application" not in html


def test_with_verified_training_the_step_is_to_book_the_exam(cast, approved, alameda_contact):
    core_training(cast, "verified")

    response = status_page(cast, approved)

    step = response.context["next_step"]
    assert step.text.startswith("Book and take the certification exam by ")
    assert step.text.endswith("You have 3 attempts left.")
    assert (step.url, step.action) == (
        "https://home.pearsonvue.com/",
        "Book the exam with Pearson VUE",
    )
    html = response.content.decode()
    assert '<a class="usa-button" href="https://home.pearsonvue.com/" rel="noopener">' in html
    assert "How to take the exam" in html
    assert "120 multiple-choice questions in 2.5 hours" in html
    assert "A current government photo ID whose name matches your application" in html
    assert "ask the certification program of Alameda County at least 30 days before" in html
    assert '<a class="usa-link" href="mailto:peers@alameda.example">' in html
    assert '<a class="usa-link" href="tel:5105550142">(510) 555-0142</a>' in html
    assert "2000 Embarcadero<br>Oakland, CA 94606" in html
    assert "Monday to Friday, 9 am to 4 pm" in html


def test_the_exam_details_are_the_programs_policy_values(cast, approved):
    core_training(cast, "verified")
    ProgramPolicy.current()
    ProgramPolicy.objects.update(
        exam_vendor_name="Acme Testing",
        exam_booking_url="https://acme.example/book",
        exam_vendor_phone="1-800-555-0100",
        exam_what_to_bring="Your ID and a smile.",
        exam_what_to_bring_es="Su identificación y una sonrisa.",
        exam_accommodation_notice_days=45,
    )

    english = status_page(cast, approved).content.decode()
    client = client_for(cast.applicant)
    client.cookies["peercert_language"] = "es"
    spanish = client.get(reverse("portal:application_status", args=[approved.pk]))

    assert 'href="https://acme.example/book" rel="noopener">Book the exam with Acme Testing' in (
        english
    )
    assert "or call 1-800-555-0100" in english
    assert "Your ID and a smile." in english
    assert "at least 45 days before your exam date" in english
    html = spanish.content.decode()
    assert "Su identificación y una sonrisa." in html
    assert "Cómo presentar el examen" in html
    assert "al menos 45 días antes" in html
    assert "120 preguntas de opción múltiple en 2,5 horas" in html


def test_the_booking_step_in_spanish_with_the_counties_spanish_hours(
    cast, approved, alameda_contact
):
    core_training(cast, "verified")
    client = client_for(cast.applicant)
    client.cookies["peercert_language"] = "es"

    html = client.get(reverse("portal:application_status", args=[approved.pk])).content.decode()

    assert "Reserve y presente el examen de certificación antes del" in html
    assert "Reservar el examen con Pearson VUE" in html
    assert "De lunes a viernes, de 9 a 16 h" in html
    assert "Programa de certificación del condado de Alameda" in html


def test_after_the_window_the_step_says_until_when_a_result_can_arrive(cast, approved):
    """The window is about taking the exam: after it, the candidate is told until when a
    result of an exam taken by then can be recorded (docs/domain.md#exam), not to book."""
    window_end = timezone.localdate() - datetime.timedelta(days=1)
    Application.objects.filter(pk=approved.pk).update(window_ends_on=window_end)

    step = status_page(cast, approved).context["next_step"]

    grace_end = window_end + datetime.timedelta(days=30)
    assert step.text.startswith("Your exam window ended on ")
    assert "Alameda can still record your result until" in step.text
    assert step.exam is None
    assert step.contact == cast.county
    assert grace_end.strftime("%Y") in step.text


def test_on_the_last_day_of_the_window_the_step_is_still_to_book(cast, approved):
    core_training(cast, "verified")
    Application.objects.filter(pk=approved.pk).update(window_ends_on=timezone.localdate())

    step = status_page(cast, approved).context["next_step"]

    assert step.text.startswith("Book and take the certification exam by")


def test_all_attempts_used_shows_how_to_reach_the_program(cast, approved, alameda_contact):
    core_training(cast, "verified")
    pay_fees_owed(cast.applicant, actor=cast.reviewer)  # the exam waits for the fee
    for days in (9, 6, 3):
        exam_attempt_record(
            actor=cast.reviewer,
            application=approved,
            taken_on=timezone.localdate() - datetime.timedelta(days=days),
            result="failed",
        )

    response = status_page(cast, approved)

    assert response.context["next_step"].contact == alameda_contact
    html = response.content.decode()
    assert "Contact the certification program of Alameda County about what you can do next" in (
        html
    )
    assert "peers@alameda.example" in html


def test_a_county_without_contact_details_shows_no_empty_block(cast, approved):
    core_training(cast, "verified")

    html = status_page(cast, approved).content.decode()

    assert "program-contact" not in html


def test_a_suspended_certification_shows_how_to_reach_the_issuing_program(cast, alameda_contact):
    CertificationFactory(holder=cast.applicant, issuing_county=alameda_contact, status="suspended")

    html = client_for(cast.applicant).get(reverse("portal:home")).content.decode()

    assert "Contact the certification program of Alameda County if you have questions." in html
    assert "peers@alameda.example" in html


def test_no_button_links_to_the_page_it_is_on(cast, ethics, opted_in):
    application = complete_application(cast.applicant, ethics)
    services.application_submit(actor=cast.applicant, application=application)
    status_url = reverse("portal:application_status", args=[application.pk])
    client = client_for(cast.applicant)

    status = client.get(status_url)
    home = client.get(reverse("portal:home"))

    assert status.context["next_step"].url == status_url
    assert f'<a class="usa-button" href="{status_url}">' not in status.content.decode()
    assert f'<a class="usa-button" href="{status_url}">' in home.content.decode()


def test_the_training_page_links_back_to_the_application_it_came_from(cast, approved):
    client = client_for(cast.applicant)
    status_url = reverse("portal:application_status", args=[approved.pk])

    named = client.get(f"/me/training/?application={approved.pk}").content.decode()
    unnamed = client.get("/me/training/").content.decode()
    foreign = client_for(cast.other_applicant).get(f"/me/training/?application={approved.pk}")

    assert f'<a class="usa-link" href="{status_url}">Back to my application to Alameda</a>' in named
    assert "Back to my application to Alameda" in unnamed
    assert "Back to my application" not in foreign.content.decode()
    assert foreign.status_code == 200


def test_adding_training_from_an_application_keeps_the_way_back(cast, approved):
    provider = ProviderFactory(approved_from=datetime.date(2022, 1, 1))

    response = client_for(cast.applicant).post(
        f"/me/training/?application={approved.pk}",
        {
            "course": "core_80",
            "provider": provider.pk,
            "hours": "80",
            "completed_on": "2024-03-01",
            "certificate": pdf_file(),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/me/training/?application={approved.pk}"
    html = client_for(cast.applicant).get(response["Location"]).content.decode()
    assert "Your proof is waiting for review by the county program" in html

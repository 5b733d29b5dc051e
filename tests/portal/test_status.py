"""The status page: a timeline from the audit trail, exam attempts with results and attempts
left, and one clear next step; the home page and the dashboard lead there."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certification import services
from certification.models import ApplicantProfile
from exams.services import exam_attempt_record
from tests.factories import TrainingRecordFactory
from tests.paying import pay_fees_owed
from tests.portal.conftest import client_for, complete_application, start_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(cast, ethics, opted_in):
    application = complete_application(cast.applicant, ethics)
    services.application_submit(actor=cast.applicant, application=application)
    services.application_start_review(actor=cast.reviewer, application=application)
    services.application_request_changes(
        actor=cast.reviewer, application=application, parts=["diploma"], message="Upload page 2."
    )
    services.application_resubmit(actor=cast.applicant, application=application)
    for document in application.documents.filter(removed_at__isnull=True):
        services.document_review(actor=cast.reviewer, document=document, verified=True)
    return services.application_approve(
        actor=cast.reviewer,
        application=application,
        today=timezone.localdate() - datetime.timedelta(days=10),
    )


def test_the_timeline_tells_what_happened_in_order(cast, approved, applicant_client):
    TrainingRecordFactory(person=cast.applicant, status="verified")
    # The exam waits for the application fee (the program's fee hold, on by default).
    pay_fees_owed(cast.applicant, actor=cast.reviewer)
    exam_attempt_record(
        actor=cast.reviewer,
        application=approved,
        taken_on=timezone.localdate() - datetime.timedelta(days=1),
        result="failed",
        scaled_score=410,
    )

    response = applicant_client.get(reverse("portal:application_status", args=[approved.pk]))

    titles = [entry.title for entry in response.context["timeline"]]
    assert titles == [
        "Application started",
        "Code of Ethics signed",
        "Application submitted",
        "Review started",
        "Changes requested",
        "Changes sent back for review",
        "Application approved",
        "Exam result recorded",
    ]
    details = [entry.detail for entry in response.context["timeline"]]
    assert details[4] == "Parts to change: Diploma or equivalent. Message: Upload page 2."
    assert details[7] == "Failed"
    html = response.content.decode()
    assert "You may take the exam until" in html
    assert "410" in html
    assert "You have 2 attempts left on this application." in html
    assert response.context["next_step"].text.startswith("Book and take the certification exam by ")


def test_the_timeline_holds_only_this_applications_events(cast, ethics, opted_in, approved):
    other = complete_application(cast.other_applicant, ethics, code="fresno")
    services.application_submit(actor=cast.other_applicant, application=other)
    services.application_withdraw(actor=cast.applicant, application=approved)
    mine = start_application(cast.applicant, code="fresno")

    response = client_for(cast.applicant).get(reverse("portal:application_status", args=[mine.pk]))

    assert [e.title for e in response.context["timeline"]] == ["Application started"]


def test_a_submitted_application_says_there_is_nothing_to_do(cast, ethics, opted_in):
    application = complete_application(cast.applicant, ethics)
    services.application_submit(actor=cast.applicant, application=application)

    response = client_for(cast.applicant).get(
        reverse("portal:application_status", args=[application.pk])
    )

    assert response.context["next_step"].text == (
        "Alameda is reviewing your application. Nothing to do now: we will email you when "
        "something changes."
    )


def test_home_and_dashboard_show_one_next_step(cast, opted_in):
    ApplicantProfile.objects.filter(user=cast.applicant).delete()
    client = client_for(cast.applicant)

    home = client.get(reverse("portal:home"))
    assert home.context["summary"].next_step.url == reverse("portal:profile")

    start_application(cast.applicant)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Finish your application to Alameda. Everything you entered is saved." in dashboard
    assert 'href="/me/"' in dashboard


def test_staff_without_their_own_records_see_no_applicant_block(cast):
    html = client_for(cast.reviewer).get(reverse("dashboard")).content.decode()

    assert "What to do next" not in html


def test_the_fees_owed_why_and_how_to_pay(cast, approved, applicant_client):
    TrainingRecordFactory(person=cast.applicant, status="verified")
    pay_fees_owed(cast.applicant, actor=cast.reviewer)  # the exam waits for the fee
    exam_attempt_record(
        actor=cast.reviewer,
        application=approved,
        taken_on=timezone.localdate() - datetime.timedelta(days=1),
        result="failed",
    )

    response = applicant_client.get(reverse("portal:application_status", args=[approved.pk]))

    assert [(fee.label, fee.amount) for fee in response.context["fees"]] == [
        ("Application fee", "$100.00"),
        ("Exam fee (one sitting)", "$150.00"),
    ]
    html = response.content.decode()
    assert "Charged for each sitting of the certification exam." in html
    assert "$250.00" in html and "How to pay" in html
    applicant_client.cookies["peercert_language"] = "es"
    html = applicant_client.get(
        reverse("portal:application_status", args=[approved.pk])
    ).content.decode()
    assert "Tarifa de solicitud" in html and "Cómo pagar" in html


def test_a_draft_shows_the_fee_due_when_it_is_submitted(cast, ethics, opted_in, applicant_client):
    application = complete_application(cast.applicant, ethics)

    response = applicant_client.get(reverse("portal:application_status", args=[application.pk]))

    assert [(fee.kind, fee.amount) for fee in response.context["fees"]] == [
        ("application", "$100.00")
    ]
    assert "Fees due when you submit" in response.content.decode()

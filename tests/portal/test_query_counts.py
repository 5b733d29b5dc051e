"""Pinned query counts: the portal's pages cost the same number of queries however many
documents, events, attempts or credits a person has (no query per row)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certification import services
from core.rls import wall_ensure
from exams.services import exam_attempt_record
from tests.factories import (
    CeCreditFactory,
    CertificationFactory,
    SpecializationFactory,
    TrainingRecordFactory,
)
from tests.paying import pay_fees_owed
from tests.portal.conftest import complete_application, pdf_file
from training.models import TrainingRecord
from training.selectors import specialization_areas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _wall_already_checked(db):
    """The web process checks the row-level security wall once, at its first request
    (core.rls.wall_ensure); the counts below are of a request after that, whichever test of
    the session happens to come first."""
    wall_ensure()


# Every signed-in page: the session, the user, the "is county staff" check of the menu, and
# the access layer's read of the person's staff counties (once per request).
BASE = 4


@pytest.fixture
def approved(cast, ethics, opted_in):
    application = complete_application(cast.applicant, ethics)
    for _ in range(3):  # replaced photo IDs stay as removed rows
        services.document_upload(
            owner=cast.applicant, kind="photo_id", uploaded_file=pdf_file(), application=application
        )
    services.application_submit(actor=cast.applicant, application=application)
    services.application_start_review(actor=cast.reviewer, application=application)
    for document in application.documents.filter(removed_at__isnull=True):
        services.document_review(actor=cast.reviewer, document=document, verified=True)
    application = services.application_approve(
        actor=cast.reviewer,
        application=application,
        today=timezone.localdate() - datetime.timedelta(days=10),
    )
    # The exams were recorded once the training was verified; the records are pending again
    # for these pages (as after a re-review), whose next step is then the training's review.
    records = TrainingRecordFactory.create_batch(3, person=cast.applicant, status="verified")
    pay_fees_owed(cast.applicant, actor=cast.reviewer)  # the exam waits for the fee
    for days, result in ((5, "failed"), (2, "no_show")):
        exam_attempt_record(
            actor=cast.reviewer,
            application=application,
            taken_on=timezone.localdate() - datetime.timedelta(days=days),
            result=result,
        )
    TrainingRecord.objects.filter(pk__in=[r.pk for r in records]).update(status="pending")
    return application


def test_dashboard(cast, approved, applicant_client, django_assert_num_queries):
    # profile, applications, certifications, the approved one's attempts and training (with
    # the providers' course approvals: providers.CourseApproval), and whether its county still
    # participates
    with django_assert_num_queries(BASE + 7):
        response = applicant_client.get(reverse("dashboard"))
    assert response.status_code == 200


def test_portal_home(cast, approved, applicant_client, django_assert_num_queries):
    # as the dashboard, and the open requests for the peer's response (one query)
    with django_assert_num_queries(BASE + 8):
        response = applicant_client.get(reverse("portal:home"))
    assert response.context["summary"].next_step.text.startswith(
        "Your proof of core training is waiting for review"
    )


def test_portal_home_with_the_exam_to_book(
    cast, approved, applicant_client, django_assert_num_queries
):
    cast.applicant.training_records.update(status="verified")
    # ... and the program's exam details (the county comes with the application)
    with django_assert_num_queries(BASE + 9):
        response = applicant_client.get(reverse("portal:home"))
    assert response.context["summary"].next_step.text.startswith("Book and take the certification")


def test_application_review(cast, approved, applicant_client, django_assert_num_queries):
    # application, profile, documents, the ethics version signed
    with django_assert_num_queries(BASE + 4):
        response = applicant_client.get(reverse("portal:application_review", args=[approved.pk]))
    assert response.status_code == 200


def test_status_page(cast, approved, applicant_client, django_assert_num_queries):
    # application, timeline, attempts, training records and their providers' course approvals,
    # whether its county still participates, fees due, the program's policy on unpaid fees
    # (does the exam wait for the application fee? on by default) and that fee's balance
    with django_assert_num_queries(BASE + 9):
        response = applicant_client.get(reverse("portal:application_status", args=[approved.pk]))
    assert len(response.context["timeline"]) == 7 and len(response.context["attempts"]) == 2


def test_ce_log(cast, applicant_client, django_assert_num_queries):
    certification = CertificationFactory(holder=cast.applicant)
    SpecializationFactory(certification=certification, code="crisis")
    SpecializationFactory(certification=certification, code="unhoused")
    CeCreditFactory.create_batch(6, certification=certification, status="verified")
    # certification (+ its specializations), credits with their proof
    with django_assert_num_queries(BASE + 3):
        response = applicant_client.get(reverse("portal:ce_log"))
    assert len(response.context["credits"]) == 6


def test_training_page(cast, applicant_client, django_assert_num_queries):
    TrainingRecordFactory.create_batch(5, person=cast.applicant)
    specialization_areas()  # the course list's areas are read once, then come from the cache
    # approved providers (the form's choices), records with provider and certificate, their
    # providers' course approvals, the open application the page links back to
    with django_assert_num_queries(BASE + 4):
        response = applicant_client.get(reverse("portal:training"))
    assert len(response.context["records"]) == 5

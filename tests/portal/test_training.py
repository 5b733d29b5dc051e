"""Training: adding core and specialization training with proof, and the progress shown
(verified hours of 80, pending, rejected with the reason)."""

import datetime

import pytest
from django.urls import reverse

from certification import services
from documents.models import Document
from tests.factories import ProviderFactory, TrainingRecordFactory
from tests.portal.conftest import complete_application, executable_named_pdf, pdf_file
from training import services as training_services
from training.models import TrainingProvider, TrainingRecord

pytestmark = pytest.mark.django_db

TRAINING = reverse("portal:training")


@pytest.fixture
def provider(db):
    return ProviderFactory(name="Peer Academy", approved_from=datetime.date(2022, 1, 1))


def _post(provider, **overrides):
    data = {
        "course": "core_80",
        "provider": provider.pk,
        "hours": "80",
        "completed_on": "2024-05-10",
        "certificate": pdf_file("certificate.pdf"),
    }
    data.update(overrides)
    return data


def test_the_page_shows_no_progress_yet(cast, provider, applicant_client):
    response = applicant_client.get(TRAINING)

    html = response.content.decode()
    assert "0 of 80 hours verified" in html
    assert response.context["problems"][0] == (
        "No verified core training counts yet: one course of 80 hours from an approved "
        "training provider is required."
    )
    assert [p.name for p in response.context["form"].fields["provider"].queryset] == [
        "Peer Academy"
    ]


def test_only_approved_providers_are_offered(cast, provider, applicant_client):
    withdrawn = TrainingProvider.objects.create(name="Closed Institute", approved=False)

    response = applicant_client.post(TRAINING, _post(withdrawn))

    assert response.context["form"].errors["provider"]
    assert not TrainingRecord.objects.exists() and not Document.objects.exists()


def test_training_is_added_with_its_certificate_and_waits_for_verification(
    cast, provider, applicant_client
):
    response = applicant_client.post(TRAINING, _post(provider))

    assert response["Location"] == TRAINING
    record = TrainingRecord.objects.get(person=cast.applicant)
    assert (record.course, record.hours, record.status) == ("core_80", 80, "pending")
    assert (record.certificate.kind, record.certificate.owner) == (
        "training_certificate",
        cast.applicant,
    )
    html = applicant_client.get(TRAINING).content.decode()
    assert "0 of 80 hours verified" in html
    assert "80 more hours are waiting for verification." in html


def test_a_bad_certificate_is_refused_at_its_field_and_the_rest_is_kept(
    cast, provider, applicant_client
):
    response = applicant_client.post(
        TRAINING, _post(provider, hours="80.5", certificate=executable_named_pdf())
    )

    html = response.content.decode()
    assert response.context["form"].errors["certificate"] == [
        "This file is not a PDF, JPEG or PNG. Upload a scan or photo of your document."
    ]
    assert 'aria-describedby="id_certificate_helptext id_certificate_error"' in html
    assert 'value="80.5"' in html and 'value="2024-05-10"' in html
    assert f'<option value="{provider.pk}" selected>' in html
    assert not TrainingRecord.objects.exists() and not Document.objects.exists()


def test_verified_and_rejected_training_show_progress_and_the_reason(
    cast, ethics, opted_in, provider, applicant_client
):
    application = complete_application(cast.applicant, ethics)
    services.application_submit(actor=cast.applicant, application=application)
    good = TrainingRecordFactory(person=cast.applicant, provider=provider, hours=80)
    bad = TrainingRecordFactory(
        person=cast.applicant, provider=provider, hours=30, completed_on=datetime.date(2024, 1, 5)
    )
    training_services.training_record_verify(actor=cast.reviewer, record=good)
    training_services.training_record_reject(
        actor=cast.reviewer, record=bad, reason="The certificate is for another person."
    )

    html = applicant_client.get(TRAINING).content.decode()

    assert "80 of 80 hours verified" in html
    assert "Reason: The certificate is for another person." in html
    # One verified 80-hour course meets the requirement; the rejected one is not added up.
    assert "Your core training meets the requirement." in html
    assert "The training completed on 2024-01-05 was rejected." not in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"completed_on": "2022-06-30"},
            "completed_on",
            "Training completed on 2022-06-30 does not count: training must be completed on "
            "or after 2022-07-01.",
        ),
        (
            {"hours": "79.5"},
            "hours",
            "The core training is one course of 80 hours from one provider; this certificate "
            "shows 79.5 hours. Partial courses are not added up.",
        ),
        (
            {"completed_on": "2021-12-31"},
            "completed_on",
            "Training completed on 2021-12-31 does not count: training must be completed on "
            "or after 2022-07-01.",
        ),
    ],
    ids=["before-2022-07-01", "79.5-hours", "before-approval-and-2022-07-01"],
)
def test_training_that_cannot_count_is_refused_when_entered_at_its_field(
    cast, provider, applicant_client, overrides, field, message
):
    response = applicant_client.post(TRAINING, _post(provider, **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not TrainingRecord.objects.exists() and not Document.objects.exists()


def test_training_from_a_provider_not_approved_on_its_date_is_refused_at_the_provider(
    cast, applicant_client
):
    lapsed = ProviderFactory(
        name="Lapsed Academy",
        approved_from=datetime.date(2022, 1, 1),
        approved_until=datetime.date(2024, 5, 9),
    )

    response = applicant_client.post(TRAINING, _post(lapsed))

    assert response.context["form"].errors["provider"] == [
        "Lapsed Academy was not an approved training provider on 2024-05-10, the completion "
        "date: training from it does not count."
    ]
    assert not TrainingRecord.objects.exists() and not Document.objects.exists()

    # The day its approval ended is still inside it.
    response = applicant_client.post(TRAINING, _post(lapsed, completed_on="2024-05-09"))
    assert response["Location"] == TRAINING
    assert TrainingRecord.objects.get().provider == lapsed


def test_a_specialization_before_the_core_training_is_refused_at_its_date(
    cast, provider, applicant_client
):
    applicant_client.post(TRAINING, _post(provider))  # core, completed 2024-05-10
    response = applicant_client.post(
        TRAINING, _post(provider, course="crisis", hours="40", completed_on="2024-05-10")
    )
    assert response.context["form"].errors["completed_on"] == [
        "A specialization course counts only when it is completed after the core training "
        "(completed on 2024-05-10); this one was completed on 2024-05-10."
    ]
    assert TrainingRecord.objects.filter(person=cast.applicant).count() == 1

    response = applicant_client.post(
        TRAINING, _post(provider, course="crisis", hours="40", completed_on="2024-05-11")
    )
    assert response["Location"] == TRAINING
    assert TrainingRecord.objects.filter(person=cast.applicant, course="crisis").exists()


def test_the_course_list_is_the_areas_an_operator_keeps(cast, provider, applicant_client):
    from training.models import SpecializationArea

    SpecializationArea.objects.create(
        code="peer_workforce", name="Peer Workforce", name_es="Fuerza laboral de pares"
    )
    crisis = SpecializationArea.objects.get(code="crisis")
    crisis.offered = False
    crisis.save()

    html = applicant_client.get(TRAINING).content.decode()

    assert '<option value="peer_workforce">Specialization: Peer Workforce</option>' in html
    assert 'value="crisis"' not in html

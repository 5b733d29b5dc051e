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
        "0 hours of verified core training count; 80 hours from an approved training "
        "provider are required."
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
        TRAINING, _post(provider, hours="40.5", certificate=executable_named_pdf())
    )

    html = response.content.decode()
    assert response.context["form"].errors["certificate"] == [
        "This file is not a PDF, JPEG or PNG. Upload a scan or photo of your document."
    ]
    assert 'aria-describedby="id_certificate_helptext id_certificate_error"' in html
    assert 'value="40.5"' in html and 'value="2024-05-10"' in html
    assert f'<option value="{provider.pk}" selected>' in html
    assert not TrainingRecord.objects.exists() and not Document.objects.exists()


def test_verified_and_rejected_training_show_progress_and_the_reason(
    cast, ethics, opted_in, provider, applicant_client
):
    application = complete_application(cast.applicant, ethics)
    services.application_submit(actor=cast.applicant, application=application)
    good = TrainingRecordFactory(person=cast.applicant, provider=provider, hours=50)
    bad = TrainingRecordFactory(
        person=cast.applicant, provider=provider, hours=30, completed_on=datetime.date(2024, 1, 5)
    )
    training_services.training_record_verify(actor=cast.reviewer, record=good)
    training_services.training_record_reject(
        actor=cast.reviewer, record=bad, reason="The certificate is for another person."
    )

    html = applicant_client.get(TRAINING).content.decode()

    assert "50 of 80 hours verified" in html
    assert "Reason: The certificate is for another person." in html
    assert "The training completed on 2024-01-05 was rejected." in html

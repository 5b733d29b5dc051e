"""A record a provider reported, in the learner's portal (issue 15 item 4): marked "reported
by" the provider and verified at source on the training page, in English and Spanish; the
learner disputes it with a reason the provider and the county see."""

import pytest
from django.urls import reverse

from providers.models import Completion
from tests.portal.conftest import client_for
from tests.providers.completions_data import reported_completion_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def completion(cast):
    profile = cast.applicant.applicant_profile
    return reported_completion_of(
        cast.applicant,
        email=cast.applicant.email,
        first=profile.legal_first_name,
        last=profile.legal_last_name,
        born=profile.date_of_birth,
    )


def test_the_training_page_says_who_reported_the_record_and_the_learner_disputes_it(
    cast, completion
):
    client = client_for(cast.applicant)
    page = client.get(reverse("portal:training")).content.decode()
    assert "Reported by Reporting Provider, verified at the source" in page
    assert "Your core training meets the requirement." in page
    dispute = reverse("portal:reported_dispute", args=[completion.pk])
    assert dispute in page

    response = client.post(dispute, {"reason": ""})
    assert response.status_code == 200
    assert Completion.objects.get().disputed_at is None
    response = client.post(dispute, {"reason": "I never took this course."})
    assert response.status_code == 302
    completion.refresh_from_db()
    assert completion.dispute_reason == "I never took this course."
    page = client.get(reverse("portal:training")).content.decode()
    assert "You disputed it on" in page
    assert completion.training_record.status == "verified"  # until a reviewer rejects it


def test_in_spanish(cast, completion):
    client = client_for(cast.applicant)
    client.cookies["peercert_language"] = "es"
    page = client.get(reverse("portal:training")).content.decode()
    dispute = client.get(reverse("portal:reported_dispute", args=[completion.pk])).content.decode()
    assert "Informado por Reporting Provider, verificado en la fuente" in page
    assert "Impugnar un registro informado" in dispute

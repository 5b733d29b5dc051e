"""The wizard of an out-of-state application (docs/domain.md#other-pathways): the applicant
gives the other state's certification with its expiry date, uploads three letters and adds
CE courses with their proof on the Documents step, each section and the review page saying
what is left; the next step after approval is the exam, not 80 hours of training."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certification import services
from certification.models import OutOfStateCeRecord
from documents.models import Document
from tests.portal.conftest import client_for, pdf_file, start_application

pytestmark = pytest.mark.django_db


def url(name, application):
    return reverse(f"portal:{name}", args=[application.pk])


@pytest.fixture
def draft(cast, ethics, opted_in):
    application = start_application(cast.applicant, pathway="out_of_state")
    services.application_sign_ethics(
        actor=cast.applicant, application=application, ethics_version=ethics
    )
    services.application_update(
        actor=cast.applicant,
        application=application,
        fields={
            "attest_share_experience": True,
            "attest_recovery": True,
            "other_state": "OR",
            "other_state_certification_number": "OR-123",
            "other_state_expires_on": timezone.localdate() + datetime.timedelta(days=200),
            "peer_work_hours": 1600,
            "attest_no_pending_discipline": True,
        },
    )
    for kind in ("photo_id", "diploma"):
        services.document_upload(
            owner=cast.applicant, kind=kind, uploaded_file=pdf_file(), application=application
        )
    application.refresh_from_db()
    return application


def ce_post(hours="14", category="general", **overrides):
    return {
        "kind": "ce_record",
        "ce-title": "Peer ethics",
        "ce-provider_name": "Oregon Peer Alliance",
        "ce-hours": hours,
        "ce-category": category,
        "ce-completed_on": (timezone.localdate() - datetime.timedelta(days=40)).isoformat(),
        "ce-proof": pdf_file("ce.pdf"),
        **overrides,
    }


def test_the_documents_step_says_what_is_left_and_takes_each_item(cast, draft):
    client = client_for(cast.applicant)
    page = client.get(url("application_documents", draft))
    html = page.content.decode()
    assert 'id="heading-letters"' in html and 'id="heading-ce"' in html
    assert "3 letters of recommendation are required; 0 are uploaded." in html
    assert "0 hours of continuing education completed between" in html

    for n in range(3):
        response = client.post(
            url("application_documents", draft),
            {"kind": "recommendation_letter", "recommendation_letter-file": pdf_file(f"l{n}.pdf")},
        )
        assert response.status_code == 302
    assert client.post(url("application_documents", draft), ce_post()).status_code == 302
    assert (
        client.post(url("application_documents", draft), ce_post("6", "law_and_ethics"))
    ).status_code == 302

    assert draft.documents.filter(kind="recommendation_letter").count() == 3
    assert OutOfStateCeRecord.objects.filter(application=draft).count() == 2
    html = client.get(url("application_documents", draft)).content.decode()
    assert 'id="letters-left"' in html and "Done: 3 letters." in html
    assert "Done: 20 hours, 6 in law and ethics" in html

    review = client.get(url("application_review", draft))
    assert review.context["problems"] == []
    response = client.post(url("application_review", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_a_refused_ce_record_stays_on_its_form(cast, draft):
    client = client_for(cast.applicant)
    response = client.post(url("application_documents", draft), ce_post(hours="0.1"))
    assert response.status_code == 200
    assert response.context["ce_form"].errors["hours"]
    assert not OutOfStateCeRecord.objects.exists()
    assert not Document.objects.filter(kind="ce_certificate").exists()


def test_the_review_page_lists_what_is_left(cast, draft):
    review = client_for(cast.applicant).get(url("application_review", draft))
    problems = review.context["problems"]
    assert "3 letters of recommendation are required; 0 are uploaded." in problems
    assert any(p.startswith("0 hours of continuing education") for p in problems)
    assert review.context["can_submit"] is False
    assert "does not ask for the 80 hours" in review.content.decode()


def test_the_attestations_step_asks_for_the_expiry_date(cast, draft):
    page = client_for(cast.applicant).get(url("application_attestations", draft))
    assert "other_state_expires_on" in page.context["form"].fields


def test_in_spanish(cast, draft):
    client = client_for(cast.applicant)
    client.cookies["peercert_language"] = "es"
    html = client.get(url("application_documents", draft)).content.decode()
    assert "Se requieren 3 cartas de recomendación; se subieron 0." in html
    assert "Cartas de recomendación" in html


def test_a_standard_application_shows_no_letters_or_ce(cast, ethics, opted_in):
    application = start_application(cast.applicant)
    html = client_for(cast.applicant).get(url("application_documents", application))
    assert 'id="heading-letters"' not in html.content.decode()
    response = client_for(cast.applicant).post(url("application_documents", application), ce_post())
    assert response.status_code == 302
    assert not OutOfStateCeRecord.objects.exists()

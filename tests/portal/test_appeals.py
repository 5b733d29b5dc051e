"""The portal's appeal pages (docs/domain.md#appeals): the person sees the decisions they
may appeal and the last day, files an appeal with a statement and documents, and follows it
to its decision; in English and Spanish. Another person's decision or appeal is a 404 and
changes nothing; a late appeal is refused with the reason."""

import datetime
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Appeal, AppealDocument
from cases.selectors import appealable_decisions
from certification import services as certification_services
from counties.models import ProgramPolicy
from tests.factories import MINIMAL_PDF, CertificationFactory
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def revoked(cast):
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    return certification_services.certification_revoke(
        actor=cast.reviewer, certification=certification, reason="Boundary violation."
    )


def _new_url(ref: str) -> str:
    return reverse("portal:appeal_new") + "?decision=" + quote(ref)


def test_the_person_files_and_follows_an_appeal(cast, revoked):
    client = client_for(cast.applicant)
    page = client.get(reverse("portal:appeals")).content.decode()
    assert "Revocation" in page and "Boundary violation." in page and "Appeal by" in page
    [decision] = appealable_decisions(cast.applicant)
    form = client.get(_new_url(decision.ref))
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    response = client.post(
        _new_url(decision.ref),
        {
            "statement": "I was not there that day.",
            "documents": [
                SimpleUploadedFile("a.pdf", MINIMAL_PDF, content_type="application/pdf"),
                SimpleUploadedFile("b.pdf", MINIMAL_PDF, content_type="application/pdf"),
            ],
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:appeal", args=[appeal.pk]
    )
    assert AppealDocument.objects.filter(appeal=appeal).count() == 2
    detail = client.get(response["Location"]).content.decode()
    assert "I was not there that day." in detail and "a.pdf" in detail
    assert "Waiting for a decision" in detail
    # Asking to file again goes to the appeal filed.
    assert client.get(_new_url(decision.ref))["Location"].endswith(f"/appeals/{appeal.pk}/")

    services.appeal_decide(actor=cast.admin, appeal=appeal, outcome="overturned", reason="Cleared.")
    detail = client.get(reverse("portal:appeal", args=[appeal.pk])).content.decode()
    assert "Decision overturned" in detail and "Cleared." in detail


def test_bad_input_is_shown_and_nothing_is_filed(cast, revoked):
    client = client_for(cast.applicant)
    [decision] = appealable_decisions(cast.applicant)
    response = client.post(
        _new_url(decision.ref),
        {
            "statement": "",
            "documents": [
                SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
            ],
        },
    )
    assert response.status_code == 200
    assert "Say why the decision should change." in response.content.decode()
    response = client.post(
        _new_url(decision.ref),
        {
            "statement": "Wrong.",
            "documents": [
                SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
            ],
        },
    )
    assert response.status_code == 200
    assert "Please check your answers" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_a_late_appeal_shows_the_period_and_files_nothing(cast, revoked):
    policy = ProgramPolicy.current()
    policy.appeal_days = 1
    policy.save()
    [decision] = appealable_decisions(cast.applicant)
    client = client_for(cast.applicant)
    later = timezone.localdate() + datetime.timedelta(days=2)
    from unittest import mock

    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return later if value is None else real(value)

    with mock.patch("django.utils.timezone.localdate", side_effect=localdate):
        page = client.get(reverse("portal:appeals")).content.decode()
        assert "The period to appeal ended on" in page
        response = client.post(_new_url(decision.ref), {"statement": "Late."})
    assert response.status_code == 200
    assert "The period to appeal this decision ended on" in response.content.decode()
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("who", ["other_applicant", "reviewer", "admin", "state"])
def test_someone_elses_decision_and_appeal_are_404(cast, revoked, who):
    [decision] = appealable_decisions(cast.applicant)
    appeal = services.appeal_file(
        actor=cast.applicant, decision_ref=decision.ref, statement="Mine."
    )
    Appeal.objects.filter(pk=appeal.pk).update(decision_ref="filed")  # free the ref again
    client = client_for(getattr(cast, who))
    assert client.get(_new_url(decision.ref)).status_code == 404
    assert client.post(_new_url(decision.ref), {"statement": "Theirs."}).status_code == 404
    assert client.get(reverse("portal:appeal", args=[appeal.pk])).status_code == 404
    assert Appeal.objects.count() == 1


def test_the_pages_are_in_spanish(cast, revoked):
    cast.applicant.preferred_language = "es"
    cast.applicant.save()
    client = client_for(cast.applicant)
    client.cookies["peercert_language"] = "es"
    page = client.get(reverse("portal:appeals")).content.decode()
    assert "Decisiones que puede apelar" in page and "Apelar esta decisión" in page
    [decision] = appealable_decisions(cast.applicant)
    form = client.get(_new_url(decision.ref)).content.decode()
    assert "Por qué debería cambiar la decisión" in form and "Presentar mi apelación" in form


def test_the_application_timeline_keeps_the_denial_and_its_reversal(cast):
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(
        applicant=cast.applicant, county=cast.county, status="in_review"
    )
    certification_services.application_deny(
        actor=cast.reviewer, application=application, reason="Training not approved."
    )
    [decision] = appealable_decisions(cast.applicant)
    appeal = services.appeal_file(
        actor=cast.applicant, decision_ref=decision.ref, statement="It is."
    )
    services.appeal_decide(
        actor=cast.state, appeal=appeal, outcome="overturned", reason="Approved."
    )
    page = (
        client_for(cast.applicant)
        .get(reverse("portal:application_status", args=[application.pk]))
        .content.decode()
    )
    assert page.index("Application denied") < page.index("Denial overturned on appeal")

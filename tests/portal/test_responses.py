"""The peer's way to a program's request for their response: the portal's home says a request
waits (with a link, and the side navigation links /me/responses/) while one is open, in
English and Spanish; and the peer downloads again the files they sent with their answer:
their own files only (a file of the case that is not theirs, or another peer's: 404)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import services
from cases.models import CaseDocument
from certification.models import Certification
from tests.factories import MINIMAL_PDF, CertificationFactory
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def _request(cast, holder, key: str):
    """A complaint (with the complainant's attachment) about `holder`'s certification, and
    the county's request for their response."""
    certification = Certification.objects.filter(holder=holder).first() or CertificationFactory(
        holder=holder, issuing_county=cast.county
    )
    complaint = services.complaint_file(
        actor=None,
        form_key=key * 30,
        subject_kind="peer",
        subject_number=certification.number,
        category="respect",
        summary="A complaint.",
        incident_on=timezone.localdate(),
        attachments=[_pdf("complainant.pdf")],
    )
    return services.response_request(
        actor=cast.admin,
        case=complaint.case,
        message="Tell us about the group.",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )


def test_home_and_nav_point_to_an_open_request_until_it_is_answered(cast):
    client = client_for(cast.applicant)
    responses = reverse("portal:responses")
    home = client.get(reverse("portal:home")).content.decode()
    assert 'id="open-responses"' not in home and responses not in home
    request = _request(cast, cast.applicant, "a")
    home = client.get(reverse("portal:home")).content.decode()
    assert 'id="open-responses"' in home
    assert reverse("portal:response", args=[request.pk]) in home  # one request: straight to it
    assert responses in home  # the side navigation
    # In Spanish too.
    client.cookies["django_language"] = "es"
    spanish = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Un programa le pide su respuesta" in spanish
    assert "Leer la solicitud y responder" in spanish
    client.cookies["django_language"] = "en"
    # Answered: the alert goes; the list keeps its place in the navigation on its own pages.
    services.response_submit(actor=cast.applicant, request=request, text="My side.")
    home = client.get(reverse("portal:home")).content.decode()
    assert 'id="open-responses"' not in home and responses not in home
    assert responses in client.get(responses).content.decode()
    # Someone with no request never sees it.
    other = client_for(cast.other_applicant).get(reverse("portal:home")).content.decode()
    assert 'id="open-responses"' not in other


def test_two_open_requests_link_the_list(cast):
    _request(cast, cast.applicant, "a")
    _request(cast, cast.applicant, "b")
    home = client_for(cast.applicant).get(reverse("portal:home")).content.decode()
    block = home.split('id="open-responses"')[1].split("</div>")[0]
    assert reverse("portal:responses") in block


def test_the_peer_downloads_their_own_files_and_nothing_else(cast):
    request = _request(cast, cast.applicant, "a")
    services.response_submit(
        actor=cast.applicant, request=request, text="My side.", attachments=[_pdf("mine.pdf")]
    )
    mine = CaseDocument.objects.get(kind="response")
    complainants = CaseDocument.objects.get(kind="complaint")
    evidence = services.case_evidence_add(
        actor=cast.admin, case=request.case, uploaded_file=_pdf("evidence.pdf"), description="x"
    )
    other_request = _request(cast, cast.other_applicant, "b")
    services.response_submit(
        actor=cast.other_applicant,
        request=other_request,
        text="Theirs.",
        attachments=[_pdf("theirs.pdf")],
    )
    theirs = CaseDocument.objects.get(kind="response", uploaded_by=cast.other_applicant)

    client = client_for(cast.applicant)
    page = client.get(reverse("portal:response", args=[request.pk])).content.decode()
    url = reverse("portal:response_document", args=[request.pk, mine.pk])
    assert url in page and "mine.pdf" in page
    assert "complainant.pdf" not in page and "evidence.pdf" not in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert AuditEvent.objects.filter(verb="case_document_view", actor=cast.applicant).count() == 1
    before = AuditEvent.objects.count()
    for pk, document_pk in (
        (request.pk, complainants.pk),  # the case's, not theirs
        (request.pk, evidence.pk),
        (request.pk, theirs.pk),  # another peer's file under their own request
        (other_request.pk, theirs.pk),  # another peer's request
        (request.pk, 999999),
    ):
        assert (
            client.get(reverse("portal:response_document", args=[pk, document_pk])).status_code
            == 404
        )
    # Nobody else opens the peer's file, staff included (they use the workspace).
    for who in ("other_applicant", "reviewer", "admin", "state"):
        assert client_for(getattr(cast, who)).get(url).status_code == 404, who
    assert AuditEvent.objects.count() == before

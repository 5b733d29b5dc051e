"""Uploads through the wizard (each refusal at its field, nothing else lost), and serving,
replacing and removing one's own documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification import services
from documents.models import Document
from tests.factories import MINIMAL_PDF
from tests.portal.conftest import (
    bomb_png,
    client_for,
    complete_application,
    empty_file,
    executable_named_pdf,
    oversized_pdf,
    pdf_file,
    png_bytes,
    start_application,
)

pytestmark = pytest.mark.django_db


def documents_url(application) -> str:
    return reverse("portal:application_documents", args=[application.pk])


@pytest.fixture
def draft_with_diploma(cast, opted_in):
    application = start_application(cast.applicant)
    services.document_upload(
        owner=cast.applicant,
        kind="diploma",
        uploaded_file=pdf_file("diploma.pdf"),
        application=application,
    )
    return application


def test_a_photo_id_is_uploaded_and_listed(cast, draft_with_diploma, applicant_client):
    photo = SimpleUploadedFile("my id.png", png_bytes((40, 30)), content_type="image/png")

    response = applicant_client.post(
        documents_url(draft_with_diploma), {"kind": "photo_id", "photo_id-file": photo}
    )

    assert response["Location"] == documents_url(draft_with_diploma)
    document = Document.objects.get(application=draft_with_diploma, kind="photo_id")
    assert (document.content_type, document.original_name, document.owner) == (
        "image/png",
        "my id.png",
        cast.applicant,
    )
    html = applicant_client.get(documents_url(draft_with_diploma)).content.decode()
    assert "my id.png" in html and f'src="/me/documents/{document.pk}/"' in html


REFUSALS = [
    (executable_named_pdf, "This file is not a PDF, JPEG or PNG."),
    (oversized_pdf, "This file is larger than 10 MB."),
    (empty_file, "The submitted file is empty."),
    (bomb_png, "This image has more than 50 million pixels."),
]


@pytest.mark.parametrize(("make_file", "message"), REFUSALS)
def test_a_bad_file_is_refused_at_its_field_and_nothing_else_changes(
    make_file, message, cast, draft_with_diploma, applicant_client
):
    before = list(Document.objects.values_list("pk", "removed_at"))

    response = applicant_client.post(
        documents_url(draft_with_diploma), {"kind": "photo_id", "photo_id-file": make_file()}
    )

    assert response.status_code == 200
    html = response.content.decode()
    errors = response.context["sections"][0]["form"].errors["file"]
    assert errors[0].startswith(message)
    assert '<span class="usa-error-message" id="id_photo_id-file_error">' in html
    assert 'aria-describedby="id_photo_id-file_helptext id_photo_id-file_error"' in html
    assert 'aria-invalid="true"' in html
    # The diploma already uploaded is still there, untouched.
    assert "diploma.pdf" in html
    assert list(Document.objects.values_list("pk", "removed_at")) == before


def test_a_new_photo_id_replaces_the_previous_one(cast, draft_with_diploma, applicant_client):
    for name in ("first.pdf", "second.pdf"):
        applicant_client.post(
            documents_url(draft_with_diploma), {"kind": "photo_id", "photo_id-file": pdf_file(name)}
        )

    current = Document.objects.filter(
        application=draft_with_diploma, kind="photo_id", removed_at__isnull=True
    )
    assert [d.original_name for d in current] == ["second.pdf"]
    assert Document.objects.filter(kind="photo_id").count() == 2


def test_a_document_is_removed_until_submitted(cast, ethics, opted_in, applicant_client):
    application = complete_application(cast.applicant, ethics)
    photo = application.documents.get(kind="photo_id")
    remove = reverse("portal:document_remove", args=[photo.pk])

    response = applicant_client.post(remove)

    assert response["Location"] == documents_url(application)
    photo.refresh_from_db()
    assert photo.removed_at is not None

    diploma = application.documents.get(kind="diploma")
    services.document_upload(
        owner=cast.applicant, kind="photo_id", uploaded_file=pdf_file(), application=application
    )
    services.application_submit(actor=cast.applicant, application=application)
    refused = applicant_client.post(
        reverse("portal:document_remove", args=[diploma.pk]), follow=True
    )
    assert "This application is submitted, so this cannot be done now." in (
        refused.content.decode()
    )
    diploma.refresh_from_db()
    assert diploma.removed_at is None


def test_a_document_is_served_inline_with_safe_headers(cast, opted_in, applicant_client):
    application = start_application(cast.applicant)
    document = services.document_upload(
        owner=cast.applicant,
        kind="photo_id",
        uploaded_file=SimpleUploadedFile('Cédula "oficial"; x.exe.html', MINIMAL_PDF),
        application=application,
    )
    url = reverse("portal:document", args=[document.pk])

    response = applicant_client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Cedula_oficial_x.exe.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"

    download = applicant_client.get(url + "?download=1")
    assert download["Content-Disposition"] == 'attachment; filename="Cedula_oficial_x.exe.pdf"'


def test_a_removed_document_is_no_longer_served(cast, ethics, opted_in, applicant_client):
    application = complete_application(cast.applicant, ethics)
    photo = application.documents.get(kind="photo_id")
    services.document_remove(actor=cast.applicant, document=photo)

    assert applicant_client.get(reverse("portal:document", args=[photo.pk])).status_code == 404


def test_another_persons_document_is_404_even_for_their_county_reviewer(cast, ethics, opted_in):
    application = complete_application(cast.applicant, ethics)
    services.application_submit(actor=cast.applicant, application=application)
    photo = application.documents.get(kind="photo_id")

    for member in ("other_applicant", "reviewer", "state"):
        response = client_for(getattr(cast, member)).get(
            reverse("portal:document", args=[photo.pk])
        )
        assert response.status_code == 404, member

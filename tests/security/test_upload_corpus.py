"""A corpus of hostile uploads, generated here: polyglots, PDFs with
JavaScript, truncated files, decompression bombs, files of one kind named as another, empty
files and files at the size limit. Each is refused with a clear message or stored safely (as
the type its first bytes name, served with `nosniff`), through `document_upload` and through
the portal's upload page (a field error on a page that keeps everything else)."""

import base64
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from certification import services
from core import policy
from core.errors import DomainError
from documents.models import Document
from tests.factories import MINIMAL_PDF
from tests.portal.conftest import bomb_png_bytes, client_for, pdf_file, start_application

pytestmark = pytest.mark.django_db

NOT_A_TYPE = "This file is not a PDF, JPEG or PNG."
DAMAGED_PDF = "This PDF is damaged or incomplete."
DAMAGED_IMAGE = "This image is damaged or incomplete."
TOO_MANY_PIXELS = "This image has more than 50 million pixels."
ACTIVE_PDF = "This PDF contains scripts, attachments or interactive forms, which are not accepted."
TOO_BIG = "This file is larger than 10 MB."


def noisy_image(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    """A real image whose pixels do not compress away, so truncating it cuts pixel data."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def jpeg_pdf_polyglot() -> bytes:
    """A JPEG that PDF readers also open: `%PDF-` in a comment segment within the first
    kilobyte, `%%EOF` at the end."""
    jpeg = noisy_image("JPEG")
    comment = MINIMAL_PDF[:-6]
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return jpeg[:2] + segment + jpeg[2:] + b"%%EOF\n"


def png_with_zip() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr("payload.html", "<script>alert(document.cookie)</script>")
    return noisy_image("PNG") + archive.getvalue()


def png_with_html() -> bytes:
    return noisy_image("PNG") + b"<html><script>alert(document.cookie)</script></html>"


def pdf_with(objects: bytes, version: bytes = b"1.4") -> bytes:
    return b"%PDF-" + version + b"\n" + objects + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_javascript_action() -> bytes:
    return pdf_with(
        b"1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</S/JavaScript/JS(app.alert('hi'))>>endobj\n"
    )


def pdf_javascript_escaped_names() -> bytes:
    """`/J#61vaScript` and `/J#53` are `/JavaScript` and `/JS` to a PDF reader."""
    return (
        pdf_javascript_action()
        .replace(b"/JavaScript", b"/J#61vaScript")
        .replace(b"/JS(", b"/J#53(")
    )


def pdf_javascript_in_object_stream() -> bytes:
    """The action dictionary compressed in an object stream (PDF 1.5), invisible to a scan of
    the raw bytes."""
    content = zlib.compress(b"3 0 <</JS(app.alert('hi'))/S/JavaScript>>")
    return pdf_with(
        b"1 0 obj<</Type/Catalog/OpenAction 3 0 R>>endobj\n"
        b"4 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(content)).encode()
        + b">>stream\n"
        + content
        + b"\nendstream\nendobj\n",
        version=b"1.5",
    )


def _object_stream(content: bytes, filters: bytes) -> bytes:
    return pdf_with(
        b"1 0 obj<</Type/Catalog/OpenAction 3 0 R>>endobj\n"
        b"4 0 obj<</Type/ObjStm/N 1/First 4/Filter" + filters + b"/Length "
        + str(len(content)).encode()
        + b">>stream\n"
        + content
        + b"\nendstream\nendobj\n",
        version=b"1.5",
    )  # fmt: skip


def pdf_javascript_in_ascii85_object_stream() -> bytes:
    """The same object stream written in ASCII85 (with line breaks), compressed first: a
    filter chain the keyword scan did not decode."""
    encoded = base64.a85encode(
        zlib.compress(b"3 0 <</JS(app.alert('hi'))/S/JavaScript>>"), wrapcol=64
    )
    return _object_stream(encoded + b"~>", b"[/ASCII85Decode/FlateDecode]")


def pdf_javascript_in_plain_ascii85_stream() -> bytes:
    """ASCII85 alone (abbreviated /A85), no compression."""
    encoded = base64.a85encode(b"3 0 <</JS(app.alert('hi'))/S/JavaScript>>")
    return _object_stream(encoded + b"~>", b"/A85")


def pdf_text_in_ascii85_stream() -> bytes:
    """A harmless page content stream in ASCII85: stored."""
    encoded = base64.a85encode(b"BT /F1 12 Tf 72 712 Td (Certificate of completion) Tj ET")
    return _object_stream(encoded + b"~>", b"/ASCII85Decode").replace(b"/Type/ObjStm", b"")


def pdf_launch_action() -> bytes:
    return pdf_with(
        b"1 0 obj<</Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>>>endobj\n",
    )


def pdf_embedded_file() -> bytes:
    return pdf_with(
        b"1 0 obj<</Type/Catalog/Names<</EmbeddedFiles 2 0 R>>>>endobj\n"
        b"2 0 obj<</Names[(a.exe) 3 0 R]>>endobj\n"
        b"3 0 obj<</Type/Filespec/EF<</F 4 0 R>>>>endobj\n"
        b"4 0 obj<</Type/EmbeddedFile/Length 2>>stream\nMZ\nendstream\nendobj\n"
    )


def pdf_with_image_stream() -> bytes:
    """A scan: a JPEG image stream whose random bytes are not PDF syntax."""
    jpeg = noisy_image("JPEG", (400, 300))
    return pdf_with(
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"5 0 obj<</Type/XObject/Subtype/Image/Width 400/Height 300/ColorSpace/DeviceRGB"
        b"/BitsPerComponent 8/Filter/DCTDecode/Length "
        + str(len(jpeg)).encode()
        + b">>stream\n"
        + jpeg
        + b"\nendstream\nendobj\n"
    )


def jpeg_claiming_huge_size() -> bytes:
    """A small JPEG whose frame header claims 30,000 × 30,000 pixels."""
    jpeg = bytearray(noisy_image("JPEG", (16, 16)))
    frame = jpeg.index(b"\xff\xc0")
    jpeg[frame + 5 : frame + 9] = struct.pack(">HH", 30_000, 30_000)
    return bytes(jpeg)


def pdf_of_size(size: int) -> bytes:
    head, tail = b"%PDF-1.4\n%", b"\n%%EOF\n"
    return head + b"0" * (size - len(head) - len(tail)) + tail


@dataclass(frozen=True)
class Sample:
    name: str  # the file name the uploader's browser sends
    content: Callable[[], bytes]
    refusal: str = ""  # the start of the message; "" when the file is stored
    stored_as: str = ""  # the content type it is stored and served as


CORPUS = {
    "jpeg-pdf-polyglot": Sample("scan.pdf", jpeg_pdf_polyglot, stored_as="image/jpeg"),
    "png-with-zip": Sample("photo.png", png_with_zip, stored_as="image/png"),
    "png-with-html": Sample("photo.png", png_with_html, stored_as="image/png"),
    "pdf-starting-with-html": Sample(
        "id.pdf", lambda: b"<html><body>hello</body></html>\n" + MINIMAL_PDF, NOT_A_TYPE
    ),
    "pdf-javascript": Sample("id.pdf", pdf_javascript_action, ACTIVE_PDF),
    "pdf-javascript-escaped": Sample("id.pdf", pdf_javascript_escaped_names, ACTIVE_PDF),
    "pdf-javascript-object-stream": Sample("id.pdf", pdf_javascript_in_object_stream, ACTIVE_PDF),
    "pdf-javascript-ascii85-object-stream": Sample(
        "id.pdf", pdf_javascript_in_ascii85_object_stream, ACTIVE_PDF
    ),
    "pdf-javascript-plain-ascii85": Sample(
        "id.pdf", pdf_javascript_in_plain_ascii85_stream, ACTIVE_PDF
    ),
    "pdf-text-ascii85": Sample("id.pdf", pdf_text_in_ascii85_stream, stored_as="application/pdf"),
    "pdf-launch": Sample("id.pdf", pdf_launch_action, ACTIVE_PDF),
    "pdf-embedded-file": Sample("id.pdf", pdf_embedded_file, ACTIVE_PDF),
    "pdf-scan-with-image-stream": Sample(
        "scan.pdf", pdf_with_image_stream, stored_as="application/pdf"
    ),
    "pdf-truncated": Sample("id.pdf", lambda: MINIMAL_PDF[: len(MINIMAL_PDF) // 2], DAMAGED_PDF),
    "png-truncated": Sample(
        "id.png", lambda: (png := noisy_image("PNG"))[: len(png) // 2], DAMAGED_IMAGE
    ),
    "jpeg-truncated": Sample(
        "id.jpg", lambda: (jpeg := noisy_image("JPEG"))[: len(jpeg) // 2], DAMAGED_IMAGE
    ),
    "png-30000x30000": Sample("photo.png", bomb_png_bytes, TOO_MANY_PIXELS),
    "jpeg-30000x30000": Sample("photo.jpg", jpeg_claiming_huge_size, TOO_MANY_PIXELS),
    "svg-named-png": Sample(
        "photo.png",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        NOT_A_TYPE,
    ),
    "html-named-pdf": Sample(
        "id.pdf", lambda: b"<!doctype html><script>alert(1)</script>", NOT_A_TYPE
    ),
    "elf-named-jpg": Sample(
        "photo.jpg", lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 512, NOT_A_TYPE
    ),
    "mz-named-jpg": Sample("photo.jpg", lambda: b"MZ\x90\x00\x03" + b"\x00" * 512, NOT_A_TYPE),
    "empty": Sample("id.pdf", lambda: b"", "This file is empty."),
    "pdf-exactly-10-mb": Sample(
        "big.pdf", lambda: pdf_of_size(policy.UPLOAD_MAX_BYTES), stored_as="application/pdf"
    ),
    "pdf-10-mb-and-one-byte": Sample(
        "big.pdf", lambda: pdf_of_size(policy.UPLOAD_MAX_BYTES + 1), TOO_BIG
    ),
}
# Django's own file field refuses an empty upload before the service sees it.
PORTAL_MESSAGES = {"empty": "The submitted file is empty."}


def upload(sample: Sample, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(sample.name, content, content_type="application/octet-stream")


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_the_service_refuses_or_stores_each_file_safely(case, cast):
    sample = CORPUS[case]
    content = sample.content()
    before = Document.objects.count()

    if sample.refusal:
        with pytest.raises(DomainError) as refused:
            services.document_upload(
                owner=cast.applicant, kind="other", uploaded_file=upload(sample, content)
            )
        assert str(refused.value.message).startswith(sample.refusal)
        assert refused.value.field == "file"
        assert Document.objects.count() == before
        return
    document = services.document_upload(
        owner=cast.applicant, kind="other", uploaded_file=upload(sample, content)
    )
    assert (document.content_type, document.size) == (sample.stored_as, len(content))
    with document.file.open("rb") as stored:
        assert stored.read() == content


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


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_the_portal_answers_each_file_with_a_field_error_or_stores_it(
    case, cast, draft_with_diploma
):
    sample = CORPUS[case]
    content = sample.content()
    client = client_for(cast.applicant)
    url = reverse("portal:application_documents", args=[draft_with_diploma.pk])
    before = list(Document.objects.order_by("pk").values_list("pk", "removed_at"))

    response = client.post(url, {"kind": "photo_id", "photo_id-file": upload(sample, content)})

    if sample.refusal:
        assert response.status_code == 200
        errors = response.context["sections"][0]["form"].errors["file"]
        assert errors[0].startswith(PORTAL_MESSAGES.get(case, sample.refusal))
        html = response.content.decode()
        assert 'id="id_photo_id-file_error"' in html and "diploma.pdf" in html
        assert list(Document.objects.order_by("pk").values_list("pk", "removed_at")) == before
        return
    assert response.status_code == 302
    document = Document.objects.get(application=draft_with_diploma, kind="photo_id")
    served = client.get(reverse("portal:document", args=[document.pk]) + "?download=1")
    assert served["Content-Type"] == sample.stored_as
    assert served["X-Content-Type-Options"] == "nosniff"
    extension = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
    assert served["Content-Disposition"].endswith(f'{extension[sample.stored_as]}"')
    assert served["Content-Disposition"].startswith("attachment;")
    assert b"".join(served.streaming_content) == content

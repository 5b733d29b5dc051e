"""Uploads are judged by their content: type from the magic bytes, size, and images and PDFs
that open completely."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import policy
from core.errors import DomainError
from documents.uploads import safe_original_name, sniff_content_type, validated_upload
from tests.certification.builders import image_bytes, png_header_only, upload
from tests.factories import MINIMAL_PDF


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (MINIMAL_PDF, "application/pdf"),
        (image_bytes("JPEG"), "image/jpeg"),
        (image_bytes("PNG"), "image/png"),
    ],
)
def test_accepted_types_return_type_size_and_checksum(content, content_type):
    file = upload(content, name="whatever.txt")
    assert validated_upload(file) == (
        content_type,
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    assert file.tell() == 0


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 an executable named like a PDF",
        b"GIF89a\x01\x00\x01\x00",
        b"<html><body>%PDF-1.4</body></html>",
        b"plain text",
    ],
)
def test_other_content_is_refused_whatever_its_name(content):
    with pytest.raises(DomainError, match="not a PDF, JPEG or PNG") as error:
        validated_upload(upload(content, name="id.pdf"))
    assert (error.value.code, error.value.field) == ("invalid", "file")


def test_an_empty_file_is_refused():
    with pytest.raises(DomainError, match="This file is empty"):
        validated_upload(upload(b"", name="id.pdf"))


def test_size_limit_is_inclusive():
    at_limit = MINIMAL_PDF[:-6] + b" " * (policy.UPLOAD_MAX_BYTES - len(MINIMAL_PDF)) + b"%%EOF\n"
    assert len(at_limit) == policy.UPLOAD_MAX_BYTES
    assert validated_upload(upload(at_limit))[1] == policy.UPLOAD_MAX_BYTES
    with pytest.raises(DomainError, match="larger than 10 MB"):
        validated_upload(upload(at_limit + b"\n"))


def test_size_is_measured_even_when_the_file_does_not_say():
    class Unsized(SimpleUploadedFile):
        size = None

    too_big = MINIMAL_PDF + b" " * policy.UPLOAD_MAX_BYTES
    with pytest.raises(DomainError, match="larger than 10 MB"):
        validated_upload(Unsized("big.pdf", too_big))


def test_a_pdf_without_its_end_marker_is_refused():
    with pytest.raises(DomainError, match="PDF is damaged or incomplete"):
        validated_upload(upload(MINIMAL_PDF[: len(MINIMAL_PDF) // 2]))


def test_a_pdf_with_trailing_bytes_after_eof_is_accepted():
    assert validated_upload(upload(MINIMAL_PDF + b"\r\n" + b"\x00" * 100))[0] == "application/pdf"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_truncated_image_is_refused(fmt):
    content = image_bytes(fmt, size=(300, 200))
    with pytest.raises(DomainError, match="image is damaged or incomplete"):
        validated_upload(upload(content[: len(content) // 2], name="id.png"))


def test_a_png_with_a_bad_checksum_is_refused():
    content = bytearray(image_bytes("PNG"))
    content[40] ^= 0xFF
    with pytest.raises(DomainError, match="image is damaged or incomplete"):
        validated_upload(upload(bytes(content), name="id.png"))


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8000, 8000),  # over the limit: Pillow only warns, the warning is a refusal
        (20000, 20000),  # over twice the limit: Pillow raises DecompressionBombError
    ],
)
def test_decompression_bombs_are_refused_before_decoding(width, height):
    assert width * height > policy.UPLOAD_MAX_IMAGE_PIXELS
    with pytest.raises(DomainError, match="more than 50 million pixels"):
        validated_upload(upload(png_header_only(width, height), name="id.png"))


def test_an_image_at_the_pixel_limit_is_judged_on_its_content():
    width = 10000
    height = policy.UPLOAD_MAX_IMAGE_PIXELS // width
    # The header is within the limit, so the image is decoded and its missing data found.
    with pytest.raises(DomainError, match="damaged or incomplete"):
        validated_upload(upload(png_header_only(width, height), name="id.png"))


def test_sniffing_reads_only_the_magic_bytes():
    assert sniff_content_type(b"%PDF-1.7") == "application/pdf"
    assert sniff_content_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n") == "image/png"
    assert sniff_content_type(b"\x89PNG") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("id.pdf", "id.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\My ID.jpg", "My ID.jpg"),
        ("bad\x00name\r\n.png", "badname.png"),
        ("", "document"),
        ("...", "document"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_original_names_are_kept_for_display_only(name, expected):
    assert safe_original_name(name) == expected
    assert len(safe_original_name(name)) <= 255


def test_truncated_images_are_refused_even_after_weasyprint_relaxed_pillow(monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    content = image_bytes("JPEG", size=(300, 200))
    with pytest.raises(DomainError, match="image is damaged or incomplete"):
        validated_upload(upload(content[: len(content) // 2], name="id.jpg"))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True

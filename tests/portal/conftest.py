"""Fixtures for the applicant portal tests: the Code of Ethics in effect, counties taking
applications, signed-in clients, and the files an applicant uploads (good and bad ones)."""

import datetime
import io
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from certification import services
from certification.models import Application, CertificateFile, Certification
from tests.factories import MINIMAL_PDF, EthicsVersionFactory, county

ETHICS_EN = "Hope.\n\nWe respect every person's own path to recovery."
ETHICS_ES = "Esperanza.\n\nRespetamos el camino de recuperación de cada persona."


@pytest.fixture
def ethics(db):
    return EthicsVersionFactory(
        version="2025.1",
        effective_on=datetime.date(2025, 1, 1),
        text_en=ETHICS_EN,
        text_es=ETHICS_ES,
    )


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.fixture
def applicant_client(cast) -> Client:
    return client_for(cast.applicant)


def pdf_file(name: str = "id.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def executable_named_pdf() -> SimpleUploadedFile:
    """A Windows executable's header under a .pdf name."""
    return SimpleUploadedFile(
        "scan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 512, content_type="application/pdf"
    )


def oversized_pdf() -> SimpleUploadedFile:
    """An 11 MB PDF (over the 10 MB limit)."""
    body = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n"
    return SimpleUploadedFile("big.pdf", body, content_type="application/pdf")


def empty_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bomb_png_bytes() -> bytes:
    """A tiny PNG that claims 30,000 × 30,000 pixels: a decompression bomb."""
    width = height = 30_000
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (width // 8 + 1) * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def bomb_png() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", bomb_png_bytes(), content_type="image/png")


def start_application(user, code: str = "alameda", pathway: str = "standard") -> Application:
    return services.application_create(applicant=user, county=county(code), pathway=pathway)


def complete_application(user, ethics_version, code: str = "alameda") -> Application:
    """A draft that satisfies every submission rule, made through the services."""
    application = start_application(user, code)
    services.application_sign_ethics(
        actor=user, application=application, ethics_version=ethics_version
    )
    application = services.application_update(
        actor=user,
        application=application,
        fields={"attest_share_experience": True, "attest_recovery": True},
    )
    for kind in ("photo_id", "diploma"):
        services.document_upload(
            owner=user, kind=kind, uploaded_file=pdf_file(f"{kind}.pdf"), application=application
        )
    application.refresh_from_db()
    return application


def rendered_certificate(certification: Certification, kind: str = "wall") -> CertificateFile:
    """A stored certificate file, as the render task leaves it (without rendering)."""
    return CertificateFile.objects.create(
        certification=certification,
        kind=kind,
        content_hash=f"test-{kind}",
        file=ContentFile(MINIMAL_PDF, name="certificate.pdf"),
        size=len(MINIMAL_PDF),
    )

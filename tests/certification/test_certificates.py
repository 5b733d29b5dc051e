"""Certificate PDFs: content, QR code, fonts, tagging, one stored file per visible state."""

import dataclasses
import datetime
import io
import subprocess
import threading
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from django.core.files.storage import default_storage
from django.db import connection, transaction
from PIL import Image

from certification.certificates import (
    certificate_latest,
    certificate_pdf,
    certificate_render,
    certificate_state,
    verification_url,
)
from certification.models import CertificateFile, Certification
from jobs.services import enqueue
from tests.factories import CertificationFactory, SpecializationFactory, UserFactory
from tests.jobs.worker import wait_for


@pytest.fixture
def certification(db) -> Certification:
    holder = UserFactory(first_name="María José", last_name="Gutiérrez-Okafor")
    cert = CertificationFactory(
        holder=holder,
        number="PSS-0004242",
        issued_on=datetime.date(2025, 3, 15),
        expires_on=datetime.date(2027, 3, 15),
    )
    SpecializationFactory(certification=cert, code="crisis")
    return cert


def pdf_bytes(row: CertificateFile) -> bytes:
    with default_storage.open(row.file.name) as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def qr_codes(data: bytes, tmp_path: Path) -> list[str]:
    """Rasterise the first page with poppler's pdftoppm and decode its QR codes."""
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(tmp_path / "page.png")
    return [code.text for code in zxingcpp.read_barcodes(image) if code.format.name == "QRCode"]


def fonts(data: bytes) -> dict[str, bool]:
    """Every font used on the pages → whether its font program is embedded."""
    found = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor_owner = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descriptor_owner["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return found


def test_render_stores_a_wall_certificate_and_a_wallet_card(certification):
    rows = certificate_render(certification_id=certification.pk)

    assert sorted(row.kind for row in rows) == ["wall", "wallet"]
    for row in rows:
        assert row.certification == certification
        assert row.content_hash == certificate_state(certification).content_hash
        assert row.size == len(pdf_bytes(row)) > 1000
        assert pdf_bytes(row).startswith(b"%PDF-")
        assert row.file.name.startswith("certificates/")
        assert certification.number not in row.file.name  # not guessable
    assert CertificateFile.objects.count() == 2


@pytest.mark.parametrize("kind", ["wall", "wallet"])
def test_the_pdf_text_shows_the_certification(certification, kind):
    [row] = certificate_render(certification_id=certification.pk, kinds=[kind])

    text = pdf_text(pdf_bytes(row))

    assert "María José Gutiérrez-Okafor" in text
    assert "PSS-0004242" in text
    assert "Alameda" in text
    assert "Crisis Services" in text
    if kind == "wall":
        assert "March 15, 2025" in text
        assert "March 15, 2027" in text
    else:
        assert "03/15/2025 – 03/15/2027" in text


@pytest.mark.parametrize("kind", ["wall", "wallet"])
def test_the_qr_code_opens_the_verification_page(certification, kind, tmp_path, settings):
    [row] = certificate_render(certification_id=certification.pk, kinds=[kind])

    assert qr_codes(pdf_bytes(row), tmp_path) == [f"{settings.SITE_URL}/verify/PSS-0004242"]


@pytest.mark.parametrize(("kind", "size"), [("wall", (792, 612)), ("wallet", (243, 153))])
def test_page_sizes_and_fonts_embedded_and_tagged(certification, kind, size):
    [row] = certificate_render(certification_id=certification.pk, kinds=[kind])
    data = pdf_bytes(row)
    reader = pypdf.PdfReader(io.BytesIO(data))

    [page] = reader.pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size
    used = fonts(data)
    assert used and all(used.values())
    assert all("DejaVu-Sans" in name for name in used)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert "PSS-0004242" in reader.metadata.title


def test_rendering_the_same_state_again_stores_nothing(certification):
    first = certificate_render(certification_id=certification.pk)

    assert certificate_render(certification_id=certification.pk) == []
    assert CertificateFile.objects.count() == 2
    assert {certificate_latest(certification, k) for k in ("wall", "wallet")} == set(first)


def test_a_visible_change_renders_new_files(certification):
    certificate_render(certification_id=certification.pk)
    SpecializationFactory(certification=certification, code="unhoused")

    rows = certificate_render(certification_id=certification.pk)

    assert sorted(row.kind for row in rows) == ["wall", "wallet"]
    assert CertificateFile.objects.count() == 4
    latest = certificate_latest(certification, "wall")
    assert latest in rows
    assert "Crisis Services, Unhoused" in pdf_text(pdf_bytes(latest))


def test_a_certification_that_is_not_active_says_so(certification):
    Certification.objects.filter(pk=certification.pk).update(status="revoked")

    [row] = certificate_render(certification_id=certification.pk, kinds=["wall"])

    text = " ".join(pdf_text(pdf_bytes(row)).split())
    assert "Status: Revoked. This certificate is not valid as proof of certification" in text


def test_no_certificate_before_the_first_render(certification):
    assert certificate_latest(certification, "wall") is None
    assert certificate_latest(certification, "wallet") is None


def test_every_visible_field_changes_the_hash(certification):
    state = certificate_state(certification)
    changes = {
        "number": "PSS-0000001",
        "first_name": "Ana",
        "last_name": "Reyes",
        "county_name": "Fresno",
        "issued_on": "2025-03-16",
        "expires_on": "2027-03-16",
        "status": "expired",
        "specializations": (),
        "verification_url": "https://example.org/verify/PSS-0004242",
    }
    assert set(changes) == {f.name for f in dataclasses.fields(state)}

    hashes = {dataclasses.replace(state, **{k: v}).content_hash for k, v in changes.items()}

    assert len(hashes | {state.content_hash}) == len(changes) + 1


def test_an_unknown_kind_is_refused(certification):
    with pytest.raises(ValueError, match="Unknown certificate kind"):
        certificate_pdf(certificate_state(certification), "poster")


def test_verification_url_uses_the_site_url(settings):
    settings.SITE_URL = "https://peers.example.gov"

    assert verification_url("PSS-0000007") == "https://peers.example.gov/verify/PSS-0000007"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_renders_at_once_store_one_file_per_kind(tmp_path):
    cert = CertificationFactory()
    barrier = threading.Barrier(2)
    errors = []

    def render() -> None:
        try:
            barrier.wait()
            certificate_render(certification_id=cert.pk)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    rows = CertificateFile.objects.filter(certification=cert)
    assert sorted(rows.values_list("kind", flat=True)) == ["wall", "wallet"]
    stored = list((tmp_path / "media").rglob("*.pdf"))
    assert sorted(p.relative_to(tmp_path / "media").as_posix() for p in stored) == sorted(
        row.file.name for row in rows
    )


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_render_task_runs_in_a_real_worker(celery_worker, broker_queue, tmp_path, settings):
    cert = CertificationFactory(number="PSS-0007777")

    with transaction.atomic():
        enqueue("certification.tasks.certificate_render", certification_id=cert.pk)

    wait_for(
        lambda: CertificateFile.objects.filter(certification=cert).count() == 2,
        what=f"the worker's render\n{celery_worker.log()[-2000:]}",
    )
    wall = certificate_latest(cert, "wall")
    data = pdf_bytes(wall)
    assert "PSS-0007777" in pdf_text(data)
    assert qr_codes(data, tmp_path) == [f"{settings.SITE_URL}/verify/PSS-0007777"]

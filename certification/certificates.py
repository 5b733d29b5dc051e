"""Certificate PDFs: a landscape wall certificate and a wallet card, rendered by WeasyPrint.

Both show the person's name, the certification number, the issuing county, the issue and
expiry dates, the specializations, the program's seal and a QR code that opens
`SITE_URL/verify/<number>` (the live registry entry). A certification that is not active
carries its status in a banner.

`certificate_render` stores a file per kind for each visible state: the state's hash
(`CertificateState.content_hash`) is part of the file row's unique key, so rendering the same
state again stores nothing, and two concurrent renders of one state store one row (the loser
deletes its file). The PDFs are tagged (PDF/UA-1: extractable, structured text), with the
DejaVu Sans font embedded (subset). Text is in the program's language (LANGUAGE_CODE).

Download views (portal, workspace) find the current file with `certificate_latest`.
"""

import base64
import datetime
import hashlib
import io
import json
import math
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import qrcode
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from certification.models import (
    CertificateFile,
    CertificateKind,
    Certification,
    CertificationStatus,
    certificate_upload_to,
)
from training.selectors import specialization_area_label

# Bump when templates/certificates/* change in a visible way: every certification then gets
# a new file on its next render.
CERTIFICATE_LAYOUT_VERSION = "2"
# Tagged PDF for accessibility; WeasyPrint ≥ 61 supports the PDF/UA-1 variant.
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class CertificateState:
    """Everything a certificate shows; its hash identifies a rendered file."""

    number: str
    first_name: str
    last_name: str
    county_name: str
    issued_on: str
    expires_on: str
    status: str
    specializations: tuple[str, ...]
    verification_url: str

    @property
    def content_hash(self) -> str:
        payload = {**asdict(self), "layout": CERTIFICATE_LAYOUT_VERSION}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def verification_url(number: str) -> str:
    """The public registry page of certification `number`: /verify/<number>
    (docs/architecture.md#contracts)."""
    return f"{settings.SITE_URL}/verify/{number}"


def certificate_state(certification: Certification) -> CertificateState:
    """The visible state of `certification` (with its county and specializations loaded)."""
    return CertificateState(
        number=certification.number,
        first_name=certification.first_name,
        last_name=certification.last_name,
        county_name=certification.issuing_county.name,
        issued_on=certification.issued_on.isoformat(),
        expires_on=certification.expires_on.isoformat(),
        status=certification.status,
        specializations=tuple(sorted(s.code for s in certification.specializations.all())),
        verification_url=verification_url(certification.number),
    )


def qr_code_data_uri(url: str) -> str:
    """A QR code for `url` as a PNG data URI: 8 pixels per module, drawn without smoothing
    (`image-rendering: pixelated` in the templates). A PNG rather than an SVG path: WeasyPrint
    parses a QR code's hundreds of SVG subpaths slowly, and the PNG renders sharp at the
    printed sizes."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _seal_edge(points: int = 60, outer: float = 98.0, inner: float = 92.0) -> str:
    """The notched edge of the seal: a star polygon around the centre (100, 100)."""
    coordinates = []
    for i in range(points * 2):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi * i / points
        coordinates.append(
            f"{100 + radius * math.cos(angle):.2f},{100 + radius * math.sin(angle):.2f}"
        )
    return " ".join(coordinates)


def _context(state: CertificateState) -> dict:
    return {
        "state": state,
        "full_name": f"{state.first_name} {state.last_name}".strip(),
        "issued_on": datetime.date.fromisoformat(state.issued_on),
        "expires_on": datetime.date.fromisoformat(state.expires_on),
        "is_active": state.status == CertificationStatus.ACTIVE,
        "status_label": CertificationStatus(state.status).label,
        "specializations": [specialization_area_label(code) for code in state.specializations],
        "qr_code": qr_code_data_uri(state.verification_url),
        "seal_edge": _seal_edge(),
    }


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, reused for every PDF: WeasyPrint builds a new one
    per document otherwise, and a long-lived worker's memory grows by about 0.45 MiB per
    render (benchmarks/RESULTS.md, "Soak")."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def certificate_pdf(state: CertificateState, kind: str) -> bytes:
    """Render the `kind` certificate (wall or wallet) of `state` as PDF bytes."""
    if kind not in CertificateKind.values:
        raise ValueError(f"Unknown certificate kind {kind!r}")
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(f"certificates/{kind}.html", _context(state))
        document = HTML(string=html, base_url=str(settings.BASE_DIR))
        return document.write_pdf(pdf_variant=PDF_VARIANT, font_config=_font_config())


def _store(certification: Certification, kind: str, digest: str, pdf: bytes):
    name = default_storage.save(certificate_upload_to(None, ""), ContentFile(pdf))
    try:
        with transaction.atomic():
            return CertificateFile.objects.create(
                certification=certification,
                kind=kind,
                content_hash=digest,
                file=name,
                size=len(pdf),
            )
    except IntegrityError:
        # A concurrent render of the same state stored its row first: keep one file.
        default_storage.delete(name)
        return None


def certificate_render(
    *, certification_id: int, kinds: Sequence[str] = tuple(CertificateKind.values)
) -> list[CertificateFile]:
    """Render and store the `kinds` certificates of certification `certification_id` for its
    current visible state, skipping kinds already stored for that state. Returns the rows
    created (empty when everything was up to date). Idempotent; safe to run concurrently.
    The file is written to storage before its row: a crash in between leaves an unreferenced
    file, never a row without a file."""
    certification = (
        Certification.objects.select_related("issuing_county")
        .prefetch_related("specializations")
        .get(pk=certification_id)
    )
    state = certificate_state(certification)
    digest = state.content_hash
    done = set(
        CertificateFile.objects.filter(
            certification=certification, content_hash=digest
        ).values_list("kind", flat=True)
    )
    created = []
    for kind in kinds:
        if kind in done:
            continue
        row = _store(certification, kind, digest, certificate_pdf(state, kind))
        if row is not None:
            created.append(row)
    return created


def certificate_latest(certification: Certification, kind: str) -> CertificateFile | None:
    """The most recently stored `kind` certificate of `certification`, or None if none has
    been rendered yet (the render task runs after issue and after every change)."""
    return (
        CertificateFile.objects.filter(certification=certification, kind=kind)
        .order_by("-created_at", "-id")
        .first()
    )

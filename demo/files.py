"""The files behind demo documents: tiny valid one-page PDFs (diplomas, certificates, letters)
and PNG images of sample ID cards, uploaded through the services like any other file.

The PDFs are written by hand rather than rendered: the demo uploads dozens and must stay fast.
They have a correct cross-reference table, so any PDF reader (and pypdf) opens them. The PNGs
are drawn with Pillow.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

# Latin-1-compatible text in Helvetica (a standard font every reader has), WinAnsi encoded.
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
_PAGE_WIDTH, _PAGE_HEIGHT = 612, 792  # US Letter, in points


def _pdf_string(text: str) -> bytes:
    encoded = text.encode("cp1252", errors="replace")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def simple_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with `title` in large type and `lines` below it."""
    content = [b"BT", b"/F1 22 Tf", b"72 680 Td", _pdf_string(title) + b" Tj", b"/F1 13 Tf"]
    for line in lines:
        content += [b"0 -26 Td", _pdf_string(line) + b" Tj"]
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (_PAGE_WIDTH, _PAGE_HEIGHT)
        + b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        _FONT,
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


# A sample ID card: wallet-card proportions, small enough to stay a few kilobytes.
_CARD_SIZE = (640, 400)
_CARD_BACKGROUND = (233, 241, 250)
_CARD_BAND = (26, 68, 128)
_CARD_INK = (27, 27, 27)


def id_card_png(title: str, lines: list[str]) -> bytes:
    """A PNG image of an ID card with `title` on its band and `lines` below."""
    image = Image.new("RGB", _CARD_SIZE, _CARD_BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, _CARD_SIZE[0], 64), fill=_CARD_BAND)
    draw.text((24, 18), title, fill="white", font=ImageFont.load_default(size=26))
    draw.rectangle((24, 96, 184, 296), outline=_CARD_BAND, width=3)  # the photo
    body = ImageFont.load_default(size=22)
    for index, line in enumerate(lines):
        draw.text((208, 100 + 38 * index), line, fill=_CARD_INK, font=body)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def upload(content: bytes, name: str) -> ContentFile:
    """`content` as an uploaded file named `name`, for the services' `uploaded_file`."""
    return ContentFile(content, name=name)

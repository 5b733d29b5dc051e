"""Checking uploaded documents by their content, never by their name (docs/architecture.md#files).

Accepted: PDF, JPEG and PNG, not empty, at most `policy.UPLOAD_MAX_BYTES`. Images must open
and decode completely and stay under `policy.UPLOAD_MAX_IMAGE_PIXELS` (decompression bombs are
refused before they are decoded); PDFs must start with `%PDF-` and end with `%%EOF`.

PDFs with active content are refused: JavaScript (`/JS`, `/JavaScript`), launch actions,
embedded files, rich media and XFA forms, wherever their names appear: spelled with `#xx`
escapes, or inside Flate-compressed streams such as the object streams where PDF 1.5 files
keep their dictionaries, or inside ASCII85-encoded streams (alone or before Flate:
`[/ASCII85Decode /FlateDecode]`) (`_check_pdf_active_content`). Scanned documents and
certificates never need them, and a reader opening the file (a reviewer's PDF reader after
download) would run them. This is a keyword check in the manner of pdfid, not a full parser:
names inside streams encoded with other filters (LZW, ASCIIHex, run-length), inside an
encrypted PDF, or hidden from the keyword scan by a file crafted against it are not seen.

What keeps every stored file harmless whatever it contains: it is served only as
the type its first bytes name (a JPEG with a PDF or HTML appended is served as `image/jpeg`),
with `X-Content-Type-Options: nosniff`, a download name with that type's extension, and the
site's Content-Security-Policy; browsers' PDF viewers run no script with the site's rights.
"""

import base64
import hashlib
import os
import re
import threading
import unicodedata
import warnings
import zlib
from typing import IO, NamedTuple

from django.utils.translation import gettext as _
from PIL import Image, ImageFile

from core import policy
from core.errors import DomainError

# Pillow refuses (DecompressionBombError) images over twice this and warns over it; the
# warning is turned into a refusal below. Set once, for every image this process opens.
Image.MAX_IMAGE_PIXELS = policy.UPLOAD_MAX_IMAGE_PIXELS

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# The accepted types and the extension a download of each is given (whatever the uploader
# named the file).
EXTENSION_OF_TYPE = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
MAGIC_BYTES = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# How far from the end of a PDF its `%%EOF` marker may sit (trailing whitespace or junk that
# some scanners append).
PDF_EOF_SEARCH_BYTES = 1024
CHUNK_BYTES = 64 * 1024
ORIGINAL_NAME_MAX_LENGTH = 255


class CheckedUpload(NamedTuple):
    """What `validated_upload` found an uploaded file to be."""

    content_type: str
    size: int
    sha256: str


def _refuse(message: str) -> DomainError:
    return DomainError(message, code="invalid", field="file")


def sniff_content_type(head: bytes) -> str | None:
    """The content type named by the file's first bytes, or None when it is none we accept."""
    for magic, content_type in MAGIC_BYTES:
        if head.startswith(magic):
            return content_type
    return None


def _sha256_and_size(file: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        if size > policy.UPLOAD_MAX_BYTES:
            raise _refuse(_too_big_message())
    return digest.hexdigest(), size


def _check_pdf(file: IO[bytes], size: int) -> None:
    file.seek(max(0, size - PDF_EOF_SEARCH_BYTES))
    if b"%%EOF" not in file.read():
        raise _refuse(_("This PDF is damaged or incomplete. Save it again, then upload it."))
    file.seek(0)
    _check_pdf_active_content(file.read())


# PDF names that make a document act rather than show (PDF 32000-1 §12.6, §7.11.4, §12.7.8):
# every JavaScript action names its type `/JavaScript`; `/JS` holds its script.
PDF_ACTIVE_NAMES = frozenset(
    {b"JS", b"JavaScript", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"XFA"}
)
# The ones long enough never to occur by chance in binary data (image bytes, compressed data),
# looked for inside streams too.
PDF_ACTIVE_LONG_NAMES = frozenset(name for name in PDF_ACTIVE_NAMES if len(name) >= 6)
# A name: a solidus and the regular characters after it (PDF 32000-1 §7.3.5).
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}\x00]+)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<![A-Za-z])stream\r?\n")
# How far before its data a stream's dictionary is looked for, and how much Flate-compressed
# data is decompressed in all to be checked (a PDF needing more is refused).
PDF_STREAM_DICTIONARY_BYTES = 4096
PDF_INFLATE_MAX_BYTES = 128 * 1024 * 1024
_NAME_OVERLAP_BYTES = 64


def _pdf_names(data: bytes | memoryview) -> set[bytes]:
    """The names in `data`, `#xx` escapes decoded (`/J#53` is `/JS`)."""
    names = set()
    for match in _PDF_NAME.finditer(data):
        name = match.group(1)
        if b"#" in name:
            name = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        names.add(name)
    return names


def _holds_name(data: bytes | memoryview, wanted: frozenset[bytes]) -> bool:
    for match in _PDF_NAME.finditer(data):
        name = match.group(1)
        if b"#" in name:
            name = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        if name in wanted:
            return True
    return False


class _Inflater:
    """Decompresses Flate streams piece by piece within one PDF's budget."""

    def __init__(self) -> None:
        self.budget = PDF_INFLATE_MAX_BYTES

    def holds_name(self, body: memoryview, wanted: frozenset[bytes]) -> bool:
        """Whether `body`, decompressed, holds a name of `wanted` (False when it is not
        Flate-compressed data). Raises the refusal when the budget runs out."""
        decompressor = zlib.decompressobj()
        carried = b""
        position = 0
        try:
            while not decompressor.eof and (position < len(body) or decompressor.unconsumed_tail):
                piece = decompressor.unconsumed_tail or body[position : position + CHUNK_BYTES]
                if not decompressor.unconsumed_tail:
                    position += CHUNK_BYTES
                output = decompressor.decompress(piece, CHUNK_BYTES)
                self.budget -= len(output)
                if self.budget < 0:
                    raise _refuse(
                        _(
                            "This PDF could not be checked for scripts. Print it to a new "
                            "PDF (Print, then Save as PDF) or scan the paper document, then "
                            "upload it."
                        )
                    )
                if _holds_name(carried + output, wanted):
                    return True
                carried = output[-_NAME_OVERLAP_BYTES:]
        except zlib.error:
            return False
        return False


_ASCII85_WHITESPACE = b" \t\n\r\x0b\x0c\x00"


def _ascii85_decoded(body: memoryview) -> bytes | None:
    """The bytes of an ASCII85-encoded stream (PDF 32000-1 §7.4.3: up to the `~>` end
    marker, whitespace ignored), or None when it is not valid ASCII85."""
    data = bytes(body)
    end = data.find(b"~>")
    if end >= 0:
        data = data[:end]
    if data.lstrip(_ASCII85_WHITESPACE).startswith(b"<~"):
        data = data.lstrip(_ASCII85_WHITESPACE)[2:]
    try:
        return base64.a85decode(data, ignorechars=_ASCII85_WHITESPACE)
    except ValueError:
        return None


def _pdf_holds_active_content(data: bytes) -> bool:
    """Whether the PDF `data` names active content (module docstring). Outside streams every
    name of PDF_ACTIVE_NAMES counts. Inside a stream (as stored, and decompressed when it is
    Flate-compressed) only the long names count, except in object streams, which hold
    dictionaries and are checked for all of them; streams that are images are not
    decompressed."""
    view = memoryview(data)
    inflater = _Inflater()
    outside_from = 0
    for match in _PDF_STREAM.finditer(data):
        if match.start() < outside_from:
            continue  # the word "stream" inside a stream's data
        if _holds_name(view[outside_from : match.start()], PDF_ACTIVE_NAMES):
            return True
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        body = view[match.end() : end]
        dictionary = _pdf_names(
            view[max(outside_from, match.start() - PDF_STREAM_DICTIONARY_BYTES) : match.start()]
        )
        object_stream = b"ObjStm" in dictionary
        wanted = PDF_ACTIVE_NAMES if object_stream else PDF_ACTIVE_LONG_NAMES
        if _holds_name(body, PDF_ACTIVE_LONG_NAMES):
            return True
        if b"ASCII85Decode" in dictionary or b"A85" in dictionary:
            decoded = _ascii85_decoded(body)
            if decoded is not None:
                if _holds_name(decoded, wanted):
                    return True
                body = memoryview(decoded)
        if (object_stream or b"Image" not in dictionary) and inflater.holds_name(body, wanted):
            return True
        outside_from = end
    return _holds_name(view[outside_from:], PDF_ACTIVE_NAMES)


def _check_pdf_active_content(data: bytes) -> None:
    """Refuse a PDF naming active content (module docstring)."""
    if _pdf_holds_active_content(data):
        raise _refuse(
            _(
                "This PDF contains scripts, attachments or interactive forms, which are not "
                "accepted. Print it to a new PDF (Print, then Save as PDF) or scan the paper "
                "document, then upload it."
            )
        )


# WeasyPrint sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES to True when it is
# imported, which makes a truncated upload decode "successfully" (padded with grey). Uploads
# are decoded with it off, one at a time in this process, and the previous value restored.
_strict_decoding = threading.Lock()


def _load_strictly(image: Image.Image) -> None:
    with _strict_decoding:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _check_image(file: IO[bytes], content_type: str) -> None:
    too_large = _refuse(
        _("This image has more than %(megapixels)s million pixels. Upload a smaller photo.")
        % {"megapixels": policy.UPLOAD_MAX_IMAGE_PIXELS // 1_000_000}
    )
    damaged = _refuse(
        _("This image is damaged or incomplete. Upload it again or take a new photo.")
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file, formats=[PILLOW_FORMATS[content_type]]) as image:
                width, height = image.size
                if width * height > policy.UPLOAD_MAX_IMAGE_PIXELS:
                    raise too_large
                image.verify()
            # verify() leaves the image unusable and does not decode the pixels: decoding
            # them all is what finds a truncated file.
            file.seek(0)
            with Image.open(file, formats=[PILLOW_FORMATS[content_type]]) as image:
                _load_strictly(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except DomainError:
        raise
    except Exception:  # Pillow raises many types (OSError, SyntaxError, ValueError...).
        raise damaged from None


def validated_upload(uploaded_file: IO[bytes]) -> CheckedUpload:
    """Check an uploaded file by its content; return its `(content_type, size, sha256)`.

    Raises `DomainError(field="file")` with a message the uploader can act on. Leaves the
    file positioned at its start, ready to be stored.
    """
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > policy.UPLOAD_MAX_BYTES:
        raise _refuse(_too_big_message())
    uploaded_file.seek(0)
    content_type = sniff_content_type(uploaded_file.read(16))
    sha256, size = _sha256_and_size(uploaded_file)
    if size == 0:
        raise _refuse(_("This file is empty. Choose the file again."))
    if content_type is None:
        raise _refuse(
            _("This file is not a PDF, JPEG or PNG. Upload a scan or photo of your document.")
        )
    if content_type == PDF:
        _check_pdf(uploaded_file, size)
    else:
        _check_image(uploaded_file, content_type)
    uploaded_file.seek(0)
    return CheckedUpload(content_type, size, sha256)


def _too_big_message() -> str:
    return _("This file is larger than %(megabytes)s MB. Upload a smaller scan or photo.") % {
        "megabytes": policy.UPLOAD_MAX_BYTES // (1024 * 1024)
    }


def safe_original_name(name: str | None) -> str:
    """The uploader's file name, kept for display only: no folders, no control characters,
    at most 255 characters (the extension kept when it has to be shortened)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        return "document"
    if len(name) > ORIGINAL_NAME_MAX_LENGTH:
        stem, ext = os.path.splitext(name)
        ext = ext[:16]
        name = stem[: ORIGINAL_NAME_MAX_LENGTH - len(ext)] + ext
    return name

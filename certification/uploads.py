"""Checking uploaded documents by their content, never by their name (DESIGN.md 'Files').

Accepted: PDF, JPEG and PNG, not empty, at most `policy.UPLOAD_MAX_BYTES`. Images must open
and decode completely and stay under `policy.UPLOAD_MAX_IMAGE_PIXELS` (decompression bombs are
refused before they are decoded); PDFs must start with `%PDF-` and end with `%%EOF`.
"""

import hashlib
import os
import threading
import unicodedata
import warnings
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageFile

from config import policy
from config.errors import DomainError

# Pillow refuses (DecompressionBombError) images over twice this and warns over it; the
# warning is turned into a refusal below. Set once, for every image this process opens.
Image.MAX_IMAGE_PIXELS = policy.UPLOAD_MAX_IMAGE_PIXELS

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
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


def validated_upload(uploaded_file: IO[bytes]) -> tuple[str, int, str]:
    """Check an uploaded file by its content; return `(content_type, size, sha256)`.

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
    return content_type, size, sha256


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

"""Writes of documents: a person's own upload, and the document-view log (who opened which
uploaded document, when, and where).

`document_upload` stores a document that is not part of an application (the proof of a
training record or a CE credit, stored by their services in the same transaction as the
record); documents of an application go through `certification.services.document_upload`,
which adds the application's rules.

Every view that serves a `Document`'s file calls `document_view_record` after the access
checks passed and the file opened, just before answering. The log is append-only in the
database (a trigger refuses UPDATE and DELETE), and county administrators and state staff
read it on the county workspace's audit page (`documents.selectors.document_views_for`).
"""

from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError
from counties.models import County
from documents.models import Document, DocumentKind, DocumentView, DocumentViewChannel
from documents.uploads import safe_original_name, validated_upload


def document_view_record(
    *,
    viewer: User,
    document: Document,
    via: DocumentViewChannel | str,
    county: County | None = None,
) -> DocumentView:
    """Append one view of `document` by `viewer` through `via` ("portal", "workspace" or
    "admin"); `county` is the county workspace it was opened in, when there is one.

    One INSERT, made before the file is streamed: a view that started is logged even when
    the download is cut short.
    """
    return DocumentView.objects.create(
        document=document, viewer=viewer, via=DocumentViewChannel(via), county=county
    )


def document_upload(*, owner: User, kind: str, uploaded_file: IO[bytes]) -> Document:
    """Store `uploaded_file` as `owner`'s own document of `kind`, under a random name, after
    checking it by content (`documents.uploads.validated_upload`, DomainError on "file"); not
    part of an application. Audited as `document_upload`."""
    if owner is None or not owner.is_authenticated:
        raise PermissionDenied
    if kind not in DocumentKind.values:
        raise DomainError(_("Choose what kind of document this is."), field="kind")
    content_type, size, sha256 = validated_upload(uploaded_file)
    with transaction.atomic():
        document = Document.objects.create(
            owner=owner,
            kind=kind,
            file=uploaded_file,
            original_name=safe_original_name(getattr(uploaded_file, "name", "")),
            content_type=content_type,
            size=size,
            sha256=sha256,
        )
        audit_record(
            actor=owner,
            verb="document_upload",
            obj=document,
            subject=owner,
            to_state=document.review_status,
            data={"kind": kind, "application_id": None, "superseded": []},
        )
    return document

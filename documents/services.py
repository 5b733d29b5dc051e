"""Writes of documents: a person's own upload, and the document-view log (who opened which
uploaded document, when, and where).

`document_upload` stores a document that is not part of an application (the proof of a
training record or a CE credit, stored by their services in the same transaction as the
record); documents of an application go through `certification.services.document_upload`,
which adds the application's rules around the same two steps: `upload_check` (who, what
kind, the file's content) before any lock, `document_store` (the row and its audit event)
inside the transaction.

Every view that serves a `Document`'s file calls `document_view_record` after the access
checks passed and the file opened, just before answering. The log is append-only in the
database (a trigger refuses UPDATE and DELETE), and county administrators and state staff
read it on the county workspace's audit page (`documents.selectors.document_views_for`).
"""

from collections.abc import Sequence
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError
from counties.models import County
from documents.models import Document, DocumentKind, DocumentView, DocumentViewChannel
from documents.uploads import CheckedUpload, safe_original_name, validated_upload


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


def upload_check(*, owner: User, kind: str, uploaded_file: IO[bytes]) -> CheckedUpload:
    """What an upload needs before any lock is taken: a signed-in owner, a known kind, and a
    file that is what its content says (`documents.uploads.validated_upload`, DomainError
    on "file")."""
    if owner is None or not owner.is_authenticated:
        raise PermissionDenied
    if kind not in DocumentKind.values:
        raise DomainError(_("Choose what kind of document this is."), field="kind")
    return validated_upload(uploaded_file)


def document_store(
    *,
    owner: User,
    kind: str,
    uploaded_file: IO[bytes],
    checked: CheckedUpload,
    application=None,
    superseded: Sequence[int] = (),
) -> Document:
    """Save the checked `uploaded_file` under a random name and audit it as
    `document_upload` (call inside the transaction of the service that decided it may be
    stored). `application`, when given, is the application it joins (its county is the
    event's), `superseded` the ids of the documents it replaces there."""
    content_type, size, sha256 = checked
    document = Document.objects.create(
        owner=owner,
        application=application,
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
        county=application.county if application is not None else None,
        subject=owner,
        to_state=document.review_status,
        data={
            "kind": kind,
            "application_id": application.pk if application is not None else None,
            "superseded": list(superseded),
        },
    )
    return document


def document_upload(*, owner: User, kind: str, uploaded_file: IO[bytes]) -> Document:
    """Store `uploaded_file` as `owner`'s own document of `kind` (`upload_check`, then
    `document_store`); not part of an application."""
    checked = upload_check(owner=owner, kind=kind, uploaded_file=uploaded_file)
    with transaction.atomic():
        return document_store(
            owner=owner, kind=kind, uploaded_file=uploaded_file, checked=checked
        )

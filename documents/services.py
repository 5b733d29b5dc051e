"""Writes of documents: a person's own upload, and the document-view log (who opened which
uploaded document, when, and where).

`document_upload` stores a document that is not part of an application (the proof of a
training record or a CE credit, stored by their services in the same transaction as the
record); documents of an application go through `certification.services.document_upload`,
which adds the application's rules around the same two steps: `upload_check` (who, what
kind, the file's content) before any lock, `document_store` (the row and its audit event)
inside the transaction.

Storage per person: every stored file counts against `settings.PERSON_STORAGE_QUOTA_BYTES`
(our choice, 100 MB), replaced and removed ones too until `removed_files_purge` deletes their
copy `settings.REMOVED_FILE_RETENTION_DAYS` (90) days after their removal.

Every view that serves a `Document`'s file calls `document_view_record` after the access
checks passed and the file opened, just before answering. The log is append-only in the
database (a trigger refuses UPDATE and DELETE), and county administrators and state staff
read it on the county workspace's audit page (`documents.selectors.document_views_for`).
"""

import datetime
from collections.abc import Sequence
from functools import partial
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
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


def storage_used(owner: User) -> int:
    """Bytes of `owner`'s files still stored: every upload, replaced and removed ones included,
    until `removed_files_purge` deletes their copy (an empty `file`)."""
    total = Document.objects.filter(owner=owner).exclude(file="").aggregate(total=Sum("size"))
    return int(total["total"] or 0)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _check_quota(owner: User, size: int) -> None:
    """Refuse an upload that would take `owner` over `settings.PERSON_STORAGE_QUOTA_BYTES`
    (call inside the transaction that stores it). A transaction-level advisory lock per owner
    makes two uploads at once take turns, so together they cannot pass the quota."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('document_storage_quota'), %s)", [owner.pk]
        )
    quota = settings.PERSON_STORAGE_QUOTA_BYTES
    used = storage_used(owner)
    if used + size > quota:
        raise DomainError(
            _(
                "This file (%(size)s MB) does not fit in your storage: you use %(used)s MB of "
                "the %(quota)s MB each person has. Files you replaced or removed still count "
                "for %(days)d days after you removed them. Remove documents you no longer "
                "need, or ask your county program for help."
            )
            % {
                "size": _megabytes(size),
                "used": _megabytes(used),
                "quota": _megabytes(quota).removesuffix(".0"),
                "days": settings.REMOVED_FILE_RETENTION_DAYS,
            },
            code="invalid",
            field="file",
        )


def removed_files_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the stored copy of every document removed (by its owner, or replaced by a new
    one) more than `settings.REMOVED_FILE_RETENTION_DAYS` ago, daily (`documents.tasks`). The
    row stays (kind, name, size, SHA-256, review, history: the record of what was submitted);
    its `file` becomes empty, so it no longer counts against the owner's quota. One audit
    event per document, written by the system. Safe to run twice. Returns the number purged."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.REMOVED_FILE_RETENTION_DAYS)
    purged = 0
    candidates = Document.objects.filter(removed_at__lt=cutoff).exclude(file="").order_by("pk")
    for pk in candidates.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            document = Document.objects.select_for_update().filter(pk=pk).exclude(file="").first()
            if document is None:
                continue
            name = str(document.file.name)
            storage = document.file.storage
            document.file = ""
            document.save(update_fields=("file",))
            audit_record(
                actor=None,
                verb="document_file_purge",
                obj=document,
                subject=document.owner,
                from_state="removed",
                to_state="file_purged",
                data={
                    "removed_at": document.removed_at.isoformat() if document.removed_at else None
                },
            )
            # The copy goes once the row says so (a failed delete leaves an orphan file, never
            # a row pointing at nothing).
            transaction.on_commit(partial(storage.delete, name))
            purged += 1
    return purged


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
    _check_quota(owner, size)
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
        return document_store(owner=owner, kind=kind, uploaded_file=uploaded_file, checked=checked)

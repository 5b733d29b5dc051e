"""Uploaded documents: upload (checked by content), soft removal, and review by county staff.

A document attached to an application changes only while the applicant may edit that part:
in a draft, or while changes to it are requested. Rows are never deleted: removal sets
`removed_at`.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from certification import rules
from certification.models import Application, ApplicationStatus, OutOfStateCeRecord, Pathway
from certification.services._common import (
    application_state_conflict,
    lock_application,
    require_applicant,
    require_reason,
)
from continuing_ed.models import CeCategory, CeCredit
from core.errors import DomainError
from core.review import ReviewStatus
from core.units import as_hours
from counties.selectors import require_staff
from documents import services as documents_services
from documents.models import Document, DocumentKind
from training.models import TrainingRecord

S = ApplicationStatus

REVIEWABLE_APPLICATION_STATUSES = (S.SUBMITTED, S.IN_REVIEW)


def _check_application_editable(
    application: Application, kind: str, *, ce_record: bool = False
) -> None:
    """Refuse a document change the application's state does not allow (call under lock).
    A CE certificate joins an application only as the proof of an out-of-state CE record
    (`ce_record`); letters of recommendation only an out-of-state application."""
    out_of_state = application.pathway == Pathway.OUT_OF_STATE
    if kind == DocumentKind.CE_CERTIFICATE and not (ce_record and out_of_state):
        raise DomainError(
            _("A CE certificate belongs to a CE credit, not to an application."), field="kind"
        )
    if kind == DocumentKind.RECOMMENDATION_LETTER and not out_of_state:
        raise DomainError(
            _("Letters of recommendation are asked only of out-of-state applicants."),
            field="kind",
        )
    if application.status == S.DRAFT:
        return
    if application.status == S.CHANGES_REQUESTED:
        part = rules.PART_OF_KIND.get(kind)
        if part is None or part in application.changes_requested_parts:
            return
        raise DomainError(
            _("The reviewer did not ask for changes to this document."),
            code="conflict",
            field="kind",
        )
    raise application_state_conflict(application, S.DRAFT)


def document_upload(
    *,
    owner: User,
    kind: str,
    uploaded_file: IO[bytes],
    application: Application | None = None,
) -> Document:
    """Store `uploaded_file` for `owner` under a random name, after checking it by content
    (`documents.services.upload_check`). With `application`, the document joins it while
    that part is editable; a new photo ID or diploma replaces the previous one. Without, it is
    the owner's own document (`documents.services.document_upload`)."""
    if application is None:
        return documents_services.document_upload(
            owner=owner, kind=kind, uploaded_file=uploaded_file
        )
    require_applicant(owner, application)
    checked = documents_services.upload_check(owner=owner, kind=kind, uploaded_file=uploaded_file)
    with transaction.atomic():
        application = lock_application(application)
        _check_application_editable(application, kind)
        superseded: list[int] = []
        if kind in rules.APPLICATION_DOCUMENTS:
            previous = Document.objects.filter(
                application=application, kind=kind, removed_at__isnull=True
            )
            superseded = list(previous.values_list("pk", flat=True))
            previous.update(removed_at=timezone.now())
        return documents_services.document_store(
            owner=owner,
            kind=kind,
            uploaded_file=uploaded_file,
            checked=checked,
            application=application,
            superseded=superseded,
        )


def _lock_document(document: Document) -> tuple[Document, Application | None]:
    """Lock the document's application (first, by the house order), then the document."""
    application = None
    if document.application_id is not None:
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("county")
            .get(pk=document.application_id)
        )
    document = Document.objects.select_for_update().get(pk=document.pk)
    return document, application


def document_remove(*, actor: User, document: Document) -> Document:
    """Soft-remove the owner's document (sets `removed_at`) while it may still change.
    A document that proves a training record or CE credit in use stays."""
    if actor is None or not actor.is_authenticated or actor.pk != document.owner_id:
        raise PermissionDenied
    with transaction.atomic():
        document, application = _lock_document(document)
        if document.removed_at is not None:
            raise DomainError(_("This document was already removed."), code="conflict")
        if application is not None:
            _check_application_editable(
                application,
                document.kind,
                ce_record=OutOfStateCeRecord.objects.filter(document=document).exists(),
            )
        in_use = (
            TrainingRecord.objects.filter(certificate=document)
            .exclude(status=ReviewStatus.REJECTED)
            .exists()
            or CeCredit.objects.filter(document=document)
            .exclude(status=ReviewStatus.REJECTED)
            .exists()
        )
        if in_use:
            raise DomainError(
                _("This document is the proof of a training record or CE credit, so it stays."),
                code="conflict",
            )
        document.removed_at = timezone.now()
        document.save(update_fields=("removed_at",))
        audit_record(
            actor=actor,
            verb="document_remove",
            obj=document,
            county=application.county if application is not None else None,
            subject=document.owner,
            from_state=document.review_status,
            to_state="removed",
        )
    return document


def document_review(
    *, actor: User, document: Document, verified: bool, reason: str = ""
) -> Document:
    """pending → verified | rejected, by a reviewer or admin of the application's county,
    while the application is submitted or in review. A rejection needs a reason."""
    if document.application is None:
        raise DomainError(
            _("This document is not part of an application: review its training record."),
            code="invalid",
        )
    require_staff(actor, document.application.county)
    reason = (reason or "").strip()
    if not verified:
        reason = require_reason(reason)
    to_state = ReviewStatus.VERIFIED if verified else ReviewStatus.REJECTED
    with transaction.atomic():
        document, application = _lock_document(document)
        assert application is not None  # a document's application never changes
        if application.status not in REVIEWABLE_APPLICATION_STATUSES:
            raise application_state_conflict(application, S.IN_REVIEW)
        if document.removed_at is not None:
            raise DomainError(_("This document was removed by its owner."), code="conflict")
        if document.review_status != ReviewStatus.PENDING:
            raise DomainError(
                _("This document is already %(status)s.")
                % {"status": document.get_review_status_display().lower()},
                code="conflict",
            )
        document.review_status = to_state
        document.review_reason = reason
        document.reviewed_by = actor
        document.reviewed_at = timezone.now()
        document.save(
            update_fields=("review_status", "review_reason", "reviewed_by", "reviewed_at")
        )
        audit_record(
            actor=actor,
            verb="document_review",
            obj=document,
            county=application.county,
            subject=document.owner,
            from_state=ReviewStatus.PENDING,
            to_state=to_state,
            reason=reason,
        )
    return document


def out_of_state_ce_add(
    *,
    actor: User,
    application: Application,
    title: str,
    provider_name: str,
    hours: Decimal,
    category: str,
    completed_on: datetime.date,
    uploaded_file: IO[bytes],
    today: datetime.date | None = None,
) -> OutOfStateCeRecord:
    """Add a CE course to an out-of-state application (docs/domain.md#other-pathways), with its
    proof (a CE certificate, checked by content), while the applicant may edit that part: in a
    draft, or while the reviewer asks for changes to the out-of-state part. County staff then
    verify the proof like the application's other documents. Refused for another pathway, a
    future completion date, hours outside 0.25 to 999, an unknown category; the file is not
    stored when anything is refused."""
    require_applicant(actor, application)
    today = today or timezone.localdate()
    title = (title or "").strip()
    provider_name = (provider_name or "").strip()
    if not title:
        raise DomainError(_("Enter the course title."), field="title")
    if not provider_name:
        raise DomainError(_("Enter the provider."), field="provider_name")
    if len(title) > 200 or len(provider_name) > 200:
        raise DomainError(_("Use at most 200 characters."), field="title")
    try:
        hours = as_hours(hours)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter the hours as a number."), field="hours") from None
    if not Decimal("0.25") <= hours <= Decimal("999"):
        raise DomainError(_("Enter between 0.25 and 999 hours."), field="hours")
    if category not in CeCategory.values:
        raise DomainError(_("Choose the category."), field="category")
    if completed_on > today:
        raise DomainError(_("The completion date cannot be in the future."), field="completed_on")
    checked = documents_services.upload_check(
        owner=actor, kind=DocumentKind.CE_CERTIFICATE, uploaded_file=uploaded_file
    )
    with transaction.atomic():
        application = lock_application(application)
        if application.pathway != Pathway.OUT_OF_STATE:
            raise DomainError(
                _("CE records are asked only of out-of-state applicants."), field="category"
            )
        _check_application_editable(application, DocumentKind.CE_CERTIFICATE, ce_record=True)
        document = documents_services.document_store(
            owner=actor,
            kind=DocumentKind.CE_CERTIFICATE,
            uploaded_file=uploaded_file,
            checked=checked,
            application=application,
            superseded=[],
        )
        record = OutOfStateCeRecord.objects.create(
            application=application,
            title=title,
            provider_name=provider_name,
            hours=hours,
            category=category,
            completed_on=completed_on,
            document=document,
        )
        audit_record(
            actor=actor,
            verb="out_of_state_ce_add",
            obj=record,
            county=application.county,
            subject=actor,
            to_state=ReviewStatus.PENDING,
            data={
                "application_id": application.pk,
                "hours": str(hours),
                "category": category,
                "completed_on": completed_on.isoformat(),
                "document_id": document.pk,
            },
        )
    return record

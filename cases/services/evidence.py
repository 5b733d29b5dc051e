"""Writes of a case's internal notes and evidence documents (docs/domain.md#complaints-and-cases).

Who: the handling county's reviewers and administrators (state staff for a case no county
handles), like every other step of a case. Both are private to them: a note is a line of the
case's timeline (`CaseEvent` of kind "note"), a document a `CaseDocument` of kind "evidence"
with its own timeline line; neither is ever shown to the peer or the complainant. Evidence
files pass the same checks as every upload (`documents.uploads.validated_upload`), checked
before any lock. Each opening of a case document's file is audited
(`case_document_view_record`).
"""

from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from cases.models import Case, CaseDocument, CaseDocumentKind, CaseEvent
from cases.services.cases import _event, _locked, _require
from core.errors import DomainError
from counties.models import County
from counties.selectors import REVIEW_ROLES
from documents.uploads import safe_original_name, validated_upload

NOTE_MAX_LENGTH = 10000


def case_note_add(*, actor: User, case: Case, text: str) -> CaseEvent:
    """Add an internal note to the case's timeline."""
    text = "".join(ch for ch in (text or "") if ch.isprintable() or ch in "\n\t").strip()
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.county, REVIEW_ROLES)
        if not text:
            raise DomainError(_("Write the note."), field="text")
        if len(text) > NOTE_MAX_LENGTH:
            raise DomainError(
                _("A note has at most %(count)d characters.") % {"count": NOTE_MAX_LENGTH},
                field="text",
            )
        _event(case, actor, "note", text)
        event = CaseEvent.objects.filter(case=case, kind="note").order_by("-pk").first()
        assert event is not None
        audit_record(
            actor=actor,
            verb="case_note_add",
            obj=case,
            county=case.county,
            subject=case.subject,
            data={"event_id": event.pk},
        )
    return event


def case_evidence_add(
    *, actor: User, case: Case, uploaded_file: IO[bytes], description: str = ""
) -> CaseDocument:
    """Add an evidence document to the case (checked by content before anything is
    stored), with a line on its timeline."""
    _require(actor, case.county, REVIEW_ROLES)
    if uploaded_file is None:
        raise DomainError(_("Choose a file."), field="file")
    content_type, size, sha256 = validated_upload(uploaded_file)
    description = " ".join((description or "").split())[:200]
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.county, REVIEW_ROLES)
        document = CaseDocument.objects.create(
            case=case,
            county=case.county,
            kind=CaseDocumentKind.EVIDENCE,
            description=description,
            file=uploaded_file,
            original_name=safe_original_name(getattr(uploaded_file, "name", "")),
            content_type=content_type,
            size=size,
            sha256=sha256,
            uploaded_by=actor,
        )
        _event(case, actor, "evidence", description or document.original_name)
        audit_record(
            actor=actor,
            verb="case_evidence_add",
            obj=document,
            county=case.county,
            subject=case.subject,
            data={"case_id": case.pk, "size": size, "content_type": content_type},
        )
    return document


def case_document_view_record(
    *, viewer: User, document: CaseDocument, county: County | None
) -> None:
    """Audit one opening of a case document's file (call after the access checks passed
    and the file opened, before answering)."""
    audit_record(
        actor=viewer,
        verb="case_document_view",
        obj=document,
        county=county,
        data={"case_id": document.case_id, "kind": document.kind},
    )

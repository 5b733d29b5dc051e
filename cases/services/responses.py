"""Writes of a request to the peer for their response to a complaint, and of the peer's answer
(docs/domain.md#complaints-and-cases).

Who: the handling county's administrators ask (our choice: it sets the peer a deadline, like
extending the case's own); state staff for a case no county handles. Only the peer the case is
about answers, in the portal, once per request, with text and files (the same upload checks
as every document, at most `ProgramPolicy.case_upload_max_files`); an answer after the due
date is accepted and shown as late.

The complainant's identity never reaches the peer: the request carries only the category and
the message staff write for the peer, a message naming the complainant (their name, email
address or phone number as recorded) is refused, and the email says only that a request is
waiting in the portal. The case, its complaint, notes and evidence stay closed to the peer
(row-level security, cases/migrations/0006_row_level_security_complaints.py).
"""

import datetime
from collections.abc import Sequence
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from cases.models import (
    Case,
    CaseDocument,
    CaseDocumentKind,
    CaseEvent,
    CaseResponseRequest,
    Complaint,
)
from cases.services.cases import _event, _locked, _require
from cases.services.complaints import attachments_check
from core.errors import DomainError
from counties.selectors import ADMIN_ROLES
from documents.uploads import safe_original_name
from notifications.services import notify

MESSAGE_MAX_LENGTH = 5000
RESPONSE_MAX_LENGTH = 20000
REQUEST_EMAIL_KIND = "case_response_requested"


def _text(text: str | None, limit: int) -> str:
    return "".join(ch for ch in (text or "") if ch.isprintable() or ch in "\n\t").strip()[:limit]


def _names_complainant(message: str, complaint: Complaint | None) -> bool:
    """Whether `message` holds the complainant's name, email address or phone number."""
    if complaint is None:
        return False
    lowered = " ".join(message.lower().split())
    name = " ".join(complaint.complainant_name.lower().split())
    if len(name) >= 3 and name in lowered:
        return True
    if complaint.complainant_email and complaint.complainant_email.lower() in lowered:
        return True
    digits = "".join(ch for ch in complaint.complainant_phone if ch.isdigit())
    return len(digits) >= 7 and digits in "".join(ch for ch in message if ch.isdigit())


def response_request(
    *, actor: User, case: Case, message: str, due_on: datetime.date
) -> CaseResponseRequest:
    """Ask the peer the case is about for their response by `due_on`, and email them that a
    request is waiting in the portal."""
    message = _text(message, MESSAGE_MAX_LENGTH)
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.county, ADMIN_ROLES)
        if case.is_closed:
            raise DomainError(_("This case is closed."), code="conflict")
        if case.subject_id is None:
            raise DomainError(
                _(
                    "This case names no one with an account here: find the peer's "
                    "certification first, or contact them another way."
                ),
                code="invalid",
            )
        if CaseResponseRequest.objects.filter(case=case, responded_at__isnull=True).exists():
            raise DomainError(_("The peer has not answered the last request yet."), code="conflict")
        if not message:
            raise DomainError(_("Write what the peer should respond to."), field="message")
        if _names_complainant(message, Complaint.objects.filter(case=case).first()):
            raise DomainError(
                _(
                    "The message names the person who complained (their name, email or "
                    "phone). The peer never learns who complained: describe the concern "
                    "without them."
                ),
                field="message",
            )
        if due_on is None or due_on <= timezone.localdate():
            raise DomainError(_("Give a due date after today."), field="due_on")
        request = CaseResponseRequest.objects.create(
            case=case,
            county=case.county,
            peer_id=case.subject_id,
            category=case.category,
            message=message,
            due_on=due_on,
            requested_by=actor,
        )
        _event(case, actor, "response_requested", due_on.isoformat())
        audit_record(
            actor=actor,
            verb="case_response_request",
            obj=request,
            county=case.county,
            subject=case.subject,
            to_state=due_on.isoformat(),
            data={"case_id": case.pk},
        )
        peer = User.objects.get(pk=case.subject_id)
        notify(
            user=peer,
            kind=REQUEST_EMAIL_KIND,
            context={
                "request_id": request.pk,
                "due_on": due_on.isoformat(),
                "county_name": case.county.name if case.county is not None else "",
            },
        )
    return request


def response_submit(
    *,
    actor: User,
    request: CaseResponseRequest,
    text: str,
    attachments: Sequence[IO[bytes]] = (),
) -> CaseResponseRequest:
    """The peer answers `request` with `text` and files; the answer goes on the case's
    timeline. Once per request: a second answer (a double click) is refused as a conflict."""
    if actor is None or not actor.is_authenticated or actor.pk != request.peer_id:
        raise PermissionDenied
    text = _text(text, RESPONSE_MAX_LENGTH + 1)
    if not text:
        raise DomainError(_("Write your response."), field="text")
    if len(text) > RESPONSE_MAX_LENGTH:
        raise DomainError(
            _("A response has at most %(count)d characters. Attach a document for more.")
            % {"count": RESPONSE_MAX_LENGTH},
            field="text",
        )
    checked = attachments_check(attachments)
    with transaction.atomic():
        locked = (
            CaseResponseRequest.objects.select_for_update()
            .filter(pk=request.pk, peer=actor)
            .first()
        )
        if locked is None:
            raise PermissionDenied
        request = locked
        if request.responded_at is not None:
            raise DomainError(_("You have already sent your response."), code="conflict")
        now = timezone.now()
        for upload, (content_type, size, sha256) in zip(attachments, checked, strict=True):
            CaseDocument.objects.create(
                case_id=request.case_id,
                county=request.county,
                kind=CaseDocumentKind.RESPONSE,
                response_request=request,
                file=upload,
                original_name=safe_original_name(getattr(upload, "name", "")),
                content_type=content_type,
                size=size,
                sha256=sha256,
                uploaded_by=actor,
            )
        late = timezone.localdate(now) > request.due_on
        # Written before the request is marked answered: the peer may add the timeline line
        # only while their request is open (row-level security).
        CaseEvent.objects.create(
            case_id=request.case_id,
            county=request.county,
            actor=actor,
            kind="response",
            note=text,
        )
        request.response_text = text
        request.responded_at = now
        request.save(update_fields=("response_text", "responded_at"))
        audit_record(
            actor=actor,
            verb="case_response_submit",
            obj=request,
            county=request.county,
            subject=actor,
            data={"case_id": request.case_id, "attachments": len(checked), "late": late},
        )
    return request

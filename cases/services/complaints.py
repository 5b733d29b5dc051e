"""Writes of complaints (docs/domain.md#complaints-and-cases): a complaint from the public
form (no account) or recorded by staff from a phone call or letter opens a case, with its
deadlines, at the program that handles it.

Who: anyone, through the public form (`actor` None); the handling county's reviewers and
administrators for a phone call or letter (state staff for a complaint no county handles).

The public form's write goes through a capability (core.rls.capability_context): the case's
`source_ref` is "complaint:" and the SHA-256 of the form's one-time key, and holding it opens
exactly the new case, its complaint, its first timeline line and its attachments
(cases/migrations/0006_row_level_security_complaints.py). Sending the same form twice (a double
click, a retry after a lost answer) finds the complaint already filed instead of filing
another. The audit event of a public complaint is written by the system (no one is signed in).

Nothing is lost: every check that can refuse runs before the transaction, and the
acknowledgement email is queued in the same transaction (jobs outbox) and sent after it
commits, so a mail server that is down never loses or delays the complaint.

Attachments: the same checks as every upload (`documents.uploads.validated_upload`: PDF,
JPEG or PNG by content, at most `UPLOAD_MAX_BYTES`, no active content), at most
`ProgramPolicy.case_upload_max_files` per complaint. A complainant has no account and so no
personal storage quota (`PERSON_STORAGE_QUOTA_BYTES`): what one complaint stores is bounded
by the number of files times the size limit, and what one client stores by the form's rate
limit (`ACCOUNT_RATE_LIMITS["complaint"]`). Files are kept under random names with the case
and served only to the case's staff.
"""

import hashlib
import secrets
from collections.abc import Sequence
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from cases import rules
from cases.emails import complaint_acknowledgement_email
from cases.models import (
    Case,
    CaseCategory,
    CaseDocument,
    CaseDocumentKind,
    CaseEvent,
    CaseSource,
    Complaint,
    ComplaintSubjectKind,
)
from cases.services.cases import _require, handling_county
from certification.models import Certification
from certification.selectors import certification_by_number_public
from core.errors import DomainError
from core.rls import capability_context, rls_context
from counties.models import County, ProgramPolicy
from counties.selectors import REVIEW_ROLES
from documents.uploads import CheckedUpload, safe_original_name, validated_upload
from jobs.services import enqueue

SOURCE_REF_PREFIX = "complaint:"
FORM_KEY_MIN_LENGTH = 20
FORM_KEY_MAX_LENGTH = 100
# The reference a complainant quotes: no 0/O or 1/I to misread on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
SUMMARY_MAX_LENGTH = 10000
ACKNOWLEDGEMENT_TASK = "cases.tasks.complaint_acknowledgement_send"


def complaint_categories() -> list[tuple[str, Any]]:
    """The categories a complaint may have (CaseCategory without the screening-only ones)."""
    return [
        (value, label)
        for value, label in CaseCategory.choices
        if value not in rules.NOT_COMPLAINT_CATEGORIES
    ]


def complaint_form_key() -> str:
    """A new one-time key for a complaint form (a hidden field of the form)."""
    return secrets.token_urlsafe(24)


def complaint_source_ref(form_key: str) -> str:
    return SOURCE_REF_PREFIX + hashlib.sha256(form_key.encode()).hexdigest()


def _new_reference() -> str:
    return "C-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _clean(text: str | None, limit: int) -> str:
    """One line of text: whitespace runs collapsed, control characters (NUL) dropped."""
    text = "".join(ch for ch in (text or "") if ch.isprintable() or ch.isspace())
    return " ".join(text.split())[:limit]


def _clean_summary(text: str | None) -> str:
    text = "".join(ch for ch in (text or "") if ch.isprintable() or ch in "\n\t")
    return text.strip()[:SUMMARY_MAX_LENGTH]


def _out_of_time_reason(category: str, incident_on, received_on) -> str:
    """Why the complaint is flagged, for staff (in the site's language, as the audit trail)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Received %(received)s, more than %(years)d years after the incident of %(incident)s "
            "(the last day in time was %(deadline)s). Ethics complaints must be filed within "
            "%(years)d years of the incident (DOMAIN.md, Complaints and discipline); it was "
            "accepted and the program decides whether to proceed."
        ) % {
            "received": received_on.isoformat(),
            "incident": incident_on.isoformat(),
            "deadline": rules.ethics_filing_deadline(incident_on).isoformat(),
            "years": rules.policy.ETHICS_COMPLAINT_LIMIT_YEARS,
        }


def attachments_check(attachments: Sequence[IO[bytes]]) -> list[CheckedUpload]:
    """Check every attachment before anything is stored: how many, and each one's content
    (DomainError on "attachments" naming the file)."""
    limit = ProgramPolicy.current().case_upload_max_files
    if len(attachments) > limit:
        raise DomainError(
            _("Attach at most %(count)d files.") % {"count": limit}, field="attachments"
        )
    checked = []
    for upload in attachments:
        try:
            checked.append(validated_upload(upload))
        except DomainError as error:
            raise DomainError(
                _("%(name)s: %(problem)s")
                % {
                    "name": safe_original_name(getattr(upload, "name", "")),
                    "problem": error.message,
                },
                field="attachments",
            ) from None
    return checked


def _subject(
    subject_kind: str, subject_number: str, subject_name: str, county: County | None, staff: bool
) -> tuple[Certification | None, str, str]:
    """The certification named (by number), the number as typed, and the name."""
    if subject_kind not in ComplaintSubjectKind.values:
        raise DomainError(_("Choose who the complaint is about."), field="subject_kind")
    subject_number = _clean(subject_number, 40)
    subject_name = _clean(subject_name, 200)
    certification = None
    if subject_kind == ComplaintSubjectKind.PEER and subject_number:
        certification = certification_by_number_public(subject_number)
        if (
            staff
            and certification is not None
            and certification.issuing_county_id != (county.pk if county is not None else None)
        ):
            certification = None
        if certification is None:
            if staff:
                raise DomainError(
                    _("No certification issued by this county has that number."),
                    field="subject_number",
                )
            raise DomainError(
                _(
                    "No certification has this number. Check it on the certificate or the "
                    "verification page, or leave the number empty and give the person's name."
                ),
                field="subject_number",
            )
    if certification is None and not subject_name:
        if subject_kind == ComplaintSubjectKind.PROVIDER:
            message = _("Give the name of the training provider.")
        elif subject_kind == ComplaintSubjectKind.PEER:
            message = _("Give the peer's certification number or their name.")
        else:
            message = _("Give the name of the person the complaint is about.")
        raise DomainError(message, field="subject_name")
    return certification, subject_number, subject_name


def complaint_file(
    *,
    actor: User | None,
    subject_kind: str,
    category: str,
    summary: str,
    incident_on=None,
    subject_number: str = "",
    subject_name: str = "",
    complainant_name: str = "",
    complainant_email: str = "",
    complainant_phone: str = "",
    language: str = "",
    attachments: Sequence[IO[bytes]] = (),
    form_key: str = "",
    county: County | None = None,
    received_on=None,
) -> Complaint:
    """File a complaint and open its case.

    Public (`actor` None): received today, handled by the county that certified the peer
    named by number (state staff otherwise); `form_key` is the form's one-time key.
    Staff (`actor` given): a phone call or letter received on `received_on`, about a
    certification of `county` (the workspace's; None for state staff), which handles it.
    """
    staff = actor is not None
    if staff:
        _require(actor, county, REVIEW_ROLES)
    elif not (FORM_KEY_MIN_LENGTH <= len(form_key or "") <= FORM_KEY_MAX_LENGTH):
        raise DomainError(
            _("This form has expired. Reload the page and send it again."), code="invalid"
        )
    today = timezone.localdate()
    received_on = received_on if staff and received_on is not None else today
    if received_on > today:
        raise DomainError(_("The date received cannot be in the future."), field="received_on")
    if category not in dict(complaint_categories()):
        raise DomainError(_("Choose what the complaint is about."), field="category")
    summary = _clean_summary(summary)
    if not summary:
        raise DomainError(_("Describe what happened."), field="summary")
    if incident_on is None and not staff:
        raise DomainError(_("Give the date of the incident."), field="incident_on")
    if incident_on is not None and incident_on > received_on:
        raise DomainError(
            _("The date of the incident cannot be in the future."), field="incident_on"
        )
    certification, subject_number, subject_name = _subject(
        subject_kind, subject_number, subject_name, county, staff
    )
    if not staff:
        county = handling_county(certification)
    complainant_name = _clean(complainant_name, 200)
    complainant_phone = _clean(complainant_phone, 40)
    complainant_email = _clean(complainant_email, 254).lower()
    if complainant_email:
        try:
            validate_email(complainant_email)
        except ValidationError:
            raise DomainError(
                _("Enter an email address like name@example.com, or leave it empty."),
                field="complainant_email",
            ) from None
    checked = attachments_check(attachments)
    out_of_time = rules.is_out_of_time(category, incident_on, received_on)
    values = {
        "county": county,
        "certification": certification,
        "subject_name": subject_name,
        "category": category,
        "summary": summary,
        "received_on": received_on,
        "subject_kind": subject_kind,
        "subject_number": subject_number,
        "incident_on": incident_on,
        "out_of_time": out_of_time,
        "out_of_time_reason": (
            _out_of_time_reason(category, incident_on, received_on) if out_of_time else ""
        ),
        "complainant_name": complainant_name,
        "complainant_email": complainant_email,
        "complainant_phone": complainant_phone,
        "language": (language or settings.LANGUAGE_CODE)[:10],
    }
    if staff:
        with transaction.atomic():
            return _create(actor, "", values, attachments, checked)
    source_ref = complaint_source_ref(form_key)
    with transaction.atomic(), capability_context(source_ref):
        existing = _existing(source_ref)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return _create(None, source_ref, values, attachments, checked)
        except IntegrityError:
            # The same form sent twice at once: the other request filed it.
            existing = _existing(source_ref)
            if existing is None:
                raise
            return existing


def _existing(source_ref: str) -> Complaint | None:
    return Complaint.objects.filter(case__source_ref=source_ref).select_related("case").first()


def _create(
    actor: User | None,
    source_ref: str,
    values: dict,
    attachments: Sequence[IO[bytes]],
    checked: list[CheckedUpload],
) -> Complaint:
    certification = values["certification"]
    county = values["county"]
    received_on = values["received_on"]
    source = CaseSource.PHONE_LETTER if actor is not None else CaseSource.COMPLAINT
    case = Case.objects.create(
        county=county,
        certification=certification,
        subject_id=certification.holder_id if certification is not None else None,
        subject_name=values["subject_name"],
        source=source,
        source_ref=source_ref,
        category=values["category"],
        summary=values["summary"],
        received_on=received_on,
        acknowledgement_due=rules.acknowledgement_due(received_on),
        resolution_due=rules.resolution_due(received_on),
        opened_by=actor,
    )
    complaint = None
    for _attempt in range(3):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    case=case,
                    county=county,
                    reference=_new_reference(),
                    subject_kind=values["subject_kind"],
                    subject_number=values["subject_number"],
                    incident_on=values["incident_on"],
                    out_of_time=values["out_of_time"],
                    out_of_time_reason=values["out_of_time_reason"],
                    complainant_name=values["complainant_name"],
                    complainant_email=values["complainant_email"],
                    complainant_phone=values["complainant_phone"],
                    language=values["language"],
                )
            break
        except IntegrityError:  # a reference drawn twice (1 in 10^12): draw again
            continue
    if complaint is None:
        raise DomainError(_("Something went wrong. Send the form again."), code="conflict")
    CaseEvent.objects.create(
        case=case,
        county=county,
        actor=actor,
        kind="opened",
        to_stage=case.stage,
        note=str(CaseSource(source).label),
    )
    for upload, (content_type, size, sha256) in zip(attachments, checked, strict=True):
        CaseDocument.objects.create(
            case=case,
            county=county,
            kind=CaseDocumentKind.COMPLAINT,
            file=upload,
            original_name=safe_original_name(getattr(upload, "name", "")),
            content_type=content_type,
            size=size,
            sha256=sha256,
            uploaded_by=actor,
        )
    data = {
        "source": source,
        "category": values["category"],
        "reference": complaint.reference,
        "out_of_time": values["out_of_time"],
        "attachments": len(checked),
    }
    if actor is not None:
        audit_record(
            actor=actor,
            verb="complaint_file",
            obj=case,
            county=county,
            subject=case.subject,
            to_state=case.stage,
            data=data,
        )
    else:
        # No one is signed in: the product records it (the audit trail is closed to the
        # public form's capability).
        with rls_context(system=True, savepoint=False):
            audit_record(
                actor=None,
                verb="complaint_file",
                obj=case,
                county=county,
                subject=User(pk=case.subject_id) if case.subject_id else None,
                to_state=case.stage,
                data=data,
            )
    if complaint.complainant_email:
        enqueue(ACKNOWLEDGEMENT_TASK, complaint_id=complaint.pk)
    return complaint


def complaint_acknowledgement_send(*, complaint_id: int) -> bool:
    """Email the complainant that their complaint was received (as the system, from the
    task queued by `complaint_file`): its reference, what happens next and whom to contact.
    Sent once: the row is locked and `acknowledgement_sent_at` set in the same transaction
    (a redelivered task finds it sent). A mail error is raised for the task to retry.
    Returns whether it sent."""
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("case", "county")
            .filter(pk=complaint_id)
            .first()
        )
        if complaint is None or complaint.acknowledgement_sent_at is not None:
            return False
        if not complaint.complainant_email:
            return False
        complaint_acknowledgement_email(complaint).send()
        complaint.acknowledgement_sent_at = timezone.now()
        complaint.save(update_fields=("acknowledgement_sent_at",))
    return True

"""Personal data rights: a person downloads everything the product holds about them, and closes
their account (issue 8, item 4).

What the archive holds (`personal_data_export`): one ZIP file with `personal-data.json` (the
account, the applicant profile, applications with their field history and audit trail,
documents' metadata, training records, exam attempts, certifications with specializations,
renewals and CE audits, CE credits, the audit events about the person, the emails sent to
them and who opened their documents), a short `README.txt`, and every file they uploaded
(`documents/`) and every certificate rendered for them (`certificates/`), byte for byte.
The person's own rows are read through the access layer (`*_for(user)` narrowed to their
own); audit events, emails and document views about them are read by their subject. Staff are
named by role and county, never by name or email: their identities are other people's data.

The archive is written to an anonymous temporary file, one file at a time in chunks, so memory
stays constant whatever the size of the documents; the caller streams it and closing it frees
the disk space.

What closing keeps (`account_close`): the law requires the program to keep certification
records, applications, documents and the audit trail (DOMAIN.md; W&I §14045.14 reporting,
CE records kept 2 years), so nothing is deleted. Closing withdraws every open application
through `application_withdraw`, deactivates the account (it can no longer sign in, and every
session stops working at its next request because the authentication backends refuse
inactive accounts), marks its email addresses unverified, revokes its API keys and writes an
audit event. An issued certification stays in the public registry with its status: it is a
public fact, not account data. Staff accounts are closed by the program, not here.
"""

import datetime
import json
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from typing import IO, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import ApiToken, User
from accounts.selectors import can_read
from audit.models import AuditEvent
from audit.services import audit_record
from certification import services
from certification.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicantProfile,
    Application,
    CeAudit,
    CertificateFile,
    Certification,
    Renewal,
)
from certification.selectors import (
    applications_for,
    certifications_for,
    documents_for,
    training_records_for,
)
from continuing_ed.selectors import ce_credits_for
from core.errors import DomainError
from counties.models import CountyMembership
from documents.models import Document, DocumentView
from exams.selectors import exam_attempts_for
from notifications.models import EmailLog

FORMAT_VERSION = 1
DATA_FILE = "personal-data.json"
README_FILE = "README.txt"
CHUNK_BYTES = 64 * 1024
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

PROFILE_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "preferred_language",
    "lived_experience",
    "education",
    "education_attested",
    "created_at",
    "updated_at",
)
APPLICATION_FIELDS = (
    "id",
    "pathway",
    "status",
    "attest_share_experience",
    "attest_recovery",
    "other_state",
    "other_state_certification_number",
    "peer_work_hours",
    "attest_no_pending_discipline",
    "ethics_signed_at",
    "submitted_at",
    "decided_at",
    "decision_reason",
    "approved_on",
    "window_ends_on",
    "changes_requested_message",
    "changes_requested_parts",
    "version",
    "created_at",
    "updated_at",
)
DOCUMENT_FIELDS = (
    "id",
    "application_id",
    "kind",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "review_status",
    "review_reason",
    "reviewed_at",
    "removed_at",
    "created_at",
)
TRAINING_FIELDS = (
    "id",
    "course",
    "hours",
    "completed_on",
    "certificate_id",
    "status",
    "reason",
    "reviewed_at",
    "created_at",
    "updated_at",
)
EXAM_FIELDS = (
    "id",
    "application_id",
    "taken_on",
    "result",
    "scaled_score",
    "source",
    "vendor_reference",
    "created_at",
)
CERTIFICATION_FIELDS = (
    "id",
    "number",
    "application_id",
    "first_name",
    "last_name",
    "status",
    "status_reason",
    "issued_on",
    "expires_on",
    "created_at",
    "updated_at",
)
RENEWAL_FIELDS = (
    "kind",
    "cycle_start",
    "cycle_end",
    "ce_total_hours",
    "ce_law_and_ethics_hours",
    "ethics_affirmed_at",
    "previous_expires_on",
    "new_expires_on",
    "fee_cents",
    "created_at",
)
CE_AUDIT_FIELDS = ("cycle_end", "drawn_at", "requested_at", "outcome", "outcome_note", "decided_at")
CE_CREDIT_FIELDS = (
    "id",
    "title",
    "provider_name",
    "hours",
    "category",
    "completed_on",
    "document_id",
    "status",
    "reason",
    "reviewed_at",
    "created_at",
    "updated_at",
)
EMAIL_FIELDS = ("to", "kind", "subject", "status", "created_at", "sent_at")
# The columns of an application's field history that are the person's data (not who acted).
APPLICATION_HISTORY_FIELDS = tuple(
    name for name in APPLICATION_FIELDS if name not in ("id", "created_at")
)


def _values(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _actor(actor_id: int | None, user: User, staff: dict[int, dict]) -> dict[str, Any]:
    """Who acted, by role: the person ("you"), the system, or staff by role and county."""
    if actor_id is None:
        return {"role": "system"}
    if actor_id == user.pk:
        return {"role": "you"}
    return staff.get(actor_id, {"role": "program_staff"})


def _staff_roles(user_ids: set[int]) -> dict[int, dict]:
    """The role of each acting user, by id: state staff, or county staff with their
    counties (two queries); anyone else reads as program staff (`_actor`)."""
    counties: dict[int, list[str]] = defaultdict(list)
    for membership in CountyMembership.objects.filter(user_id__in=user_ids).select_related(
        "county"
    ):
        counties[membership.user_id].append(membership.county.name)
    roles_by_id = {
        user_id: {"role": "county_staff", "counties": sorted(names)}
        for user_id, names in counties.items()
    }
    for user_id in User.objects.filter(pk__in=user_ids, is_state_staff=True).values_list(
        "pk", flat=True
    ):
        roles_by_id[user_id] = {"role": "state_staff"}
    return roles_by_id


def _own_audit_events(user: User) -> list[AuditEvent]:
    """The audit events about `user` (they are its subject), oldest first. The person's own
    rows: `audit.selectors.audit_events_for` serves staff, who read them by county."""
    if not can_read(user):
        return []
    return list(AuditEvent.objects.filter(subject=user).select_related("county"))


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_methods": [
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "api_keys": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at,
                "expires_at": t.expires_at,
                "revoked_at": t.revoked_at,
                "last_used_at": t.last_used_at,
            }
            for t in ApiToken.objects.filter(user=user).order_by("pk")
        ],
        "county_roles": [
            {"county": m.county.name, "role": m.role, "since": m.created_at}
            for m in CountyMembership.objects.filter(user=user).select_related("county")
        ],
    }


def _profile(user: User) -> dict[str, Any] | None:
    profile = (
        ApplicantProfile.objects.filter(user=user).select_related("county_of_residence").first()
    )
    if profile is None:
        return None
    residence = profile.county_of_residence
    return {
        **_values(profile, PROFILE_FIELDS),
        "county_of_residence": residence.name if residence is not None else None,
    }


def _audit_row(event: AuditEvent, user: User, staff: dict[int, dict]) -> dict[str, Any]:
    return {
        "at": event.created_at,
        "action": event.verb,
        "by": _actor(event.actor_id, user, staff),
        "county": event.county.name if event.county_id else None,
        "record": f"{event.object_type}#{event.object_id}",
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "details": event.data,
    }


def _applications(user: User, events_by_object: dict[tuple[str, int], list]) -> list[dict]:
    applications = list(
        applications_for(user)
        .filter(applicant=user)
        .select_related("ethics_version")
        .order_by("created_at", "pk")
    )
    history: dict[int, list[dict]] = defaultdict(list)
    event_model = apps.get_model("certification", "ApplicationEvent")
    for row in event_model.objects.filter(pgh_obj_id__in=[a.pk for a in applications]).order_by(
        "pgh_created_at", "pgh_id"
    ):
        history[row.pgh_obj_id].append(
            {
                "at": row.pgh_created_at,
                "change": row.pgh_label,
                **_values(row, APPLICATION_HISTORY_FIELDS),
            }
        )
    label = Application._meta.label_lower
    return [
        {
            **_values(application, APPLICATION_FIELDS),
            "county": application.county.name,
            "ethics_version": application.ethics_version.version
            if application.ethics_version_id
            else None,
            "field_history": history[application.pk],
            "audit_trail": events_by_object.get((label, application.pk), []),
        }
        for application in applications
    ]


def _archive_name(folder: str, pk: int, label: str, content_type: str) -> str:
    return f"{folder}/{pk}-{label}{EXTENSIONS.get(content_type, '')}"


def _documents(user: User) -> list[tuple[Document, str]]:
    documents = documents_for(user, include_removed=True).filter(owner=user).order_by("pk")
    return [(d, _archive_name("documents", d.pk, d.kind, d.content_type)) for d in documents]


def _certifications(user: User) -> tuple[list[dict], list[tuple[CertificateFile, str]]]:
    certifications = list(certifications_for(user).filter(holder=user).order_by("issued_on", "pk"))
    ids = [c.pk for c in certifications]
    renewals: dict[int, list] = defaultdict(list)
    for renewal in Renewal.objects.filter(certification_id__in=ids).select_related(
        "ethics_version"
    ):
        renewals[renewal.certification_id].append(
            {**_values(renewal, RENEWAL_FIELDS), "ethics_version": renewal.ethics_version.version}
        )
    audits: dict[int, list] = defaultdict(list)
    for audit in CeAudit.objects.filter(certification_id__in=ids):
        audits[audit.certification_id].append(_values(audit, CE_AUDIT_FIELDS))
    files = [
        (f, _archive_name("certificates", f.pk, f"{f.kind}", "application/pdf"))
        for f in CertificateFile.objects.filter(certification_id__in=ids).order_by("pk")
    ]
    rows = [
        {
            **_values(c, CERTIFICATION_FIELDS),
            "issuing_county": c.issuing_county.name,
            "specializations": [
                {"code": s.code, "added_on": s.added_on} for s in c.specializations.all()
            ],
            "renewals": renewals[c.pk],
            "ce_audits": audits[c.pk],
        }
        for c in certifications
    ]
    return rows, files


def _document_view_rows(
    views: list[DocumentView], user: User, staff: dict[int, dict]
) -> list[dict]:
    return [
        {
            "document_id": view.document_id,
            "at": view.viewed_at,
            "by": _actor(view.viewer_id, user, staff),
            "via": view.via,
            "county": view.county.name if view.county_id else None,
        }
        for view in views
    ]


def personal_data(user: User) -> tuple[dict[str, Any], list[tuple[Any, str]]]:
    """Everything held about `user` as JSON-ready values, and the stored files to include
    with their names in the archive (documents, then certificates)."""
    if not can_read(user):
        raise PermissionDenied
    events = _own_audit_events(user)
    views = list(
        DocumentView.objects.filter(document__owner=user)
        .select_related("county")
        .order_by("viewed_at", "pk")
    )
    acting = {e.actor_id for e in events if e.actor_id} | {v.viewer_id for v in views}
    staff = _staff_roles(acting - {user.pk})
    events_by_object: dict[tuple[str, int], list] = defaultdict(list)
    for event in events:
        events_by_object[(event.object_type, event.object_id)].append(
            _audit_row(event, user, staff)
        )
    documents = _documents(user)
    certifications, certificate_files = _certifications(user)
    data = {
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now(),
        "account": _account(user),
        "profile": _profile(user),
        "applications": _applications(user, events_by_object),
        "documents": [
            {**_values(document, DOCUMENT_FIELDS), "file_in_archive": name}
            for document, name in documents
        ],
        "training_records": [
            {**_values(r, TRAINING_FIELDS), "provider": r.provider.name}
            for r in training_records_for(user).filter(person=user).order_by("completed_on", "pk")
        ],
        "exam_attempts": [
            _values(a, EXAM_FIELDS)
            for a in exam_attempts_for(user).filter(application__applicant=user).order_by("pk")
        ],
        "certifications": certifications,
        "certificate_files": [
            {
                "certification_id": f.certification_id,
                "kind": f.kind,
                "created_at": f.created_at,
                "file_in_archive": name,
            }
            for f, name in certificate_files
        ],
        "ce_credits": [
            {**_values(c, CE_CREDIT_FIELDS), "certification_number": c.certification.number}
            for c in ce_credits_for(user)
            .filter(certification__holder=user)
            .order_by("completed_on", "pk")
        ],
        "audit_events": [_audit_row(e, user, staff) for e in events],
        "emails": [
            _values(e, EMAIL_FIELDS)
            for e in EmailLog.objects.filter(Q(user=user) | Q(to__iexact=user.email)).order_by(
                "created_at", "pk"
            )
        ],
        "document_views": _document_view_rows(views, user, staff),
    }
    return data, [*documents, *certificate_files]


def _readme() -> str:
    return "\n\n".join(
        [
            _("Your data from the California peer support specialist certification program."),
            _(
                "%(data_file)s holds everything the program keeps about you: your account, "
                "your details, your applications with their history, your documents' "
                "details, training, exams, certifications, continuing education, the record "
                "of actions about you, the emails we sent you and who opened your documents."
            )
            % {"data_file": DATA_FILE},
            _(
                "The folder documents/ holds every file you uploaded, including removed ones; "
                "certificates/ holds your certificates. A file that could not be found is "
                "marked file_missing in %(data_file)s."
            )
            % {"data_file": DATA_FILE},
        ]
    )


def _copy_into(archive: zipfile.ZipFile, stored_file: Any, name: str) -> bool:
    """Copy a stored file into the archive in chunks (no compression: PDF, JPEG and PNG are
    compressed already). False when the file is missing from storage."""
    try:
        source = stored_file.open("rb")
    except (FileNotFoundError, ValueError):
        return False
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with source, archive.open(info, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, CHUNK_BYTES)
    return True


def personal_data_export(*, user: User) -> IO[bytes]:
    """The ZIP archive of everything held about `user` (module docstring), as an anonymous
    temporary file positioned at its start. The caller closes it (FileResponse does), which
    frees the disk space. Writes one audit event. PermissionDenied for anyone not signed in
    and active."""
    data, files = personal_data(user)
    missing = set()
    # Returned open, for the caller to stream and close: not a `with` block.
    handle = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115
    try:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for row, name in files:
                if not _copy_into(archive, row.file, name):
                    missing.add(name)
            for entry in (*data["documents"], *data["certificate_files"]):
                entry["file_missing"] = entry["file_in_archive"] in missing
            archive.writestr(
                DATA_FILE, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            )
            archive.writestr(README_FILE, _readme())
    except BaseException:
        handle.close()
        raise
    audit_record(
        actor=user,
        verb="personal_data_export",
        obj=user,
        subject=user,
        data={"files": len(files) - len(missing), "missing_files": len(missing)},
    )
    handle.seek(0)
    return handle


def account_close_problems(user: User) -> list[str]:
    """Why `user` cannot close their account here (empty when they can): staff accounts are
    managed by their county or the state program, not closed by their holder."""
    if roles.is_program_staff(user) or user.is_staff:
        return [
            _(
                "Staff accounts are closed by the program: ask a county administrator to "
                "remove your county roles, or the state program for state staff accounts."
            )
        ]
    return []


def account_close(*, user: User, reason: str = "") -> User:
    """Close `user`'s own account (module docstring): withdraw every open application through
    `application_withdraw`, deactivate the account, make its email addresses unverified,
    revoke its API keys and write the audit event `account_close`. Keeps every application,
    document, certification and audit record. DomainError for a staff account or an account
    already closed; PermissionDenied when not signed in."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    problems = account_close_problems(user)
    if problems:
        raise DomainError(" ".join(problems), code="conflict")
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise DomainError(_("This account is already closed."), code="conflict")
        withdrawn = []
        open_applications = applications_for(user).filter(
            applicant=user, status__in=OPEN_APPLICATION_STATUSES
        )
        for application in open_applications.order_by("pk"):
            services.application_withdraw(
                actor=user,
                application=application,
                reason=_("Account closed by the applicant.") + (f" {reason}" if reason else ""),
            )
            withdrawn.append(application.pk)
        kept = list(Certification.objects.filter(holder=user).values_list("number", flat=True))
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        EmailAddress.objects.filter(user=user).update(verified=False)
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=user,
            verb="account_close",
            obj=locked,
            subject=locked,
            from_state="active",
            to_state="closed",
            reason=reason,
            data={
                "withdrawn_applications": withdrawn,
                "certifications_kept": kept,
                "api_keys_revoked": tokens,
                "closed_on": datetime.date.isoformat(timezone.localdate()),
            },
        )
    user.is_active = False
    return user

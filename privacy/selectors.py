"""Personal data rights, the read: everything the product holds about a person
(`personal_data`), for the archive `privacy.services.personal_data_export` writes.

The person's own rows are read through the access layer (`*_for(user)` narrowed to their
own); audit events, emails and document views about them are read by their subject. Staff are
named by role and county, never by name or email: their identities are other people's data.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.selectors import can_read
from audit.models import AuditEvent
from ce_audits.models import CeAudit
from certification.models import (
    PROFILE_FIELDS,
    ApplicantProfile,
    Application,
    CertificateFile,
    Renewal,
)
from certification.selectors import (
    applications_for,
    certifications_for,
    documents_for,
    training_records_for,
)
from continuing_ed.selectors import ce_credits_for
from counties.models import CountyMembership
from documents.models import Document, DocumentView
from documents.uploads import EXTENSION_OF_TYPE
from exams.selectors import exam_attempts_for
from fees.selectors import fees_due_for
from notifications.models import EmailLog

FORMAT_VERSION = 1
DATA_FILE = "personal-data.json"
README_FILE = "README.txt"
CHUNK_BYTES = 64 * 1024

# The profile as the person filled it in; the county of residence is written by its name.
EXPORTED_PROFILE_FIELDS = (
    *(name for name in PROFILE_FIELDS if name != "county_of_residence"),
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
    "certification_id",
    "taken_on",
    "result",
    "scaled_score",
    "source",
    "vendor_reference",
    "created_at",
)
FEE_DUE_FIELDS = (
    "id",
    "kind",
    "amount_cents",
    "application_id",
    "exam_attempt_id",
    "renewal_id",
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
    "cycle_started_on",
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
CE_AUDIT_FIELDS = (
    "cycle_start",
    "cycle_end",
    "drawn_at",
    "requested_at",
    "outcome",
    "outcome_note",
    "decided_at",
)
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
        **_values(profile, EXPORTED_PROFILE_FIELDS),
        "county_of_residence": residence.name if residence is not None else None,
    }


def _audit_row(event: AuditEvent, user: User, staff: dict[int, dict]) -> dict[str, Any]:
    return {
        "at": event.created_at,
        "action": event.verb,
        "by": _actor(event.actor_id, user, staff),
        "county": event.county.name if event.county else None,
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
            if application.ethics_version
            else None,
            "field_history": history[application.pk],
            "audit_trail": events_by_object.get((label, application.pk), []),
        }
        for application in applications
    ]


def _archive_name(folder: str, pk: int, label: str, content_type: str) -> str:
    return f"{folder}/{pk}-{label}{EXTENSION_OF_TYPE.get(content_type, '')}"


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
            "county": view.county.name if view.county else None,
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
            for a in exam_attempts_for(user)
            .filter(Q(application__applicant=user) | Q(certification__holder=user))
            .order_by("pk")
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
        "fees_due": [
            {
                **_values(f, FEE_DUE_FIELDS),
                "county": f.county.name,
            }
            for f in fees_due_for(user).filter(person=user).order_by("created_at", "pk")
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

"""Audit events as a readable timeline: verbs and states in the reader's language."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from ce_audits.models import CeAuditOutcome
from certification.models import ApplicationStatus, CertificationStatus
from core.review import ReviewStatus
from counties.models import StaffRole
from exams.models import ExamResult

VERB_LABELS = {
    "application_create": _("Application started"),
    "application_submit": _("Application submitted"),
    "application_start_review": _("Review started"),
    "application_request_changes": _("Changes requested"),
    "application_resubmit": _("Application resubmitted"),
    "application_approve": _("Application approved"),
    "application_deny": _("Application denied"),
    "application_withdraw": _("Application withdrawn"),
    "application_expire": _("Application expired"),
    "application_sign_ethics": _("Code of Ethics signed"),
    "application_update": _("Application changed"),
    "document_upload": _("Document uploaded"),
    "document_remove": _("Document removed"),
    "document_review": _("Document reviewed"),
    "training_record_add": _("Training record added"),
    "training_record_verify": _("Training record verified"),
    "training_record_reject": _("Training record rejected"),
    "exam_attempt_record": _("Exam attempt recorded"),
    "certification_issue": _("Certification issued"),
    "certification_suspend": _("Certification suspended"),
    "certification_lift_suspension": _("Suspension lifted"),
    "certification_revoke": _("Certification revoked"),
    "certification_reinstate": _("Certification reinstated"),
    "certification_renew": _("Certification renewed"),
    "certification_expire": _("Certification expired"),
    "certification_vacate": _("Certification vacated"),
    "certification_add_specialization": _("Specialization added"),
    "ce_credit_add": _("CE credit added"),
    "ce_credit_verify": _("CE credit verified"),
    "ce_credit_reject": _("CE credit rejected"),
    "ce_audit_draw": _("Drawn for a CE audit"),
    "ce_audit_record_outcome": _("CE audit outcome recorded"),
}

STATE_LABELS = {
    **dict(ApplicationStatus.choices),
    **dict(CertificationStatus.choices),
    **dict(ReviewStatus.choices),
    **dict(ExamResult.choices),
    **dict(CeAuditOutcome.choices),
    **dict(StaffRole.choices),
    "opted_in": _("Opted in"),
    "opted_out": _("Opted out"),
}


@dataclass(frozen=True)
class TimelineEntry:
    event: AuditEvent
    label: str
    from_state: str
    to_state: str


def timeline_entries(events: Iterable[AuditEvent]) -> list[TimelineEntry]:
    """Each event with a readable label (the raw verb when it has none) and state names."""
    return [
        TimelineEntry(
            event=event,
            label=str(VERB_LABELS.get(event.verb, event.verb)),
            from_state=str(STATE_LABELS.get(event.from_state, event.from_state)),
            to_state=str(STATE_LABELS.get(event.to_state, event.to_state)),
        )
        for event in events
    ]

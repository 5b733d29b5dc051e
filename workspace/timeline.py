"""Audit events as a readable timeline: verbs and states in the reader's language."""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from ce_audits.models import CeAuditOutcome
from certification.models import ApplicationStatus, CertificationStatus
from core.review import ReviewStatus
from counties.models import StaffRole
from documents.models import DocumentKind
from exams.models import ExamResult
from training.selectors import course_label

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
    "application_transfer": _("Application transferred to another county program"),
    "application_sign_ethics": _("Code of Ethics signed"),
    "application_update": _("Application changed"),
    "document_upload": _("Document uploaded"),
    "document_remove": _("Document removed"),
    "document_review": _("Document reviewed"),
    "out_of_state_ce_add": _("CE record added"),
    "training_record_add": _("Training record added"),
    "training_record_verify": _("Training record verified"),
    "training_record_reject": _("Training record rejected"),
    "exam_attempt_record": _("Exam attempt recorded"),
    "exam_attempt_record_reinstatement": _("Exam for a reinstatement recorded"),
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
    # What the event was about when the label alone does not say (which document or course).
    about: str = ""
    # How many times in a row the same thing was recorded (shown once, "2 times").
    repeated: int = 1


def _about(event: AuditEvent) -> str:
    data = event.data or {}
    if event.object_type == "documents.document" and data.get("kind") in DocumentKind.values:
        return str(DocumentKind(data["kind"]).label)
    if event.object_type == "training.trainingrecord" and data.get("course"):
        return course_label(str(data["course"]))
    return ""


def _same(a: AuditEvent, b: AuditEvent) -> bool:
    """Two events that would read exactly alike: one thing recorded twice in a row."""
    return (a.verb, a.object_type, a.object_id, a.from_state, a.to_state) == (
        b.verb,
        b.object_type,
        b.object_id,
        b.from_state,
        b.to_state,
    ) and (a.actor_id, a.reason, a.data) == (b.actor_id, b.reason, b.data)


def timeline_entries(
    events: Iterable[AuditEvent], *, about: dict[tuple[str, int], str] | None = None
) -> list[TimelineEntry]:
    """Each event with a readable label (the raw verb when it has none), state names, and
    what it was about (`about`: labels by (object type, id), for events whose data does not
    name it). A state change is shown only when the state changed ("Draft → Draft" is not a
    change), and the same event recorded several times in a row is shown once, counted."""
    entries: list[TimelineEntry] = []
    previous: AuditEvent | None = None
    for event in events:
        if previous is not None and entries and _same(previous, event):
            last = entries[-1]
            entries[-1] = replace(last, repeated=last.repeated + 1)
            continue
        previous = event
        changed = event.from_state != event.to_state
        entries.append(
            TimelineEntry(
                event=event,
                label=str(VERB_LABELS.get(event.verb, event.verb)),
                from_state=str(STATE_LABELS.get(event.from_state, event.from_state))
                if changed
                else "",
                to_state=str(STATE_LABELS.get(event.to_state, event.to_state)) if changed else "",
                about=(about or {}).get((event.object_type, event.object_id), "") or _about(event),
            )
        )
    return entries

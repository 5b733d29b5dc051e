"""Writes of the due-process app, one module per kind of record
(docs/domain.md#complaints-and-cases): `cases` (open, assign, advance, extend), `decisions`
(decide, lift a suspension whose conditions are met, the daily scan), `appeals` (file,
decide), `complaints` (the public form and staff's record of a phone call or letter),
`evidence` (internal notes and evidence documents), `responses` (the request to the peer and
their answer). Callers import from `cases.services`; each module adds its public names here."""

from cases.services.appeals import MAX_APPEAL_DOCUMENTS, appeal_decide, appeal_file
from cases.services.cases import case_advance, case_assign, case_extend, case_open, handling_county
from cases.services.complaints import (
    attachments_check,
    complaint_acknowledgement_send,
    complaint_categories,
    complaint_file,
    complaint_form_key,
)
from cases.services.deadlines import case_deadlines_scan
from cases.services.decisions import (
    case_decide,
    case_decision_lift_suspension,
    case_decisions_scan,
    decision_open_to,
)
from cases.services.evidence import case_document_view_record, case_evidence_add, case_note_add
from cases.services.responses import response_request, response_submit

__all__ = [
    "attachments_check",
    "case_document_view_record",
    "case_evidence_add",
    "case_note_add",
    "complaint_acknowledgement_send",
    "complaint_categories",
    "complaint_file",
    "complaint_form_key",
    "response_request",
    "response_submit",
    "MAX_APPEAL_DOCUMENTS",
    "appeal_decide",
    "appeal_file",
    "case_advance",
    "case_assign",
    "case_deadlines_scan",
    "case_decide",
    "case_decision_lift_suspension",
    "case_decisions_scan",
    "case_extend",
    "case_open",
    "decision_open_to",
    "handling_county",
]

"""Writes of the due-process app, one module per kind of record
(docs/domain.md#complaints-and-cases): `cases` (open, assign, advance, extend), `decisions`
(decide, lift a suspension whose conditions are met, the daily scan), `appeals` (file,
decide). Callers import from `cases.services`; each module adds its public names here."""

from cases.services.appeals import MAX_APPEAL_DOCUMENTS, appeal_decide, appeal_file
from cases.services.cases import case_advance, case_assign, case_extend, case_open, handling_county
from cases.services.decisions import (
    case_decide,
    case_decision_lift_suspension,
    case_decisions_scan,
    decision_open_to,
)

__all__ = [
    "MAX_APPEAL_DOCUMENTS",
    "appeal_decide",
    "appeal_file",
    "case_advance",
    "case_assign",
    "case_decide",
    "case_decision_lift_suspension",
    "case_decisions_scan",
    "case_extend",
    "case_open",
    "decision_open_to",
    "handling_county",
]

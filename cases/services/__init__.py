"""Writes of the due-process app, one module per kind of record
(docs/domain.md#complaints-and-cases): `cases` (open, assign, advance, extend). Callers import
from `cases.services`; each module adds its public names here."""

from cases.services.cases import case_advance, case_assign, case_extend, case_open, handling_county

__all__ = ["case_advance", "case_assign", "case_extend", "case_open", "handling_county"]

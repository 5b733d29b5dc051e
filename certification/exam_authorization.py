"""The answer to `exams.authorization.exam_authorization`: the core training is verified
before an applicant may sit the exam (`certification.rules.exam_authorization_problems`); a
certification's holder sits it for a reinstatement only while the certification may be
reinstated (`certification.rules.reinstatement_exam_problems`). Connected in
`CertificationConfig.ready`."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from certification import rules
from certification.models import Application, Certification
from training.selectors import core_training_records_of


def exam_authorization_answer(
    *, checks: Sequence[tuple[Application | Certification, datetime.date]], **_kwargs: Any
) -> list[list[str]]:
    """The reasons for each (candidate, exam date), reading the applicants' core training
    in one query."""
    applicant_ids = {c.applicant_id for c, _on in checks if isinstance(c, Application)}
    records: dict[int, list] = defaultdict(list)
    for record in core_training_records_of(applicant_ids) if applicant_ids else ():
        records[record.person_id].append(record)
    return [
        rules.exam_authorization_problems(candidate, records[candidate.applicant_id], on=on)
        if isinstance(candidate, Application)
        else rules.reinstatement_exam_problems(candidate, on=on)
        for candidate, on in checks
    ]

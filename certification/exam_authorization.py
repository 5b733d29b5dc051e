"""The answer to `exams.authorization.exam_authorization`: the core training is verified
before the candidate may sit the exam (`certification.rules.exam_authorization_problems`).
Connected in `CertificationConfig.ready`."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from certification import rules
from certification.models import Application
from training.selectors import core_training_records_of


def exam_authorization_answer(
    *, checks: Sequence[tuple[Application, datetime.date]], **_kwargs: Any
) -> list[list[str]]:
    """The reasons for each (application, exam date), reading the applicants' core training
    in one query."""
    records: dict[int, list] = defaultdict(list)
    for record in core_training_records_of({a.applicant_id for a, _on in checks}):
        records[record.person_id].append(record)
    return [
        rules.exam_authorization_problems(application, records[application.applicant_id], on=on)
        for application, on in checks
    ]

"""The answer to `exams.authorization.exam_authorization`: the core training is verified
before an applicant may sit the exam (`certification.rules.exam_authorization_problems`); a
certification's holder sits it for a reinstatement only while the certification may be
reinstated (`certification.rules.reinstatement_exam_problems`). Under the program's policy
(`ProgramPolicy.unpaid_fees_hold_exam`), an applicant's application fee is paid or waived first
(`fees.rules.unpaid_fee_problems`). Connected in `CertificationConfig.ready`."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from certification import rules
from certification.models import Application, Certification
from counties.models import ProgramPolicy
from fees.rules import unpaid_fee_problems
from fees.selectors import unpaid_application_fees, unpaid_lines
from training.selectors import core_training_records_of


def exam_authorization_answer(
    *, checks: Sequence[tuple[Application | Certification, datetime.date]], **_kwargs: Any
) -> list[list[str]]:
    """The reasons for each (candidate, exam date), reading the applicants' core training
    in one query and their unpaid application fees in another."""
    applicant_ids = {c.applicant_id for c, _on in checks if isinstance(c, Application)}
    records: dict[int, list] = defaultdict(list)
    for record in core_training_records_of(applicant_ids) if applicant_ids else ():
        records[record.person_id].append(record)
    unpaid = (
        unpaid_application_fees({c.pk for c, _on in checks if isinstance(c, Application)})
        if ProgramPolicy.current().unpaid_fees_hold_exam
        else {}
    )
    return [
        rules.exam_authorization_problems(candidate, records[candidate.applicant_id], on=on)
        + unpaid_fee_problems(unpaid_lines(unpaid.get(candidate.pk, [])), step="exam")
        if isinstance(candidate, Application)
        else rules.reinstatement_exam_problems(candidate, on=on)
        for candidate, on in checks
    ]

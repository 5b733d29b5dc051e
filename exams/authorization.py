"""Whether a candidate was authorized to sit the exam, asked of the apps above this one.

As the program runs it, the 80-hour training certificate is verified before the candidate is
authorized to sit the exam (docs/domain.md#exam). Training is a sibling of this app and the
applications belong to `certification` above it, so this app cannot decide it: it sends
`exam_authorization` and the receivers (`certification.exam_authorization`, connected when the
app is ready) answer with the reasons, one list per candidate asked about. Recording refuses
and the import marks its row on any reason.

A candidate is an application (an applicant's sitting) or a certification (the holder's
sitting for its reinstatement): for the latter the certification app answers whether the
certification may still be reinstated on the exam date.
"""

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

if TYPE_CHECKING:
    from certification.models import Application, Certification

    Candidate = Application | Certification

# Sent with `checks`: a sequence of (candidate, exam date), a candidate being an application or
# a certification to reinstate. Each receiver returns a list with
# one list of reasons (strings, empty when authorized) per check, in order.
exam_authorization = Signal()


def exam_authorization_problems(
    checks: Sequence[tuple["Candidate", datetime.date]],
) -> list[list[str]]:
    """The reasons each (candidate, exam date) in `checks` was not authorized to sit the
    exam, from every receiver (one query each, whatever the number of checks)."""
    problems: list[list[str]] = [[] for _ in checks]
    if not checks:
        return problems
    if not exam_authorization.has_listeners():
        # Fail closed: with nobody to answer, no candidate counts as authorized.
        raise ImproperlyConfigured(
            "exams.authorization.exam_authorization has no receiver: the certification app "
            "connects it in CertificationConfig.ready."
        )
    for _receiver, answers in exam_authorization.send(sender=None, checks=list(checks)):
        for found, answer in zip(problems, answers, strict=True):
            found.extend(answer)
    return problems

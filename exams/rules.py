"""Exam policy (docs/domain.md#exam): pure functions, no database (see docs/CONTRACTS.md
'Rules').

The exams app sits below certification, so these rules take the application's status and
window end as plain values rather than the Application itself.
"""

import datetime
from collections.abc import Sequence
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import policy
from exams.models import ExamResult

APPLICATION_APPROVED = "approved"


class AttemptLike(Protocol):
    """What the exam rules read from an attempt (an `ExamAttempt` or any such object)."""

    taken_on: datetime.date
    result: str


def attempts_left(attempts: Sequence[AttemptLike]) -> int:
    """Attempts still open to the application: 3 minus those recorded (a no-show counts)."""
    return max(0, policy.MAX_EXAM_ATTEMPTS - len(attempts))


def result_grace_end(window_ends_on: datetime.date, grace_days: int) -> datetime.date:
    """The last day the result of an attempt taken inside a window ending on `window_ends_on`
    may still be recorded or imported: `grace_days` days after it (vendor results lag; our
    choice, `ProgramPolicy.exam_result_grace_days`, default 30; docs/domain.md#exam).
    Window ending 2026-03-14, 30 days: through 2026-04-13."""
    return window_ends_on + datetime.timedelta(days=grace_days)


def in_result_grace(
    window_ends_on: datetime.date | None, *, grace_days: int, on: datetime.date
) -> bool:
    """Whether `on` is past the window ending on `window_ends_on` but still inside the grace
    period for recording the results of attempts taken inside it."""
    return window_ends_on is not None and (
        window_ends_on < on <= result_grace_end(window_ends_on, grace_days)
    )


def exam_eligibility_problems(
    *,
    application_status: str,
    window_ends_on: datetime.date | None,
    attempts: Sequence[AttemptLike],
    on: datetime.date,
    min_wait_days: int = policy.DEFAULT_EXAM_MIN_WAIT_DAYS,
    recorded_on: datetime.date | None = None,
    grace_days: int = policy.DEFAULT_EXAM_RESULT_GRACE_DAYS,
) -> list[str]:
    """Why the application may not take (or record) an exam attempt on `on`; empty when it may.

    Requires an approved application, `on` (the day the exam is taken) no later than the last
    day of its window, no passed attempt, fewer than 3 attempts, and at least `min_wait_days`
    (operator-editable, `ProgramPolicy.exam_min_wait_days`) since the latest attempt.

    The window is about taking the exam, not the paperwork after it (docs/domain.md#exam):
    with `recorded_on` (the day the result is recorded or imported), an attempt taken inside
    the window may be recorded after the window ends, through `result_grace_end` (the window's
    last day plus `grace_days`, both ends included), not later.
    """
    problems = []
    if application_status != APPLICATION_APPROVED:
        problems.append(_("Only an approved application can take the certification exam."))
    if window_ends_on is not None and on > window_ends_on:
        problems.append(
            _("The 12-month window of this application ended on %(date)s.")
            % {"date": window_ends_on.isoformat()}
        )
    elif (
        window_ends_on is not None
        and recorded_on is not None
        and recorded_on > result_grace_end(window_ends_on, grace_days)
    ):
        problems.append(
            _(
                "The results of exams taken inside this application's window (which ended on "
                "%(end)s) could be recorded until %(date)s, %(days)d days after it."
            )
            % {
                "end": window_ends_on.isoformat(),
                "date": result_grace_end(window_ends_on, grace_days).isoformat(),
                "days": grace_days,
            }
        )
    if any(a.result == ExamResult.PASSED for a in attempts):
        problems.append(_("The certification exam has already been passed."))
    elif not attempts_left(attempts):
        problems.append(
            ngettext(
                "The %(count)d exam attempt allowed for this application has been used.",
                "All %(count)d exam attempts allowed for this application have been used.",
                policy.MAX_EXAM_ATTEMPTS,
            )
            % {"count": policy.MAX_EXAM_ATTEMPTS}
        )
    if attempts and min_wait_days:
        next_allowed = max(a.taken_on for a in attempts) + datetime.timedelta(days=min_wait_days)
        if on < next_allowed:
            problems.append(
                _("The next exam attempt can be taken on or after %(date)s.")
                % {"date": next_allowed.isoformat()}
            )
    return problems


def reinstatement_sitting_problems(
    *,
    attempts: Sequence[AttemptLike],
    on: datetime.date,
    min_wait_days: int = policy.DEFAULT_EXAM_MIN_WAIT_DAYS,
) -> list[str]:
    """Why one more sitting on `on` cannot be recorded for a reinstatement that already has
    `attempts` (docs/domain.md#late-renewal-and-reinstatement): none of them passed (one pass
    is all a reinstatement needs), and at least `min_wait_days` since the latest, as between an
    applicant's attempts (`ProgramPolicy.exam_min_wait_days`). The sittings of a reinstatement
    are not counted against a limit (our choice: the sources set none; each is paid for). Which
    dates count is the certification's rule (`certification.rules.reinstatement_exam_problems`).
    """
    problems = []
    if any(a.result == ExamResult.PASSED for a in attempts):
        problems.append(_("A passed exam for this reinstatement is already recorded."))
    if attempts and min_wait_days:
        next_allowed = max(a.taken_on for a in attempts) + datetime.timedelta(days=min_wait_days)
        if on < next_allowed:
            problems.append(
                _("The next exam attempt can be taken on or after %(date)s.")
                % {"date": next_allowed.isoformat()}
            )
    return problems

"""Boundaries of exam eligibility: approval, the window's last day, 3 attempts, a pass, waits.

Attempts are unsaved `ExamAttempt` instances: no database needed.
"""

import datetime

import pytest

from exams.models import ExamAttempt
from exams.rules import attempts_left, exam_eligibility_problems

D = datetime.date
WINDOW_END = D(2026, 3, 14)
ON = D(2025, 9, 1)
ALL_USED = "All 3 exam attempts allowed for this application have been used."


JUNE_1 = D(2025, 6, 1)


def attempt(result="failed", taken_on=JUNE_1) -> ExamAttempt:
    return ExamAttempt(result=result, taken_on=taken_on)


def problems(*, status="approved", window_ends_on=WINDOW_END, attempts=(), on=ON, **kwargs):
    return exam_eligibility_problems(
        application_status=status,
        window_ends_on=window_ends_on,
        attempts=list(attempts),
        on=on,
        **kwargs,
    )


def test_an_approved_application_without_attempts_may_take_the_exam():
    assert problems() == []


@pytest.mark.parametrize(
    "status",
    ["draft", "submitted", "in_review", "changes_requested", "denied", "certified", "expired"],
)
def test_only_approved_applications_may_take_the_exam(status):
    assert problems(status=status, window_ends_on=None) == [
        "Only an approved application can take the certification exam."
    ]


@pytest.mark.parametrize(
    ("on", "allowed"),
    [(WINDOW_END - datetime.timedelta(days=1), True), (WINDOW_END, True), (D(2026, 3, 15), False)],
    ids=["day-before-last", "last-day", "day-after"],
)
def test_the_window_includes_its_last_day(on, allowed):
    expected = [] if allowed else ["The 12-month window of this application ended on 2026-03-14."]
    assert problems(on=on) == expected


@pytest.mark.parametrize(
    ("results", "allowed"),
    [
        ((), True),
        (("failed",), True),
        (("failed", "no_show"), True),
        (("failed", "failed", "failed"), False),
        (("no_show", "failed", "no_show"), False),
    ],
    ids=["first", "second", "third", "fourth", "fourth-after-no-shows"],
)
def test_at_most_three_attempts(results, allowed):
    attempts = [attempt(r) for r in results]
    assert problems(attempts=attempts) == ([] if allowed else [ALL_USED])


@pytest.mark.parametrize("results", [("passed",), ("failed", "passed")])
def test_an_already_passed_exam_cannot_be_taken_again(results):
    assert problems(attempts=[attempt(r) for r in results]) == [
        "The certification exam has already been passed."
    ]


def test_every_reason_is_given_at_once():
    late = D(2026, 4, 1)
    attempts = [attempt("failed")] * 3
    assert problems(status="expired", attempts=attempts, on=late) == [
        "Only an approved application can take the certification exam.",
        "The 12-month window of this application ended on 2026-03-14.",
        ALL_USED,
    ]


@pytest.mark.parametrize(
    ("on", "allowed"),
    [(D(2025, 6, 14), False), (D(2025, 6, 15), True)],
    ids=["day-before-wait-ends", "wait-over"],
)
def test_minimum_wait_between_attempts_is_counted_from_the_latest(on, allowed):
    attempts = [attempt(taken_on=D(2025, 5, 1)), attempt(taken_on=D(2025, 6, 1))]
    expected = [] if allowed else ["The next exam attempt can be taken on or after 2025-06-15."]
    assert problems(attempts=attempts, on=on, min_wait_days=14) == expected


def test_no_minimum_wait_by_default():
    assert problems(attempts=[attempt(taken_on=ON)], on=ON) == []


@pytest.mark.parametrize(("count", "left"), [(0, 3), (1, 2), (2, 1), (3, 0), (4, 0)])
def test_attempts_left(count, left):
    assert attempts_left([attempt()] * count) == left


# The result grace period (docs/domain.md#exam): the window ends 2026-03-14; an attempt taken
# by then may be recorded through 2026-04-13 with the default 30 days.
GRACE_REFUSED = (
    "The results of exams taken inside this application's window (which ended on 2026-03-14) "
    "could be recorded until 2026-04-13, 30 days after it."
)


@pytest.mark.parametrize(
    ("taken_on", "recorded_on", "expected"),
    [
        (WINDOW_END, WINDOW_END, []),
        (WINDOW_END, D(2026, 3, 15), []),
        (WINDOW_END, D(2026, 4, 13), []),
        (WINDOW_END, D(2026, 4, 14), [GRACE_REFUSED]),
        (D(2026, 1, 5), D(2026, 4, 13), []),
        (D(2026, 1, 5), D(2026, 4, 14), [GRACE_REFUSED]),
        (
            D(2026, 3, 15),
            D(2026, 3, 15),
            ["The 12-month window of this application ended on 2026-03-14."],
        ),
    ],
    ids=[
        "recorded-on-the-last-day",
        "recorded-the-day-after",
        "recorded-on-the-last-day-of-grace",
        "recorded-the-day-after-grace",
        "earlier-attempt-last-day-of-grace",
        "earlier-attempt-day-after-grace",
        "taken-after-the-window",
    ],
)
def test_a_result_taken_inside_the_window_is_recorded_within_the_grace(
    taken_on, recorded_on, expected
):
    assert problems(on=taken_on, recorded_on=recorded_on, grace_days=30) == expected


def test_the_grace_period_is_the_operator_value():
    assert problems(on=WINDOW_END, recorded_on=D(2026, 3, 15), grace_days=0) == [
        "The results of exams taken inside this application's window (which ended on "
        "2026-03-14) could be recorded until 2026-03-14, 0 days after it."
    ]

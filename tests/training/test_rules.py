"""Boundaries of the training rules: one 80-hour course, the 2022-07-01 start, approved
providers, both when a record is entered and when it counts.

Records are unsaved `TrainingRecord` instances with their provider set: no database needed.
"""

import datetime
from decimal import Decimal

import pytest

from training.models import TrainingProvider, TrainingRecord
from training.rules import (
    core_record_problem,
    core_training_completed_on,
    provider_approved_on,
    record_entry_problems,
    training_sufficiency_problems,
    verified_core_hours,
)

D = datetime.date
ON = D(2025, 6, 1)


JAN_2022 = D(2022, 1, 1)
MARCH_1 = D(2024, 3, 1)


def provider(*, approved=True, approved_from=JAN_2022, approved_until=None, name="Hope Ed"):
    return TrainingProvider(
        name=name, approved=approved, approved_from=approved_from, approved_until=approved_until
    )


def record(hours, *, on=MARCH_1, status="verified", course="core_80", by=None):
    return TrainingRecord(
        provider=by or provider(),
        course=course,
        hours=Decimal(str(hours)),
        completed_on=on,
        status=status,
    )


def shortfall(have: str = "0") -> str:
    """The first reason when no core course counts (`have` is kept for the call sites: with
    one course required, what counts is all or nothing)."""
    return (
        "No verified core training counts yet: one course of 80 hours from an approved "
        "training provider is required."
    )


def too_short(have: str, on: str = "2024-03-01") -> str:
    return (
        f"The training completed on {on} does not count: it has {have} hours, and the core "
        "training is one course of 80 hours (records are not added up)."
    )


def test_80_verified_hours_suffice():
    assert training_sufficiency_problems([record(80)], on=ON) == []


def test_79_5_hours_fall_short():
    assert training_sufficiency_problems([record("79.5")], on=ON) == [
        shortfall(),
        too_short("79.5"),
    ]


def test_partial_records_are_not_added_up():
    """79.75 + 0.25 hours are two records, not the one 80-hour course."""
    records = [record("79.75"), record("0.25", on=D(2024, 3, 2))]
    assert verified_core_hours(records) == Decimal("0")
    assert training_sufficiency_problems(records, on=ON) == [
        shortfall(),
        too_short("79.75"),
        too_short("0.25", on="2024-03-02"),
    ]


def test_hours_do_not_add_up_across_providers():
    records = [record(40, by=provider(name="A")), record(40, by=provider(name="B"))]
    assert training_sufficiency_problems(records, on=ON) == [
        shortfall(),
        too_short("40"),
        too_short("40"),
    ]


def test_one_full_course_counts_beside_partial_ones():
    records = [record(40, on=D(2023, 1, 5)), record(80), record("0.5")]
    assert verified_core_hours(records) == Decimal("80")
    assert training_sufficiency_problems(records, on=ON) == []
    assert core_training_completed_on(records) == MARCH_1


@pytest.mark.parametrize(
    ("completed_on", "counts"),
    [(D(2022, 6, 30), False), (D(2022, 7, 1), True)],
    ids=["2022-06-30", "2022-07-01"],
)
def test_training_must_be_completed_on_or_after_2022_07_01(completed_on, counts):
    records = [record(80, on=completed_on)]
    if counts:
        assert training_sufficiency_problems(records, on=ON) == []
    else:
        assert training_sufficiency_problems(records, on=ON) == [
            shortfall("0"),
            "The training completed on 2022-06-30 does not count: training must be completed "
            "on or after 2022-07-01.",
        ]


@pytest.mark.parametrize(
    ("by", "approved"),
    [
        (provider(approved_from=D(2024, 3, 2)), False),
        (provider(approved_from=D(2024, 3, 1)), True),
        (provider(approved_from=D(2023, 1, 1), approved_until=D(2024, 2, 29)), False),
        (provider(approved_from=D(2023, 1, 1), approved_until=D(2024, 3, 1)), True),
        (provider(approved_from=None, approved_until=None), True),
        (provider(approved=False), False),
    ],
    ids=[
        "approved-the-day-after",
        "approved-that-day",
        "approval-lapsed-the-day-before",
        "approval-lapsed-that-day",
        "open-approval",
        "approval-withdrawn",
    ],
)
def test_provider_must_be_approved_on_the_completion_date(by, approved):
    completed_on = D(2024, 3, 1)
    assert provider_approved_on(by, completed_on) is approved
    records = [record(80, on=completed_on, by=by)]
    problems = training_sufficiency_problems(records, on=ON)
    if approved:
        assert problems == []
    else:
        assert problems == [
            shortfall("0"),
            "The training completed on 2024-03-01 does not count: Hope Ed was not an approved "
            "training provider on that date.",
        ]


def test_a_lapsed_approval_still_covers_earlier_training():
    lapsed = provider(approved_from=D(2022, 7, 1), approved_until=D(2023, 6, 30))
    assert training_sufficiency_problems([record(80, on=D(2023, 6, 30), by=lapsed)], on=ON) == []


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("pending", "The training completed on 2024-03-01 has not been verified yet."),
        ("rejected", "The training completed on 2024-03-01 was rejected."),
    ],
)
def test_pending_and_rejected_records_do_not_count(status, reason):
    records = [record(80, status=status)]
    assert verified_core_hours(records) == Decimal("0")
    assert training_sufficiency_problems(records, on=ON) == [shortfall(), reason]


def test_specialization_courses_do_not_count_toward_core_hours():
    records = [record(80, course="crisis")]
    assert verified_core_hours(records) == Decimal("0")
    assert training_sufficiency_problems(records, on=ON) == [shortfall()]


@pytest.mark.parametrize(("on", "counts"), [(D(2024, 3, 1), True), (D(2024, 2, 29), False)])
def test_training_completed_after_the_date_checked_does_not_count(on, counts):
    problem = core_record_problem(record(80, on=D(2024, 3, 1)), on=on)
    if counts:
        assert problem is None
    else:
        assert problem == (
            "The training completed on 2024-03-01 comes after 2024-02-29, the date checked."
        )


def test_no_records_at_all():
    assert training_sufficiency_problems([], on=ON) == [shortfall("0")]


@pytest.mark.parametrize(("hours", "counts"), [(79.99, False), (80.0, True), (80, True)])
def test_float_and_int_hours_are_read_exactly(hours, counts):
    records = [record(0)]
    records[0].hours = hours
    assert (training_sufficiency_problems(records, on=ON) == []) is counts


# When entered ---------------------------------------------------------------------------------


def entry(*, course="core_80", hours="80", on=MARCH_1, by=None):
    return record_entry_problems(
        course=course, hours=Decimal(hours), completed_on=on, provider=by or provider()
    )


@pytest.mark.parametrize("course", ["core_80", "crisis"])
@pytest.mark.parametrize(
    ("completed_on", "refused"), [(D(2022, 6, 30), True), (D(2022, 7, 1), False)]
)
def test_entry_refuses_training_completed_before_2022_07_01(course, completed_on, refused):
    problems = entry(course=course, on=completed_on)
    if refused:
        assert problems == [
            (
                "completed_on",
                "Training completed on 2022-06-30 does not count: training must be completed "
                "on or after 2022-07-01.",
            )
        ]
    else:
        assert problems == []


@pytest.mark.parametrize(
    ("course", "hours", "refused"),
    [
        ("core_80", "79.5", True),
        ("core_80", "79.99", True),
        ("core_80", "80", False),
        ("core_80", "120", False),
        ("crisis", "39.5", True),
        ("crisis", "40", False),
    ],
)
def test_entry_refuses_less_than_one_full_course(course, hours, refused):
    problems = entry(course=course, hours=hours)
    assert [field for field, _reason in problems] == (["hours"] if refused else [])
    if refused and course == "core_80":
        assert problems[0][1] == (
            f"The core training is one course of 80 hours from one provider; this certificate "
            f"shows {hours} hours. Partial courses are not added up."
        )
    if refused and course == "crisis":
        assert problems[0][1] == (
            f"A specialization course has 40 hours; this certificate shows {hours} hours. "
            "Partial courses are not added up."
        )


@pytest.mark.parametrize(
    ("by", "refused"),
    [
        (provider(approved_from=D(2024, 3, 2)), True),
        (provider(approved_from=D(2024, 3, 1)), False),
        (provider(approved_from=D(2023, 1, 1), approved_until=D(2024, 2, 29)), True),
        (provider(approved_from=D(2023, 1, 1), approved_until=D(2024, 3, 1)), False),
        (provider(approved=False), True),
    ],
    ids=[
        "approval-starts-the-day-after",
        "approval-starts-that-day",
        "approval-ended-the-day-before",
        "approval-ends-that-day",
        "approval-withdrawn",
    ],
)
def test_entry_refuses_a_provider_not_approved_on_the_completion_date(by, refused):
    problems = entry(by=by)
    if refused:
        assert problems == [
            (
                "provider",
                "Hope Ed was not an approved training provider on 2024-03-01, the completion "
                "date: training from it does not count.",
            )
        ]
    else:
        assert problems == []


def test_entry_names_every_problem_at_its_field():
    problems = entry(hours="8", on=D(2021, 5, 1), by=provider(approved_from=D(2022, 1, 1)))
    assert [field for field, _reason in problems] == ["completed_on", "provider", "hours"]

"""Boundaries of the training rules: 80 hours, the 2022-07-01 start, approved providers.

Records are unsaved `TrainingRecord` instances with their provider set: no database needed.
"""

import datetime
from decimal import Decimal

import pytest

from training.models import TrainingProvider, TrainingRecord
from training.rules import (
    core_record_problem,
    provider_approved_on,
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


def shortfall(have: str) -> str:
    return (
        f"{have} hours of verified core training count; 80 hours from an approved training "
        "provider are required."
    )


def test_80_verified_hours_suffice():
    assert training_sufficiency_problems([record(80)], on=ON) == []


def test_79_5_hours_fall_short():
    assert training_sufficiency_problems([record("79.5")], on=ON) == [shortfall("79.5")]


def test_79_75_plus_0_25_sum_to_80():
    records = [record("79.75"), record("0.25", on=D(2024, 3, 2))]
    assert verified_core_hours(records) == Decimal("80.00")
    assert training_sufficiency_problems(records, on=ON) == []


def test_hours_add_up_across_providers():
    records = [record(40, by=provider(name="A")), record(40, by=provider(name="B"))]
    assert training_sufficiency_problems(records, on=ON) == []


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
    records = [record(40), record(40, status=status)]
    assert verified_core_hours(records) == Decimal("40")
    assert training_sufficiency_problems(records, on=ON) == [shortfall("40"), reason]


def test_specialization_courses_do_not_count_toward_core_hours():
    records = [record(40), record(40, course="crisis")]
    assert verified_core_hours(records) == Decimal("40")
    assert training_sufficiency_problems(records, on=ON) == [shortfall("40")]


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


def test_float_and_int_hours_are_read_exactly():
    records = [record(0), record(0)]
    records[0].hours, records[1].hours = 79.75, 0.25
    assert verified_core_hours(records) == Decimal("80.00")

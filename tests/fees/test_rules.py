"""fees.rules: each county's amount, else the program's default; what an amount may be."""

import pytest

from counties.models import ProgramPolicy
from fees import rules
from fees.models import FeeKind, FeeSchedule

DEFAULTS = {
    "application": 10000,
    "exam": 15000,
    "renewal": 8000,
    "late": 4000,
    "reinstatement": 8000,
}


def test_the_program_defaults_are_the_published_fee_schedule():
    # capeercertification.org/fee-schedule/: $100, $150 per sitting, $80, $80; late: ours.
    assert rules.program_defaults(ProgramPolicy()) == DEFAULTS


def test_without_a_schedule_a_county_charges_the_defaults():
    assert rules.fee_amounts(None, DEFAULTS) == DEFAULTS


def test_a_schedule_overrides_only_what_it_sets():
    schedule = FeeSchedule(application_cents=0, exam_cents=12500)
    assert rules.fee_amounts(schedule, DEFAULTS) == {
        **DEFAULTS,
        "application": 0,
        "exam": 12500,
    }


@pytest.mark.parametrize(
    ("cents", "problem"),
    [
        (None, None),
        (0, None),
        (1_000_000, None),
        (1_000_001, "A fee cannot be more than $10,000."),
        (-1, "A fee cannot be negative."),
        (True, "Enter the amount in whole cents."),
        ("100", "Enter the amount in whole cents."),
        (10.5, "Enter the amount in whole cents."),
    ],
)
def test_fee_values_at_their_bounds(cents, problem):
    assert rules.fee_value_problems(FeeKind.EXAM, cents) == ([problem] if problem else [])


def test_an_unknown_kind_is_refused():
    assert rules.fee_value_problems("parking", 100) == ["Unknown fee."]


def test_dollars():
    assert rules.dollars(10000) == "$100.00"
    assert rules.dollars(123456) == "$1,234.56"

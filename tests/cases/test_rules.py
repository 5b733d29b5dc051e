"""Deadlines in business days (weekends and California state holidays skipped) and the
stage transitions (cases/rules.py; DOMAIN.md "Complaints and discipline")."""

import datetime

import pytest

from cases import rules

D = datetime.date


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (D(2026, 12, 7), D(2026, 12, 14), "Monday: the next Monday, a weekend skipped"),
        (D(2026, 12, 4), D(2026, 12, 11), "Friday: the weekend after receipt does not count"),
        (D(2026, 12, 5), D(2026, 12, 11), "Saturday: counting starts on Monday"),
        # MLK Day, Monday 2027-01-18: Wed 13 -> Thu 14, Fri 15, (Mon 18 off), Tue 19, Wed 20,
        # Thu 21.
        (D(2027, 1, 13), D(2027, 1, 21), "a Monday holiday inside the window"),
        # Labor Day, Monday 2026-09-07: Fri 4 -> Tue 8, Wed 9, Thu 10, Fri 11, Mon 14.
        (D(2026, 9, 4), D(2026, 9, 14), "a weekend then a Monday holiday"),
        # Thanksgiving and the day after (Thu-Fri 2026-11-26/27, both California holidays).
        (D(2026, 11, 24), D(2026, 12, 3), "Thanksgiving Thursday and Friday"),
        # Christmas 2026 is a Friday, New Year's Day 2027 a Friday.
        (D(2026, 12, 24), D(2027, 1, 4), "Christmas and New Year's Day, both Fridays"),
        # Cesar Chavez Day (2027-03-31, a Wednesday): a California holiday, not a federal one.
        (D(2027, 3, 29), D(2027, 4, 6), "a California-only holiday"),
    ],
)
def test_acknowledgement_due_counts_five_business_days(received, due, why):
    assert rules.acknowledgement_due(received) == due, why


def test_business_days():
    assert rules.is_business_day(D(2026, 9, 8))
    assert not rules.is_business_day(D(2026, 9, 7))  # Labor Day
    assert not rules.is_business_day(D(2027, 1, 18))  # MLK Day
    assert not rules.is_business_day(D(2026, 12, 6))  # a Sunday
    assert not rules.is_business_day(D(2026, 7, 3))  # Independence Day observed (Friday)
    assert rules.add_business_days(D(2026, 12, 7), 0) == D(2026, 12, 7)
    with pytest.raises(ValueError):
        rules.add_business_days(D(2026, 12, 7), -1)


def test_resolution_is_90_calendar_days_and_the_extension_30_more():
    assert rules.resolution_due(D(2026, 12, 7)) == D(2027, 3, 7)
    assert rules.resolution_due(D(2026, 12, 7), extended=True) == D(2027, 4, 6)


def test_due_flags():
    today = D(2026, 12, 7)
    assert rules.due_flag(D(2026, 12, 6), today=today) == "overdue"
    assert rules.due_flag(D(2026, 12, 7), today=today) == "due_soon"
    assert rules.due_flag(D(2026, 12, 14), today=today) == "due_soon"
    assert rules.due_flag(D(2026, 12, 15), today=today) == ""
    assert rules.due_flag(D(2026, 12, 1), today=today, done=True) == ""
    assert rules.due_flag(None, today=today) == ""


ALLOWED = {
    ("intake", "investigation"),
    ("intake", "closed"),
    ("investigation", "findings"),
    ("investigation", "closed"),
    ("findings", "decision"),
    ("findings", "investigation"),
    ("findings", "closed"),
    ("decision", "closed"),
}


@pytest.mark.parametrize("stage", rules.STAGES)
@pytest.mark.parametrize("to", rules.STAGES)
def test_every_transition_is_allowed_or_refused(stage, to):
    assert rules.can_move(stage, to) == ((stage, to) in ALLOWED)

import datetime

import pytest

from reports import rules

D = datetime.date


def test_the_default_period_is_the_last_fiscal_year_over():
    assert rules.fiscal_year(2026) == (D(2025, 7, 1), D(2026, 6, 30))
    assert rules.last_complete_fiscal_year(D(2026, 12, 7)) == (D(2025, 7, 1), D(2026, 6, 30))
    assert rules.last_complete_fiscal_year(D(2026, 6, 29)) == (D(2024, 7, 1), D(2025, 6, 30))
    assert rules.last_complete_fiscal_year(D(2026, 6, 30)) == (D(2025, 7, 1), D(2026, 6, 30))


def test_due_and_late():
    due = rules.report_due_on(D(2026, 6, 30), 90)
    assert due == D(2026, 9, 28)
    assert not rules.report_is_late(due, D(2026, 9, 28), today=D(2027, 1, 1))
    assert rules.report_is_late(due, D(2026, 9, 29), today=D(2026, 9, 29))
    assert not rules.report_is_late(due, None, today=D(2026, 9, 28))
    assert rules.report_is_late(due, None, today=D(2026, 9, 29))


@pytest.mark.parametrize(
    ("start", "end", "problems"),
    [
        (D(2025, 7, 1), D(2026, 6, 30), 0),
        (D(2026, 7, 1), D(2026, 6, 30), 1),
        (D(2020, 7, 1), D(2026, 6, 30), 1),
        (D(2027, 7, 1), D(2027, 8, 30), 1),
    ],
)
def test_period_problems(start, end, problems):
    assert len(rules.period_problems(start, end, today=D(2026, 12, 7))) == problems


def test_submit_only_after_the_period():
    assert rules.submit_problems(D(2026, 6, 30), today=D(2026, 6, 30))
    assert rules.submit_problems(D(2026, 6, 30), today=D(2026, 7, 1)) == []


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        ({"key": "k", "kind": "count", "value": 0}, 0),
        ({"key": "k", "kind": "count", "value": 1}, "suppressed"),
        ({"key": "k", "kind": "count", "value": 10}, "suppressed"),
        ({"key": "k", "kind": "count", "value": 11}, 11),
        ({"key": "k", "kind": "days", "value": 4.5, "n": 10}, "suppressed"),
        ({"key": "k", "kind": "rate", "value": 50.0, "n": 11}, 50.0),
        ({"key": "k", "kind": "rate", "value": None, "n": 0}, None),
        ({"key": "k", "kind": "cents", "value": 80000, "n": 10}, "suppressed"),
        ({"key": "k", "kind": "count", "value": "not_recorded"}, "not_recorded"),
        ({"key": "smhs", "kind": "opt_in", "value": "in", "on": "2025-09-01"}, "in"),
    ],
)
def test_small_counts_are_suppressed(row, shown):
    assert rules.suppress_row(row, 11)["value"] == shown

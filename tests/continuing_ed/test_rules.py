"""Boundaries of the CE rules: cycle dates, which credits count, 20 h / 6 h thresholds.

Credits are unsaved `CeCredit` instances: no database needed.
"""

import datetime
from decimal import Decimal

import pytest

from continuing_ed.models import CeCredit
from continuing_ed.rules import (
    CeTotals,
    ce_compliance_problems,
    ce_entry_problems,
    ce_totals,
    closing_cycle,
    cycle_bounds,
)

D = datetime.date
DAY = datetime.timedelta(days=1)
# Issued 2024-03-15, expiring 2026-03-15: the cycle starts on the issue date itself.
START, END = D(2024, 3, 15), D(2026, 3, 15)


IN_CYCLE = D(2025, 1, 10)


def credit(hours, *, on=IN_CYCLE, category="general", status="verified") -> CeCredit:
    return CeCredit(
        title="Course",
        provider_name="Provider",
        hours=Decimal(str(hours)),
        category=category,
        completed_on=on,
        status=status,
    )


@pytest.mark.parametrize(
    ("started_on", "expires_on"),
    [
        (D(2024, 3, 15), D(2026, 3, 15)),
        # Issued 2024-02-29, expiring 2026-02-28.
        (D(2024, 2, 29), D(2026, 2, 28)),
        # Renewed early on 2025-12-20: the new cycle starts that day, not at the old expiry.
        (D(2025, 12, 20), D(2028, 3, 15)),
    ],
)
def test_the_cycle_runs_from_its_first_day_itself_through_expiry(started_on, expires_on):
    assert cycle_bounds(started_on, expires_on) == (started_on, expires_on)


def test_a_renewal_closes_the_cycle_the_day_before_the_next_one_starts():
    renewed_on = D(2026, 2, 1)
    closed = closing_cycle(START, on=renewed_on)
    following = cycle_bounds(renewed_on, D(2028, 3, 15))
    assert closed == (START, D(2026, 1, 31))
    assert following[0] == closed[1] + DAY, "consecutive cycles share no day"


@pytest.mark.parametrize(
    ("completed_on", "counts"),
    [
        (START - datetime.timedelta(days=1), False),
        (START, True),
        (END, True),
        (END + datetime.timedelta(days=1), False),
    ],
    ids=["day-before-start", "on-start", "on-end", "day-after-end"],
)
def test_only_credits_inside_the_cycle_count(completed_on, counts):
    credits = [credit(3, on=completed_on, category="law_and_ethics")]
    expected = Decimal("3") if counts else Decimal("0")
    assert ce_totals(credits, cycle_start=START, cycle_end=END) == CeTotals(expected, expected)


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_pending_and_rejected_credits_do_not_count(status):
    credits = [credit(20, status=status), credit(6, category="law_and_ethics", status=status)]
    assert ce_totals(credits, cycle_start=START, cycle_end=END) == CeTotals(0, 0)
    assert len(ce_compliance_problems(credits, cycle_start=START, cycle_end=END)) >= 2


def test_totals_add_law_and_ethics_into_the_total():
    credits = [credit("12.5"), credit("6.25", category="law_and_ethics"), credit("1.25")]
    assert ce_totals(credits, cycle_start=START, cycle_end=END) == CeTotals(
        Decimal("20.00"), Decimal("6.25")
    )


def test_exactly_20_hours_with_6_in_law_and_ethics_complies():
    credits = [credit(14), credit(6, category="law_and_ethics")]
    assert ce_compliance_problems(credits, cycle_start=START, cycle_end=END) == []


def test_law_and_ethics_575_is_short_of_6():
    credits = [credit("14.25"), credit("5.75", category="law_and_ethics")]
    assert ce_compliance_problems(credits, cycle_start=START, cycle_end=END) == [
        "5.75 verified hours in law and ethics were completed between 2024-03-15 and "
        "2026-03-15; at least 6 are required."
    ]


def test_total_1975_is_short_of_20():
    credits = [credit("13.75"), credit(6, category="law_and_ethics")]
    assert ce_compliance_problems(credits, cycle_start=START, cycle_end=END) == [
        "19.75 verified continuing-education hours were completed between 2024-03-15 and "
        "2026-03-15; 20 are required."
    ]


def test_quarter_hours_summing_to_20_comply():
    credits = [credit("13.75"), credit(6, category="law_and_ethics"), credit("0.25")]
    assert ce_compliance_problems(credits, cycle_start=START, cycle_end=END) == []


def test_no_credits_gives_both_reasons():
    assert ce_compliance_problems([], cycle_start=START, cycle_end=END) == [
        "0 verified continuing-education hours were completed between 2024-03-15 and "
        "2026-03-15; 20 are required.",
        "0 verified hours in law and ethics were completed between 2024-03-15 and "
        "2026-03-15; at least 6 are required.",
    ]


def test_pending_hours_inside_the_cycle_are_mentioned_when_short():
    credits = [
        credit(14),
        credit(6, category="law_and_ethics", status="pending"),
        credit(9, status="pending", on=END + datetime.timedelta(days=1)),
    ]
    problems = ce_compliance_problems(credits, cycle_start=START, cycle_end=END)
    assert problems[-1] == "6 more hours are waiting for review."
    assert len(problems) == 3


def test_pending_hours_are_not_mentioned_when_compliant():
    credits = [credit(14), credit(6, category="law_and_ethics"), credit(2, status="pending")]
    assert ce_compliance_problems(credits, cycle_start=START, cycle_end=END) == []


def test_custom_requirements_are_honoured():
    credits = [credit(10), credit(2, category="law_and_ethics")]
    assert (
        ce_compliance_problems(
            credits,
            cycle_start=START,
            cycle_end=END,
            required_total=Decimal("12"),
            required_law_and_ethics=Decimal("2"),
        )
        == []
    )


TODAY = D(2026, 1, 10)


def entry(completed_on, *, status="active", on=TODAY, started_on=START, expires_on=END):
    return ce_entry_problems(
        completed_on=completed_on,
        cycle_started_on=started_on,
        expires_on=expires_on,
        certification_status=status,
        on=on,
    )


@pytest.mark.parametrize("status", ["active", "suspended"])
@pytest.mark.parametrize(
    ("completed_on", "reasons"),
    [
        (
            START - datetime.timedelta(days=1),
            ["Only CE completed on or after 2024-03-15 counts toward this certification."],
        ),
        (START, []),
        (D(2026, 1, 10), []),
        (D(2026, 1, 11), ["The completion date cannot be in the future."]),
    ],
    ids=["day-before-issue", "issue-date", "today", "tomorrow"],
)
def test_ce_entry_while_in_force(status, completed_on, reasons):
    assert entry(completed_on, status=status) == reasons


def test_ce_entry_from_the_renewal_date_itself():
    renewed_on = D(2026, 2, 1)
    assert entry(renewed_on, started_on=renewed_on, expires_on=D(2028, 3, 15), on=renewed_on) == []
    before = renewed_on - DAY
    assert entry(before, started_on=renewed_on, expires_on=D(2028, 3, 15), on=renewed_on) == [
        "Only CE completed on or after 2026-02-01 counts toward this certification."
    ]


def test_ce_entry_after_the_cycle_end_while_still_active():
    late = END + datetime.timedelta(days=1)
    assert entry(late, on=late) == [
        "The current CE cycle of this certification ended on 2026-03-15."
    ]


@pytest.mark.parametrize(
    ("completed_on", "reasons"),
    [
        (
            START - datetime.timedelta(days=1),
            ["Only CE completed on or after 2024-03-15 counts toward this certification."],
        ),
        (START, []),
        (END + datetime.timedelta(days=1), []),
        (D(2027, 5, 1), []),
        (D(2027, 5, 2), ["The completion date cannot be in the future."]),
    ],
    ids=["day-before-cycle", "cycle-start", "after-expiry", "today", "tomorrow"],
)
def test_ce_entry_toward_reinstatement_once_expired(completed_on, reasons):
    assert entry(completed_on, status="expired", on=D(2027, 5, 1)) == reasons


@pytest.mark.parametrize("status", ["revoked", "vacated"])
def test_no_ce_entry_for_revoked_or_vacated(status):
    assert entry(D(2025, 1, 1), status=status) == [
        "CE can be logged only for an active, suspended or expired certification."
    ]

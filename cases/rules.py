"""Rules of complaint cases (docs/domain.md#complaints-and-cases): the stages and the moves
between them, and the deadlines.

Source: DOMAIN.md, "Complaints and discipline": complaints are acknowledged within 5 business
days and resolved within 90 days, extendable by 30. Business days skip Saturdays, Sundays and
California state holidays, taken from the `holidays` library (its US calendar with the CA
subdivision, observed dates included) rather than a hand-kept list.
"""

import datetime
import functools

import holidays

from core import policy

# DOMAIN.md "Complaints and discipline".
ACKNOWLEDGEMENT_BUSINESS_DAYS = 5
RESOLUTION_DAYS = 90
EXTENSION_DAYS = 30

INTAKE = "intake"
INVESTIGATION = "investigation"
FINDINGS = "findings"
DECISION = "decision"
CLOSED = "closed"
STAGES = (INTAKE, INVESTIGATION, FINDINGS, DECISION, CLOSED)

# Each stage moves forward one step, or straight to closed (a complaint dismissed at intake or
# withdrawn; our choice, the written decisions of issue 14 item 4 come later). Findings may go
# back to investigation when they need more evidence. Closed is final here (appeals, issue 14
# item 5, will reopen through their own service).
TRANSITIONS: dict[str, frozenset[str]] = {
    INTAKE: frozenset({INVESTIGATION, CLOSED}),
    INVESTIGATION: frozenset({FINDINGS, CLOSED}),
    FINDINGS: frozenset({DECISION, INVESTIGATION, CLOSED}),
    DECISION: frozenset({CLOSED}),
    CLOSED: frozenset(),
}


def can_move(stage: str, to: str) -> bool:
    return to in TRANSITIONS.get(stage, frozenset())


@functools.lru_cache(maxsize=64)
def _california_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("US", subdiv="CA", years=year))


def is_business_day(day: datetime.date) -> bool:
    """Monday to Friday and not a California state holiday."""
    return day.weekday() < 5 and day not in _california_holidays(day.year)


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th business day after `start` (the day of receipt itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day


def acknowledgement_due(received_on: datetime.date) -> datetime.date:
    return add_business_days(received_on, ACKNOWLEDGEMENT_BUSINESS_DAYS)


def resolution_due(received_on: datetime.date, *, extended: bool = False) -> datetime.date:
    days = RESOLUTION_DAYS + (EXTENSION_DAYS if extended else 0)
    return received_on + datetime.timedelta(days=days)


def due_flag(due: datetime.date | None, *, today: datetime.date, done: bool = False) -> str:
    """Flag a deadline on `today`: "overdue", "due_soon" (within
    policy.CASE_DUE_SOON_DAYS) or ""."""
    if due is None or done:
        return ""
    if due < today:
        return "overdue"
    if (due - today).days <= policy.CASE_DUE_SOON_DAYS:
        return "due_soon"
    return ""

"""CE audit rules at their boundaries: the shortfall of an audited cycle, the default
deadline, what can be required, when the missing hours are made up."""

import datetime
from decimal import Decimal

import pytest

from ce_audits.models import CeAudit
from ce_audits.rules import (
    consequence_problems,
    makeup_due_on,
    makeup_problems,
    makeup_request_problems,
    makeup_shortfall,
)
from continuing_ed.models import CeCredit

D = datetime.date
START, END = D(2024, 3, 15), D(2026, 3, 14)


def ce(hours, on, category="general", status="verified") -> CeCredit:
    return CeCredit(hours=Decimal(str(hours)), completed_on=on, category=category, status=status)


@pytest.mark.parametrize(
    ("credits", "shortfall"),
    [
        ([], (Decimal("20"), Decimal("6"))),
        ([ce(14, D(2025, 1, 1)), ce(6, D(2025, 1, 1), "law_and_ethics")], (0, 0)),
        ([ce(20, D(2025, 1, 1))], (Decimal("6"), Decimal("6"))),
        ([ce(10, D(2025, 1, 1)), ce(4, D(2025, 1, 1), "law_and_ethics")], (6, 2)),
        ([ce(20, D(2025, 1, 1), status="pending")], (20, 6)),
        ([ce(20, END + datetime.timedelta(days=1))], (20, 6)),
    ],
    ids=["nothing", "complete", "no-ethics", "short", "pending", "after-cycle"],
)
def test_makeup_shortfall(credits, shortfall):
    assert makeup_shortfall(credits, cycle_start=START, cycle_end=END) == tuple(
        Decimal(x) for x in shortfall
    )


def test_default_deadline_is_the_programs_days_after():
    assert makeup_due_on(D(2026, 1, 31), days=90) == D(2026, 5, 1)


def test_a_consequence_only_after_a_failure_and_once():
    assert consequence_problems(CeAudit(outcome="pending")) == [
        "A consequence is decided only after a failed audit."
    ]
    assert consequence_problems(CeAudit(outcome="failed")) == []
    assert consequence_problems(CeAudit(outcome="failed", consequence="suspension")) == [
        "A consequence was already decided: certification suspended."
    ]


TODAY = D(2026, 6, 1)
LATER = TODAY + datetime.timedelta(days=1)
NO_HOURS = "Enter the missing hours the peer must complete."
BAD_LAW = "The hours in law and ethics must be between 0 and the hours in all."


@pytest.mark.parametrize(
    ("total", "law", "due_on", "reasons"),
    [
        ("6", "2", TODAY + datetime.timedelta(days=1), []),
        ("6", "2", TODAY, ["The deadline must be after today."]),
        (
            "0",
            "0",
            TODAY + datetime.timedelta(days=1),
            ["Enter the missing hours the peer must complete."],
        ),
        ("20", "6", TODAY + datetime.timedelta(days=1), []),
        ("20.25", "6", TODAY + datetime.timedelta(days=1), ["At most 20 hours can be required."]),
        (
            "6",
            "7",
            TODAY + datetime.timedelta(days=1),
            ["The hours in law and ethics must be between 0 and the hours in all."],
        ),
    ],
)
def test_what_can_be_required(total, law, due_on, reasons):
    assert (
        makeup_request_problems(
            total=Decimal(total), law_and_ethics=Decimal(law), due_on=due_on, today=TODAY
        )
        == reasons
    )


FAILED_ON = D(2026, 6, 1)
DUE_ON = D(2026, 8, 30)


@pytest.mark.parametrize(
    ("completed_on", "made_up"),
    [
        (FAILED_ON - datetime.timedelta(days=1), False),
        (FAILED_ON, True),
        (DUE_ON, True),
        (DUE_ON + datetime.timedelta(days=1), False),
    ],
    ids=["day-before-failure", "failure-day", "deadline", "day-after-deadline"],
)
def test_made_up_by_verified_ce_from_the_failure_through_the_deadline(completed_on, made_up):
    credits = [ce(4, completed_on), ce(2, completed_on, "law_and_ethics")]
    problems = makeup_problems(
        credits, since=FAILED_ON, until=DUE_ON, total=Decimal("6"), law_and_ethics=Decimal("2")
    )
    assert (problems == []) is made_up

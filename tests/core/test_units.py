"""Hours and calendar years (core.units)."""

import datetime
from decimal import Decimal

import pytest

from core.errors import DomainError
from core.units import add_years, hours_text, hours_value

D = datetime.date


@pytest.mark.parametrize(
    ("d", "years", "expected"),
    [
        (D(2024, 3, 15), 2, D(2026, 3, 15)),
        (D(2024, 2, 29), 2, D(2026, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2024, 2, 29), -1, D(2023, 2, 28)),
        (D(2026, 2, 28), -2, D(2024, 2, 28)),
        (D(2025, 12, 31), 1, D(2026, 12, 31)),
    ],
)
def test_add_years_keeps_the_calendar_date_and_clamps_29_february(d, years, expected):
    assert add_years(d, years) == expected


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (Decimal("80"), "80"),
        (Decimal("80.00"), "80"),
        (Decimal("79.50"), "79.5"),
        (Decimal("5.75"), "5.75"),
        (Decimal("0"), "0"),
        (Decimal("100"), "100"),
        (Decimal("8E+1"), "80"),
    ],
)
def test_hours_text(hours, text):
    assert hours_text(hours) == text


@pytest.mark.parametrize(
    ("typed", "value"), [("80", Decimal("80")), (" 7.25 ", Decimal("7.25")), (40, Decimal("40"))]
)
def test_hours_value_reads_what_a_person_types(typed, value):
    assert hours_value(typed) == value


@pytest.mark.parametrize("typed", ["", "x", "0", "-1", "7.125", "10000", "NaN", "Infinity"])
def test_hours_value_refuses_on_the_field(typed):
    with pytest.raises(DomainError) as refused:
        hours_value(typed, field="hours")
    assert refused.value.field == "hours"

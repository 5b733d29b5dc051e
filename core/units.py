"""Units every app uses: hours (a Decimal with at most two places) and calendar years.

Calendar convention: `add_years(d, n)` is the same calendar date n years on; 29 February
becomes 28 February in a year without it (a printed date must exist and must not reach past
the period it closes).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import DomainError

# Hours are stored as DecimalField(max_digits=6, decimal_places=2) (training records, CE
# credits).
HOURS_PLACES = Decimal("0.01")
HOURS_LIMIT = Decimal("10000")


def add_years(d: datetime.date, years: int) -> datetime.date:
    """The same calendar date `years` later (or earlier when negative); 29 Feb → 28 Feb."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def hours_text(hours: Decimal) -> str:
    """Hours as a person writes them: 80, 79.5, 5.75 (no trailing zeros, no exponent)."""
    text = f"{Decimal(hours):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def as_hours(value: Decimal | int | float | str) -> Decimal:
    """A number of hours as a Decimal (floats through their shortest text form)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def hours_value(hours: object, *, field: str = "hours") -> Decimal:
    """`hours` as a positive Decimal with at most two decimals, or an invalid-input error on
    `field` (the hours a person types for a training record or a CE credit)."""
    try:
        value = Decimal(str(hours).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter the number of hours, such as 80 or 7.5."), field=field) from None
    if not value.is_finite() or value <= 0:
        raise DomainError(_("Enter a number of hours greater than zero."), field=field)
    if value >= HOURS_LIMIT or value != value.quantize(HOURS_PLACES):
        raise DomainError(
            _("Enter hours below 10,000 with at most two decimals, such as 7.25."), field=field
        )
    return value

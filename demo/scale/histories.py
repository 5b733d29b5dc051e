"""The life of each generated certification: its final status and the day of every step the
services would have taken to reach it, drawn at random in realistic proportions and within
the rules (the life cycles of `certification.services`, `certification.rules`).

Working back from the issue day: the exam passed 3–20 days before it, inside the approval's
12-month window; approval 1–4 months before the exam; the review, submission and the
application's creation days or weeks before that; core training completed before applying,
from 2022-07-01 on (an application whose training would come earlier went through the
grandparenting pathway, open until 2022-12-31). After issue: specializations while the
certification is active, then the status change (suspension or revocation by the county,
expiry the day after the expiry date, vacating on the vacate date).

Proportions (our choice, for benchmarks): 80 % active (of all certifications, 5 % expire within
90 days), 10 % expired, 4 % suspended, 3 % revoked, 3 % vacated; 30 % hold one or two
specializations.
"""

import datetime
import random
from dataclasses import dataclass

from certification import rules
from core import policy
from core.units import add_years

# Status, share of all certifications.
STATUS_SHARES = (
    ("active_expiring", 0.05),
    ("active", 0.75),
    ("expired", 0.10),
    ("suspended", 0.04),
    ("revoked", 0.03),
    ("vacated", 0.03),
)
SPECIALIZATION_SHARES = (
    ("crisis", 0.35),
    ("parent_caregiver_family", 0.30),
    ("unhoused", 0.20),
    ("justice_involved", 0.15),
)
ONE_SPECIALIZATION_SHARE = 0.22
TWO_SPECIALIZATIONS_SHARE = 0.08
# How long before the vacate-age limit a vacated certification expired at most: keeps its
# application after the demo program's start (demo.scenarios.counties_and_staff).
VACATED_SPREAD_DAYS = 150
# A specialization course is completed this long before it is added, and verified this long
# before (its record logged the day after completing it).
SPECIALIZATION_COMPLETED_BEFORE = datetime.timedelta(days=14)
SPECIALIZATION_VERIFIED_BEFORE = datetime.timedelta(days=3)

_DAY = datetime.timedelta(days=1)


@dataclass(slots=True)
class History:
    """One certification's steps, by day."""

    status: str
    pathway: str
    joined_on: datetime.date
    trained_on: datetime.date | None  # core training completed (standard pathway)
    applied_on: datetime.date
    submitted_on: datetime.date
    reviewed_on: datetime.date
    approved_on: datetime.date
    exam_on: datetime.date
    issued_on: datetime.date
    expires_on: datetime.date
    changed_on: datetime.date | None  # suspended, revoked or expired on
    vacated_on: datetime.date | None
    specializations: tuple[tuple[str, datetime.date], ...]  # (code, added on)

    @property
    def window_ends_on(self) -> datetime.date:
        return rules.approval_window_end(self.approved_on)


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    """From `low` to `high` days, inclusive (`rng.random()`: a few times faster than
    `randint`, which counts at a million rows)."""
    return datetime.timedelta(days=low + int(rng.random() * (high - low + 1)))


def _target_expiry(rng: random.Random, status: str, today: datetime.date) -> datetime.date:
    """An expiry date that puts a certification in `status` on `today`."""
    if status == "active_expiring":
        return today + _days(rng, 1, policy.EXPIRING_SOON_DAYS)
    if status in ("active", "suspended", "revoked"):
        return today + _days(rng, policy.EXPIRING_SOON_DAYS + 1, 365 * 2)
    if status == "expired":  # before today, and before its vacate date by a day at least
        return today - _days(rng, 1, 365 * policy.VACATE_AFTER_EXPIRY_YEARS - 1)
    return add_years(today, -policy.VACATE_AFTER_EXPIRY_YEARS) - _days(rng, 1, VACATED_SPREAD_DAYS)


def _specializations(
    rng: random.Random, first: datetime.date, last: datetime.date
) -> tuple[tuple[str, datetime.date], ...]:
    """None, one or two specializations added on days from `first` to `last`."""
    draw = rng.random()
    if draw >= ONE_SPECIALIZATION_SHARE + TWO_SPECIALIZATIONS_SHARE or last < first:
        return ()
    how_many = 2 if draw < TWO_SPECIALIZATIONS_SHARE else 1
    codes = [code for code, _share in SPECIALIZATION_SHARES]
    weights = [share for _code, share in SPECIALIZATION_SHARES]
    chosen: set[str] = set()
    while len(chosen) < how_many:
        chosen.add(rng.choices(codes, weights=weights)[0])
    span = (last - first).days
    return tuple((code, first + _days(rng, 0, span)) for code in sorted(chosen))


def plan(rng: random.Random, status: str, today: datetime.date) -> History:
    """The steps of one certification that ends in `status` ("active_expiring" is active,
    expiring within 90 days) on `today`."""
    issued_on = min(add_years(_target_expiry(rng, status, today), -2), today - _DAY)
    expires_on = rules.certification_expiry(issued_on)
    exam_on = issued_on - _days(rng, 3, 20)
    approved_on = exam_on - _days(rng, 7, 120)
    reviewed_on = approved_on - _days(rng, 1, 30)
    submitted_on = reviewed_on - _days(rng, 1, 20)
    applied_on = submitted_on - _days(rng, 1, 14)
    trained_on: datetime.date | None = applied_on - _days(rng, 1, 60)
    pathway = "standard"
    if trained_on < policy.TRAINING_EARLIEST_COMPLETION:
        pathway, trained_on = "grandparenting", None
    joined_on = (trained_on or applied_on) - _days(rng, 0, 30)
    changed_on = vacated_on = None
    if status in ("suspended", "revoked"):
        changed_on = issued_on + _days(rng, 1, (today - issued_on).days)
    elif status in ("expired", "vacated"):
        changed_on = expires_on + _DAY
    if status == "vacated":
        vacated_on = rules.vacate_date(expires_on)
    last_active = changed_on - _DAY if changed_on else today
    # A specialization's course is verified once the person holds the certification.
    first_added = issued_on + SPECIALIZATION_VERIFIED_BEFORE + _DAY
    return History(
        status="active" if status == "active_expiring" else status,
        pathway=pathway,
        joined_on=joined_on,
        trained_on=trained_on,
        applied_on=applied_on,
        submitted_on=submitted_on,
        reviewed_on=reviewed_on,
        approved_on=approved_on,
        exam_on=exam_on,
        issued_on=issued_on,
        expires_on=expires_on,
        changed_on=changed_on,
        vacated_on=vacated_on,
        specializations=_specializations(rng, first_added, min(last_active, expires_on)),
    )


def statuses(rng: random.Random, count: int) -> list[str]:
    return rng.choices(
        [status for status, _share in STATUS_SHARES],
        weights=[share for _status, share in STATUS_SHARES],
        k=count,
    )

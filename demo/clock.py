"""The demo's clock: every step of a demo story happens on a day counted back from the day the
seed runs, and goes through the real services (docs/architecture.md#demo-data).

A step runs inside `DemoClock.step(day)`, which sets the process clock to that day with
time-machine (`time_machine.travel`, not ticking) for the length of the step only. Services
that take `today=` are also given the day explicitly; what they stamp from the clock
themselves (`timezone.now()`/`localdate()`: audit events, `created_at`, `submitted_at`,
`reviewed_at`, a specialization's `added_on`, a renewal's `ethics_affirmed_at` ...) reads the
same moment. So a history spanning years is written by the code that writes it in production,
with the dates it would have had, and the services know nothing of the demo.

Two limits: PostgreSQL's own clock is not moved, so the history tables that django-pghistory
fills from triggers carry the real time of the seed; and a step never happens after the seed's
own moment (`DemoClock.now`), so nothing is dated in the future.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import time_machine
from django.utils import timezone

from core.units import add_years

# The first step of a day happens at this hour (local time); each later step of the same
# story on the same day a few minutes after the one before it.
FIRST_STEP_HOUR = 9
STEP_INTERVAL = datetime.timedelta(minutes=7)


@dataclass(frozen=True)
class DemoClock:
    """The seed's "now" (aware) and the dates counted from it."""

    now: datetime.datetime

    @classmethod
    def at(cls, now: datetime.datetime | None = None) -> "DemoClock":
        return cls(now=now or timezone.now())

    @classmethod
    def on(cls, today: datetime.date) -> "DemoClock":
        """A clock whose seed day is `today`, at noon (tests seed on fixed days)."""
        return cls(now=timezone.make_aware(datetime.datetime.combine(today, datetime.time(12))))

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def days_ahead(self, days: int) -> datetime.date:
        return self.today + datetime.timedelta(days=days)

    def years_ago(self, years: int, *, days: int = 0) -> datetime.date:
        """The day `years` years (29 Feb → 28 Feb) and then `days` days before today; negative
        `days` count forward ("2 years before the day 21 days from now")."""
        return add_years(self.today, -years) - datetime.timedelta(days=days)


@dataclass
class Timeline:
    """The steps of one story. Steps on the same day happen a few minutes apart, in the order
    they run, so each record's audit trail reads in order; no step happens after the seed's
    moment."""

    clock: DemoClock
    last_on_day: dict[datetime.date, datetime.datetime] = field(default_factory=dict)

    @contextmanager
    def step(self, day: datetime.date) -> Iterator[datetime.date]:
        """Run the block with the clock set to a moment of `day`; yields `day` (pass it to the
        services' `today=`)."""
        if day > self.clock.today:
            raise ValueError(f"A demo step on {day} would come after the seed day.")
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(FIRST_STEP_HOUR)))
        if day in self.last_on_day:
            moment = self.last_on_day[day] + STEP_INTERVAL
        moment = min(moment, self.clock.now)
        self.last_on_day[day] = moment
        with time_machine.travel(moment, tick=False):
            yield day

"""Bulk data for benchmarks (`manage.py seed_scale --certifications N [--histories]`): N
certified people in realistic proportions of statuses, counties and specializations, each in
a state the services would have left it in (demo/scale/histories.py draws the days of every
step, demo/scale/rows.py writes the rows and their audit events).

Two depths:

- By default, each certification as the services leave it from its issue on: issued by the
  county's administrator, its specializations (each from a 40-hour course the county
  verified), its suspension, revocation, expiry or vacating, each step with its audit event.
  There is no application behind it (`Certification.application` is empty): the one part
  the services would not produce, left out because the application, its documents, training
  and exam would multiply the rows per certification by about five and the seeding time by
  about ten (benchmarks/RESULTS.md), for benchmarks that read certifications.
- `histories=True` (`--histories`): the whole history from the person's sign-up, as the
  services write it: profile, core training, the application with its photo ID and diploma,
  submission, review, approval, the exam, then the certification as above.

It happens in the demo's program (`demo.scenarios.counties_and_staff.prepare_cast`, run first
and idempotent): the counties' administrators and reviewers act, the counties' training
providers trained the people, and each person applied to a county that had opted in by that
day (counties weighted roughly by population).

Fast by construction: rows are generated in batches and written with PostgreSQL COPY; ids and
certification numbers are reserved from their sequences in one round trip per table and
batch. Numbers come from `certification_number_seq`, like the ones the service issues, so they
never collide with real or earlier generated ones. The people cannot sign in (unusable
password).
"""

import bisect
import datetime
import itertools
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Min

from certification.models import CodeOfEthicsVersion
from certification.numbers import NUMBER_PREFIX
from counties.models import OptInPeriod
from demo.clock import DemoClock
from demo.scale import bulk, rows
from demo.scale.histories import plan, statuses
from demo.scale.people import COUNTY_WEIGHTS, FIRST_NAMES, LAST_NAMES
from demo.scenarios.counties_and_staff import prepare_cast
from demo.story import Cast

BATCH_SIZE = 20_000
# Where a county's own training provider is not named (demo.scenarios.counties_and_staff).
DEFAULT_PROVIDER = "Southern California Peer Institute"
ANALYZED_TABLES = (
    "accounts_user",
    "certification_applicantprofile",
    "certification_application",
    "certification_document",
    "training_trainingrecord",
    "exams_examattempt",
    "certification_certification",
    "certification_certificationspecialization",
    "counties_auditevent",
)


@dataclass(frozen=True)
class ScaleSummary:
    certifications: int
    specializations: int
    first_number: str
    last_number: str
    histories: bool

    def __str__(self) -> str:
        behind = ", the applications behind them" if self.histories else ""
        return (
            f"Created {self.certifications} certifications ({self.first_number} … "
            f"{self.last_number}) with their people{behind} and {self.specializations} "
            "specializations."
        )


class CountyChoice:
    """Draws the county an application went to: weighted by population among the counties
    opted in (for any delivery system, without a break since) on the day it was opened."""

    def __init__(self) -> None:
        opened = (
            OptInPeriod.objects.filter(opted_in=True, effective_to__isnull=True)
            .values("county_id", "county__code")
            .annotate(since=Min("effective_from"))
            .order_by("since", "county_id")
        )
        self.since = [row["since"] for row in opened]
        self.county_ids = [row["county_id"] for row in opened]
        self.cumulative = list(
            itertools.accumulate(COUNTY_WEIGHTS.get(row["county__code"], 1) for row in opened)
        )

    def draw(self, rng: random.Random, day: datetime.date) -> int:
        eligible = bisect.bisect_right(self.since, day)
        if eligible == 0:
            raise ValueError(f"No county was taking applications on {day}.")
        pick = rng.random() * self.cumulative[eligible - 1]
        return self.county_ids[bisect.bisect_right(self.cumulative, pick, hi=eligible - 1)]


def _reference(cast: Cast, now: datetime.datetime, *, histories: bool) -> rows.Reference:
    providers = {
        county.pk: cast.providers[cast.provider_for_county.get(code, DEFAULT_PROVIDER)].pk
        for code, county in cast.counties.items()
    }
    return rows.Reference(
        now=now,
        admin_of={c.pk: cast.admin(code).pk for code, c in cast.counties.items()},
        reviewer_of={c.pk: cast.reviewer(code).pk for code, c in cast.counties.items()},
        provider_of=providers,
        ethics=list(
            CodeOfEthicsVersion.objects.order_by("effective_on", "id").values_list(
                "effective_on", "id", "version"
            )
        ),
        samples=rows.store_samples() if histories else {},
    )


def _person(rng: random.Random, county_id: int, applied_on: datetime.date) -> rows.Person:
    """Someone 19 to 70 years old in the year they applied (so 18 at least on the day)."""
    draw = rng.random
    year = applied_on.year - 19 - int(draw() * 52)
    return rows.Person(
        first=FIRST_NAMES[int(draw() * len(FIRST_NAMES))],
        last=LAST_NAMES[int(draw() * len(LAST_NAMES))],
        spanish=draw() < 0.25,
        county_id=county_id,
        born=datetime.date(year, 1 + int(draw() * 12), 1 + int(draw() * 28)),
        family=draw() < 0.3,
        higher_education=draw() >= 0.7,
    )


def seed_scale(
    count: int,
    *,
    seed: int | None = None,
    today: datetime.date | None = None,
    password: str | None = None,
    histories: bool = False,
) -> ScaleSummary:
    """Create `count` certifications with their people. Call inside a transaction.
    `histories`: with the application behind each one as well. `today`: the day the data is
    as of (default: the real one). `password`: the demo staff's, if the demo program has to
    be created (default DEMO_PASSWORD)."""
    rng = random.Random(seed)
    clock = DemoClock.on(today) if today is not None else DemoClock.at()
    today = clock.today
    cast = prepare_cast(clock, password=password or settings.DEMO_PASSWORD)
    reference = _reference(cast, clock.now, histories=histories)
    counties = CountyChoice()
    numbers = bulk.reserve("'certification_number_seq'", count)
    specializations = 0
    for start in range(0, count, BATCH_SIZE):
        batch = numbers[start : start + BATCH_SIZE]
        planned = [plan(rng, status, today) for status in statuses(rng, len(batch))]
        people = [_person(rng, counties.draw(rng, h.applied_on), h.applied_on) for h in planned]
        tables = rows.Tables()
        writer = rows.HistoryWriter(tables, reference, rows.Ids.reserve(planned, full=histories))
        for history, person, number in zip(planned, people, batch, strict=True):
            writer.write(history, person, number, full=histories)
        rows.copy_all(tables)
        specializations += len(tables.specializations)
    with connection.cursor() as cursor:
        # Fresh statistics, so benchmark queries are planned for the new table sizes.
        cursor.execute(f"ANALYZE {', '.join(ANALYZED_TABLES)}")
    return ScaleSummary(
        certifications=count,
        specializations=specializations,
        first_number=f"{NUMBER_PREFIX}{numbers[0]:07d}",
        last_number=f"{NUMBER_PREFIX}{numbers[-1]:07d}",
        histories=histories,
    )

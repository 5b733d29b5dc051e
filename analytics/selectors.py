"""Reads of the analytics app. Medi-Cal enrollment is public data (DHCS publishes it), read
by anyone who may see a ratio; the figures built on private rows are in
`analytics.figures`, scoped to the user who asks."""

import datetime
from dataclasses import dataclass, field

from analytics.models import MediCalEnrollment, MediCalEnrollmentLoad


@dataclass(frozen=True)
class EnrollmentFigures:
    """Medi-Cal certified eligibles of the latest load: each county's latest month in it, with
    the load's source and date (shown beside every ratio). `load` None: nothing loaded yet."""

    load: MediCalEnrollmentLoad | None
    by_county: dict[int, tuple[datetime.date, int]] = field(default_factory=dict)

    @property
    def month(self) -> datetime.date | None:
        """The latest month of the figures (most counties')."""
        months = [month for month, _count in self.by_county.values()]
        return max(months) if months else None

    @property
    def total(self) -> int:
        return sum(count for _month, count in self.by_county.values())

    def members(self, county_id: int) -> int | None:
        found = self.by_county.get(county_id)
        return found[1] if found else None

    def month_of(self, county_id: int) -> datetime.date | None:
        found = self.by_county.get(county_id)
        return found[0] if found else None


def medi_cal_load_latest() -> MediCalEnrollmentLoad | None:
    return MediCalEnrollmentLoad.objects.order_by("-loaded_at", "-id").first()


def medi_cal_enrollment_current() -> EnrollmentFigures:
    """Each county's certified eligibles in its latest month of the latest load (one query for
    the load, one for the rows)."""
    load = medi_cal_load_latest()
    if load is None:
        return EnrollmentFigures(load=None)
    rows = (
        MediCalEnrollment.objects.filter(load=load)
        .order_by("county_id", "-month")
        .distinct("county_id")
        .values_list("county_id", "month", "certified_eligibles")
    )
    return EnrollmentFigures(
        load=load, by_county={county_id: (month, count) for county_id, month, count in rows}
    )

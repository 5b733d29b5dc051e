"""Reads of the analytics app. Medi-Cal enrollment is public data (DHCS publishes it), read
by anyone who may see a ratio; the figures built on private rows are in
`analytics.figures`, scoped to the user who asks."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q

from accounts.models import User
from accounts.selectors import can_read
from analytics import rules
from analytics.models import Chart, FigureSnapshot, MediCalEnrollment, MediCalEnrollmentLoad
from ce_audits.models import CeAudit
from counties.selectors import staff_county_ids


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


# --- The figures of the charts ------------------------------------------------------------
#
# `figures_compute` reads every county's rows set-based (one or two grouped queries per chart,
# whatever the number of certifications) and is called only by the system's refresh
# (`analytics.services.figures_refresh`), which stores the result as `FigureSnapshot` rows;
# people read the snapshots through `figure_snapshots_for`. Definitions: docs/domain.md,
# "Statewide analytics".

# Points of the "active over time" chart and months of the expirations and renewals charts.
HISTORY_MONTHS = 24
AHEAD_MONTHS = 12
RENEWAL_MONTHS = 12
CALIFORNIA = "America/Los_Angeles"
NOT_RECORDED = "not_recorded"
# The CE audits kept their table's name when they moved to their own app.
CE_AUDIT_TABLE = CeAudit._meta.db_table

Series = dict[int | None, list[dict[str, Any]]]


def month_start(day: datetime.date, shift: int = 0) -> datetime.date:
    year, index = divmod(day.year * 12 + day.month - 1 + shift, 12)
    return datetime.date(year, index + 1, 1)


def _fetch(sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchall()


def _days(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _active(today: datetime.date) -> Series:
    rows = _fetch(
        "SELECT issuing_county_id, count(*) FROM certification_certification "
        "WHERE status = 'active' GROUP BY ROLLUP (issuing_county_id)"
    )
    out: Series = {}
    for county_id, count in rows:
        out[county_id] = [{"active": count}]
    out.setdefault(None, [{"active": 0}])
    return out


def active_over_time_points(today: datetime.date) -> list[datetime.date]:
    """The last day of each of the past HISTORY_MONTHS - 1 months, then today."""
    points = [
        month_start(today, shift) - datetime.timedelta(days=1)
        for shift in range(-(HISTORY_MONTHS - 2), 1)
    ]
    return [*points, today]


# When a certification stopped being in force, as far as its row says: the day a suspension
# began for a suspended one, the day its row last changed for a revoked one (the revocation),
# its expiry for the rest (an expired, vacated or active one; a renewal moved the expiry on).
END_OF_FORCE_SQL = (
    "GREATEST(issued_on, CASE WHEN status = 'suspended' AND suspended_on IS NOT NULL "
    "THEN suspended_on WHEN status = 'revoked' "
    f"THEN (updated_at AT TIME ZONE '{CALIFORNIA}')::date ELSE expires_on END)"
)


def _active_over_time(today: datetime.date) -> Series:
    """Certifications in force at each point: issued on or before it and not yet ended
    (`END_OF_FORCE_SQL`). Counted by bucket (`width_bucket` over the points, the day after
    each), then summed up: two grouped queries."""
    points = active_over_time_points(today)
    thresholds = [p + datetime.timedelta(days=1) for p in points]
    starts = _fetch(
        "SELECT issuing_county_id, width_bucket(issued_on, %(t)s::date[]), count(*) "
        "FROM certification_certification GROUP BY 1, 2",
        {"t": thresholds},
    )
    ends = _fetch(
        f"SELECT issuing_county_id, width_bucket({END_OF_FORCE_SQL}, %(t)s::date[]), count(*) "
        "FROM certification_certification GROUP BY 1, 2",
        {"t": thresholds},
    )
    # bucket b holds dates d with thresholds[b-1] <= d < thresholds[b]: in force at point k
    # when started in a bucket <= k and not ended in a bucket <= k (0-based points).
    started: dict[int | None, list[int]] = defaultdict(lambda: [0] * (len(points) + 1))
    ended: dict[int | None, list[int]] = defaultdict(lambda: [0] * (len(points) + 1))
    for table, rows in ((started, starts), (ended, ends)):
        for county_id, bucket, count in rows:
            table[county_id][bucket] += count
            table[None][bucket] += count
    out: Series = {}
    for county_id in set(started) | {None}:
        s, e = started[county_id], ended[county_id]
        series, in_force = [], 0
        for k, point in enumerate(points):
            in_force += s[k] - e[k]
            series.append({"date": point.isoformat(), "active": in_force})
        out[county_id] = series
    return out


FUNNEL_STEPS = ("submitted", "approved", "exam_passed", "certified")


def _funnel(today: datetime.date) -> Series:
    """Applications (not drafts) by county: how many reached each step, and the median days
    each step took (submission to approval, approval to the first passed exam, that exam, or
    approval where no exam was taken, to the certification's issue)."""
    rows = _fetch(
        f"""
        SELECT a.county_id, GROUPING(a.county_id),
            count(*) FILTER (WHERE a.submitted_at IS NOT NULL),
            count(*) FILTER (WHERE a.approved_on IS NOT NULL),
            count(p.first_pass),
            count(c.id),
            percentile_cont(0.5) WITHIN GROUP (
                ORDER BY a.approved_on - (a.submitted_at AT TIME ZONE '{CALIFORNIA}')::date),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY p.first_pass - a.approved_on),
            percentile_cont(0.5) WITHIN GROUP (
                ORDER BY c.issued_on - COALESCE(p.first_pass, a.approved_on)),
            percentile_cont(0.5) WITHIN GROUP (
                ORDER BY c.issued_on - (a.submitted_at AT TIME ZONE '{CALIFORNIA}')::date)
        FROM certification_application a
        LEFT JOIN (
            SELECT application_id, min(taken_on) AS first_pass FROM exams_examattempt
            WHERE result = 'passed' GROUP BY application_id
        ) p ON p.application_id = a.id
        LEFT JOIN certification_certification c ON c.application_id = a.id
        WHERE a.status <> 'draft'
        GROUP BY ROLLUP (a.county_id)
        """
    )
    out: Series = {}
    for county_id, total, submitted, approved, passed, certified, d1, d2, d3, d_all in rows:
        key = None if total else county_id
        out[key] = [
            {"step": "submitted", "count": submitted, "median_days": None},
            {"step": "approved", "count": approved, "median_days": _days(d1)},
            {"step": "exam_passed", "count": passed, "median_days": _days(d2)},
            {"step": "certified", "count": certified, "median_days": _days(d3)},
            {"step": "total", "count": certified, "median_days": _days(d_all)},
        ]
    return out


def _pass_rates(rows: list[tuple]) -> Series:
    out: Series = defaultdict(list)
    for county_id, total, key, attempts, passed in rows:
        out[None if total else county_id].append(
            {
                "key": key or NOT_RECORDED,
                "attempts": attempts,
                "passed": passed,
                "rate": rules.rate(passed, attempts),
            }
        )
    for series in out.values():
        series.sort(key=lambda row: (row["key"] == NOT_RECORDED, str(row["key"])))
    return dict(out)


def _exam_by_provider(today: datetime.date) -> Series:
    """Exam attempts that were sat (passed or failed; a no-show is no sitting) by the training
    provider of the candidate's verified core training (the latest, if several)."""
    return _pass_rates(
        _fetch(
            """
            WITH core AS (
                SELECT DISTINCT ON (t.person_id) t.person_id, t.provider_id
                FROM training_trainingrecord t
                WHERE t.course = 'core_80' AND t.status = 'verified'
                ORDER BY t.person_id, t.completed_on DESC, t.id DESC
            )
            SELECT a.county_id, GROUPING(a.county_id), tp.name, count(*),
                count(*) FILTER (WHERE e.result = 'passed')
            FROM exams_examattempt e
            JOIN certification_application a ON a.id = e.application_id
            LEFT JOIN core ON core.person_id = a.applicant_id
            LEFT JOIN training_trainingprovider tp ON tp.id = core.provider_id
            WHERE e.result IN ('passed', 'failed')
            GROUP BY GROUPING SETS ((a.county_id, tp.name), (tp.name))
            """
        )
    )


def _exam_by_language(today: datetime.date) -> Series:
    """The same sittings by the candidate's preferred language (their profile)."""
    return _pass_rates(
        _fetch(
            """
            SELECT a.county_id, GROUPING(a.county_id), p.preferred_language, count(*),
                count(*) FILTER (WHERE e.result = 'passed')
            FROM exams_examattempt e
            JOIN certification_application a ON a.id = e.application_id
            LEFT JOIN certification_applicantprofile p ON p.user_id = a.applicant_id
            WHERE e.result IN ('passed', 'failed')
            GROUP BY GROUPING SETS ((a.county_id, p.preferred_language), (p.preferred_language))
            """
        )
    )


def _months_series(
    months: list[datetime.date], rows: list[tuple], fields: tuple[str, ...]
) -> Series:
    found: dict[int | None, dict[datetime.date, tuple]] = defaultdict(dict)
    for county_id, total, month, *values in rows:
        found[None if total else county_id][month] = tuple(values)
    found.setdefault(None, {})
    zero = (0,) * len(fields)
    return {
        county_id: [
            {"month": f"{month:%Y-%m}", **dict(zip(fields, by_month.get(month, zero), strict=True))}
            for month in months
        ]
        for county_id, by_month in found.items()
    }


def _expirations(today: datetime.date) -> Series:
    """Active certifications by the month they expire, this month and the next 11 (expiries
    from today on)."""
    months = [month_start(today, shift) for shift in range(AHEAD_MONTHS)]
    rows = _fetch(
        """
        SELECT county_id, GROUPING(county_id), month, count(*)
        FROM (
            SELECT issuing_county_id AS county_id, date_trunc('month', expires_on)::date AS month
            FROM certification_certification
            WHERE status = 'active' AND expires_on >= %(today)s AND expires_on < %(end)s
        ) expiring
        GROUP BY GROUPING SETS ((county_id, month), (month))
        """,
        {"today": today, "end": month_start(today, AHEAD_MONTHS)},
    )
    return _months_series(months, rows, ("expiring",))


def _renewals(today: datetime.date) -> Series:
    """Of the certification cycles that ended in each of the last 12 months (up to
    yesterday): how many were renewed on time, renewed late or reinstated, and the share
    renewed. A cycle ended is a renewal of it (`Renewal.previous_expires_on`) or a
    certification still expiring that day, now past it (not revoked)."""
    first = month_start(today, -(RENEWAL_MONTHS - 1))
    months = [month_start(today, shift) for shift in range(-(RENEWAL_MONTHS - 1), 1)]
    rows = _fetch(
        """
        WITH cycles AS (
            SELECT c.issuing_county_id AS county_id, r.previous_expires_on AS ended,
                (r.kind = 'renewal') AS on_time, (r.kind <> 'renewal') AS late
            FROM certification_renewal r
            JOIN certification_certification c ON c.id = r.certification_id
            WHERE r.previous_expires_on >= %(first)s AND r.previous_expires_on < %(today)s
            UNION ALL
            SELECT issuing_county_id, expires_on, false, false
            FROM certification_certification
            WHERE expires_on >= %(first)s AND expires_on < %(today)s AND status <> 'revoked'
        )
        SELECT county_id, GROUPING(county_id), month,
            count(*), count(*) FILTER (WHERE on_time), count(*) FILTER (WHERE late)
        FROM (SELECT *, date_trunc('month', ended)::date AS month FROM cycles) by_month
        GROUP BY GROUPING SETS ((county_id, month), (month))
        """,
        {"first": first, "today": today},
    )
    out = _months_series(months, rows, ("due", "on_time", "late"))
    for series in out.values():
        for row in series:
            row["rate"] = rules.rate(row["on_time"] + row["late"], row["due"])
    return out


def _ce_audits(today: datetime.date) -> Series:
    """CE audits by outcome (pending, passed, failed), and of the failed ones how many had
    their missing hours required and how many led to a suspension."""
    rows = _fetch(
        f"""
        SELECT county_id, GROUPING(county_id), outcome, count(*),
            count(*) FILTER (WHERE consequence = 'makeup'),
            count(*) FILTER (WHERE consequence = 'suspension')
        FROM {CE_AUDIT_TABLE}
        GROUP BY GROUPING SETS ((county_id, outcome), (outcome))
        """
    )
    found: dict[int | None, dict[str, tuple]] = defaultdict(dict)
    for county_id, total, outcome, count, makeup, suspension in rows:
        found[None if total else county_id][outcome] = (count, makeup, suspension)
    found.setdefault(None, {})
    return {
        county_id: [
            {
                "outcome": outcome,
                "count": by_outcome.get(outcome, (0, 0, 0))[0],
                "makeup": by_outcome.get(outcome, (0, 0, 0))[1],
                "suspension": by_outcome.get(outcome, (0, 0, 0))[2],
            }
            for outcome in ("pending", "passed", "failed")
        ]
        for county_id, by_outcome in found.items()
    }


COMPUTE: dict[str, Callable[[datetime.date], Series]] = {
    Chart.ACTIVE: _active,
    Chart.ACTIVE_OVER_TIME: _active_over_time,
    Chart.FUNNEL: _funnel,
    Chart.EXAM_BY_PROVIDER: _exam_by_provider,
    Chart.EXAM_BY_LANGUAGE: _exam_by_language,
    Chart.EXPIRATIONS: _expirations,
    Chart.RENEWALS: _renewals,
    Chart.CE_AUDITS: _ce_audits,
}


def figures_compute(chart: str, today: datetime.date) -> Series:
    """One chart's series for every county with rows and for the state (key None). Reads every
    county's rows: the system's refresh calls it, never a request."""
    return COMPUTE[chart](today)


def figure_snapshots_for(
    user: User | AnonymousUser | None, chart: str
) -> dict[int | None, FigureSnapshot]:
    """The stored series of `chart` that `user` may read, by county id (None: the state):
    state staff every county's and the state's; county staff their counties' and the
    state's; anyone else nothing."""
    if not can_read(user):
        return {}
    snapshots = FigureSnapshot.objects.filter(chart=chart)
    if not user.is_state_staff:
        county_ids = staff_county_ids(user)
        if not county_ids:
            return {}
        snapshots = snapshots.filter(Q(county_id__isnull=True) | Q(county_id__in=county_ids))
    return {snapshot.county_id: snapshot for snapshot in snapshots}

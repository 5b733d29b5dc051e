"""Counties with their opt-in status and counts, and the program statistics, for the API.

Built on the access layer (`certifications_for`, `applications_for`, `exam_attempts_for`), so
every figure counts only rows the caller may see, with a fixed number of grouped queries
whatever the number of counties or rows.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, F, FloatField, Func, IntegerField, QuerySet
from django.db.models.aggregates import Aggregate
from django.db.models.functions import TruncDate

from accounts.models import User
from accounts.roles import is_state_staff
from certification.models import ApplicationStatus, CertificationStatus
from certification.selectors import applications_for, certifications_for
from counties.models import County, DeliverySystem, OptInPeriod
from counties.selectors import county_opt_in_history, staff_county_ids
from exams.models import ExamResult
from exams.selectors import exam_attempts_for

# Applications still in draft belong to the applicant alone and are counted nowhere.
COUNTED_APPLICATION_STATUSES = tuple(
    status for status in ApplicationStatus.values if status != ApplicationStatus.DRAFT
)
_COUNTY_FIELDS = ("id", "code", "name")
_PERIOD_FIELDS = ("county_id", "delivery_system", "opted_in", "effective_from", "effective_to")


class Median(Aggregate):
    """PostgreSQL's continuous median of a numeric expression."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _days_from_submission_to_issue() -> Func:
    """Whole days between the day (California time) the application was submitted and the
    day its certification was issued."""
    return Func(
        F("issued_on"),
        TruncDate("application__submitted_at"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )


def visible_county_ids(user: User) -> list[int] | None:
    """Ids of the counties whose figures `user` may read: None (every county) for state staff,
    their own for county staff, none for anyone else."""
    return None if is_state_staff(user) else staff_county_ids(user)


def _in_counties(rows: QuerySet, field: str, county_ids: list[int] | None) -> QuerySet:
    return rows if county_ids is None else rows.filter(**{f"{field}__in": county_ids})


def _grouped_counts(rows: QuerySet) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for county_id, key, number in rows:
        counts[county_id][key] = number
    return counts


def _certification_counts(user: User, county_ids: list[int] | None) -> dict[int, dict[str, int]]:
    rows = _in_counties(
        certifications_for(user).prefetch_related(None), "issuing_county_id", county_ids
    )
    return _grouped_counts(
        rows.values_list("issuing_county_id", "status").annotate(number=Count("id")).order_by()
    )


def _counts(found: dict[str, int], keys: tuple[str, ...] | list[str]) -> dict[str, int]:
    return {key: found.get(key, 0) for key in keys}


# Counties -----------------------------------------------------------------------------------


def _period(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "opted_in": values["opted_in"],
        "effective_from": values["effective_from"],
        "effective_to": values["effective_to"],
    }


def county_summaries(user: User, *, county: County | None = None) -> list[dict[str, Any]]:
    """Every county (or only `county`) by name: code, name, FIPS, the open opt-in period per
    delivery system (null when never recorded) and certification counts by status, null for
    a county whose counts `user` may not read. Three queries (plus the caller's county ids)."""
    counties = County.objects.order_by("name")
    periods = OptInPeriod.objects.filter(effective_to__isnull=True)
    if county is not None:
        counties = counties.filter(pk=county.pk)
        periods = periods.filter(county=county)
    counted_ids = visible_county_ids(user)
    counts = _certification_counts(user, counted_ids)
    open_periods: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for values in periods.values(*_PERIOD_FIELDS):
        open_periods[values["county_id"]][values["delivery_system"]] = _period(values)
    statuses = CertificationStatus.values
    return [
        {
            "code": values["code"],
            "name": values["name"],
            "fips": values["fips"],
            "opt_in": {
                system: open_periods[values["id"]].get(system) for system in DeliverySystem.values
            },
            "certifications": (
                _counts(counts.get(values["id"], {}), statuses)
                if counted_ids is None or values["id"] in counted_ids
                else None
            ),
        }
        for values in counties.values(*_COUNTY_FIELDS, "fips")
    ]


def county_detail(user: User, county: County) -> dict[str, Any]:
    """`county_summaries` for one county, with its whole opt-in history."""
    (summary,) = county_summaries(user, county=county)
    history = county_opt_in_history(county).values(*_PERIOD_FIELDS)
    summary["opt_in_history"] = [
        {"delivery_system": values["delivery_system"], **_period(values)} for values in history
    ]
    return summary


# Statistics ---------------------------------------------------------------------------------


def _figures(
    certifications: dict[str, int],
    applications: dict[str, int],
    exams: dict[str, int],
    median_days: float | None,
) -> dict[str, Any]:
    passed = exams.get(ExamResult.PASSED, 0)
    taken = passed + exams.get(ExamResult.FAILED, 0)
    return {
        "certifications": _counts(certifications, CertificationStatus.values),
        "applications": _counts(applications, COUNTED_APPLICATION_STATUSES),
        "exam_pass_rate": round(passed / taken, 4) if taken else None,
        "median_days_to_certification": median_days,
    }


def _sum_counts(per_county: dict[int, dict[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for counts in per_county.values():
        for key, number in counts.items():
            totals[key] += number
    return totals


def program_stats(user: User, *, today: datetime.date) -> dict[str, Any]:
    """Certifications and applications by status, exam pass rate and median days from
    submission to certification: per county for every county `user` may read, and statewide
    for state staff only (null for anyone else). A fixed number of queries."""
    county_ids = visible_county_ids(user)
    counties = list(
        _in_counties(County.objects.order_by("name"), "id", county_ids).values(*_COUNTY_FIELDS)
    )
    certifications = _certification_counts(user, county_ids)
    applications = _grouped_counts(
        _in_counties(applications_for(user), "county_id", county_ids)
        .filter(status__in=COUNTED_APPLICATION_STATUSES)
        .values_list("county_id", "status")
        .annotate(number=Count("id"))
        .order_by()
    )
    exams = _grouped_counts(
        # Applicants' sittings (a reinstatement sitting belongs to no application).
        _in_counties(exam_attempts_for(user), "application__county_id", county_ids)
        .filter(application__isnull=False, result__in=[ExamResult.PASSED, ExamResult.FAILED])
        .values_list("application__county_id", "result")
        .annotate(number=Count("id"))
        .order_by()
    )
    # `application__isnull=False` is implied by the join, but said for the planner: without
    # it, where most certifications have no application (imported, or `seed_scale` without
    # `--histories`), it walked every certification in county order to find none (4.2 s at a
    # million); with it, the unique index on application_id skips them (12 ms).
    issued_from_applications = _in_counties(
        certifications_for(user).prefetch_related(None), "issuing_county_id", county_ids
    ).filter(application__isnull=False, application__submitted_at__isnull=False)
    medians = dict(
        issued_from_applications.values_list("issuing_county_id")
        .annotate(median=Median(_days_from_submission_to_issue()))
        .order_by()
    )
    statewide = None
    if is_state_staff(user):
        statewide = _figures(
            _sum_counts(certifications),
            _sum_counts(applications),
            _sum_counts(exams),
            issued_from_applications.aggregate(median=Median(_days_from_submission_to_issue()))[
                "median"
            ],
        )
    return {
        "as_of": today,
        "statewide": statewide,
        "counties": [
            {
                "code": values["code"],
                "name": values["name"],
                **_figures(
                    certifications.get(values["id"], {}),
                    applications.get(values["id"], {}),
                    exams.get(values["id"], {}),
                    medians.get(values["id"]),
                ),
            }
            for values in counties
        ],
    }

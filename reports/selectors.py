"""Reads of program reports and the figures a report drafts from the records, scoped to who
asks (the access layer, docs/architecture.md#tenancy).

A county's reports are read by its staff (reviewers and administrators) and by state staff;
nobody else sees any. The figures are SQL aggregates (counts, `percentile_cont`) over the
county's rows, run in the asker's row-level security context: what each figure counts is in
docs/domain.md#program-reports.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.selectors import can_read
from analytics.models import MediCalEnrollment
from analytics.rules import per_100k
from analytics.selectors import medi_cal_load_latest
from cases.models import CaseCategory, DecisionOutcome
from counties.models import County
from counties.selectors import staff_counties, staff_role
from fees.selectors import fee_report_totals
from reports import rules
from reports.models import ProgramReport, ReportPolicy, ReportStatus

APPLICATION = "certification.application"
CERTIFICATION = "certification.certification"
TZ = "America/Los_Angeles"


def program_reports_for(user: User | AnonymousUser | None) -> QuerySet[ProgramReport]:
    """The program reports `user` may see (drafts and submitted versions), with their county."""
    if not can_read(user):
        return ProgramReport.objects.none()
    reports = ProgramReport.objects.select_related("county", "submitted_by", "created_by")
    if user.is_state_staff:
        return reports
    return reports.filter(county__in=staff_counties(user).values("pk"))


def program_report_get(user: User | AnonymousUser | None, pk: int | str) -> ProgramReport:
    """One program report `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return program_reports_for(user).get(pk=pk)
    except (ProgramReport.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such program report.") from exc


def report_readable(user: User | AnonymousUser | None, county: County) -> bool:
    """Whether `user` may read `county`'s reports and their figures."""
    if not can_read(user):
        return False
    return bool(user.is_state_staff or staff_role(user, county) is not None)


def report_versions(report: ProgramReport) -> QuerySet[ProgramReport]:
    """Every version of `report`'s county and period, the latest first (the caller has read
    `report` through `program_reports_for`: its versions are the same county's)."""
    return ProgramReport.objects.filter(
        county_id=report.county_id,
        period_start=report.period_start,
        period_end=report.period_end,
    ).order_by("-version")


def _bounds(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as instants: from local midnight of `start` to local midnight after `end`."""
    tz = timezone.get_default_timezone()
    start_at = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_at = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return start_at, end_at


def _row(key: str, kind: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "value": value, **extra}


def _count(key: str, value: int | None) -> dict[str, Any]:
    return _row(key, rules.COUNT, int(value or 0))


def _not_recorded(key: str, kind: str = rules.COUNT) -> dict[str, Any]:
    return _row(key, kind, rules.NOT_RECORDED)


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_APPLICATION_VERBS = {
    "application_submit": "received",
    "application_approve": "approved",
    "application_deny": "denied",
    "application_withdraw": "withdrawn",
    "application_expire": "expired",
}


def _applications(p: dict[str, Any]) -> list[dict[str, Any]]:
    found = dict(
        _fetch(
            "SELECT verb, count(*) FROM counties_auditevent WHERE county_id = %(county)s "
            "AND object_type = %(application)s AND verb = ANY(%(verbs)s) "
            "AND created_at >= %(start_at)s AND created_at < %(end_at)s GROUP BY verb",
            {**p, "verbs": list(_APPLICATION_VERBS)},
        )
    )
    return [_count(key, found.get(verb)) for verb, key in _APPLICATION_VERBS.items()]


_STEP_DAYS_SQL = f"""
WITH steps AS (
    SELECT CASE WHEN e.verb = 'application_start_review' THEN 'submitted_to_review'
                ELSE 'submitted_to_decision' END AS step,
           (e.created_at AT TIME ZONE '{TZ}')::date - (a.submitted_at AT TIME ZONE '{TZ}')::date
               AS days
    FROM counties_auditevent e JOIN certification_application a ON a.id = e.object_id
    WHERE e.county_id = %(county)s AND e.object_type = %(application)s
      AND e.verb IN ('application_start_review', 'application_approve', 'application_deny')
      AND e.created_at >= %(start_at)s AND e.created_at < %(end_at)s
      AND a.submitted_at IS NOT NULL
    UNION ALL
    SELECT s.step, s.days
    FROM counties_auditevent e JOIN certification_application a ON a.id = e.object_id
    CROSS JOIN LATERAL (VALUES
        ('approved_to_certified', (e.created_at AT TIME ZONE '{TZ}')::date - a.approved_on),
        ('submitted_to_certified',
         (e.created_at AT TIME ZONE '{TZ}')::date - (a.submitted_at AT TIME ZONE '{TZ}')::date)
    ) AS s (step, days)
    WHERE e.county_id = %(county)s AND e.object_type = %(application)s
      AND e.verb = 'certification_issue'
      AND e.created_at >= %(start_at)s AND e.created_at < %(end_at)s
      AND s.days IS NOT NULL
)
SELECT step, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY days),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY days)
FROM steps GROUP BY step
"""

STEPS = (
    "submitted_to_review",
    "submitted_to_decision",
    "approved_to_certified",
    "submitted_to_certified",
)


def _step_days(p: dict[str, Any]) -> list[dict[str, Any]]:
    found = {step: (n, median, p90) for step, n, median, p90 in _fetch(_STEP_DAYS_SQL, p)}
    rows = []
    for step in STEPS:
        n, median, p90 = found.get(step, (0, None, None))
        rows.append(_row(f"{step}_median", rules.DAYS, median, n=n))
        rows.append(_row(f"{step}_p90", rules.DAYS, p90, n=n))
    return rows


_EXAMS_SQL = """
WITH x AS (
    SELECT x.result, x.taken_on,
           CASE WHEN x.result <> 'no_show' THEN row_number() OVER (
               PARTITION BY x.application_id, x.result <> 'no_show' ORDER BY x.taken_on, x.id)
           END AS sat_number
    FROM exams_examattempt x JOIN certification_application a ON a.id = x.application_id
    WHERE a.county_id = %(county)s AND x.taken_on <= %(end)s
)
SELECT count(*), count(*) FILTER (WHERE result = 'no_show'),
       count(*) FILTER (WHERE result <> 'no_show'), count(*) FILTER (WHERE result = 'passed'),
       count(*) FILTER (WHERE sat_number = 1),
       count(*) FILTER (WHERE sat_number = 1 AND result = 'passed')
FROM x WHERE taken_on >= %(start)s
"""


def _exams(p: dict[str, Any]) -> list[dict[str, Any]]:
    attempts, no_shows, sat, passed, first, first_passed = _fetch(_EXAMS_SQL, p)[0]
    return [
        _count("attempts", attempts),
        _count("no_shows", no_shows),
        _count("sat", sat),
        _count("passed", passed),
        _row("pass_rate", rules.RATE, rules.rate(passed, sat), n=sat),
        _count("first_attempts", first),
        _row("first_attempt_pass_rate", rules.RATE, rules.rate(first_passed, first), n=first),
    ]


# The last status of each of the county's certifications before the end of the period, from
# the audit trail (every status change is an audit event dated on its day).
_STATUS_AT_END_SQL = """
SELECT DISTINCT ON (object_id) object_id, subject_id, to_state FROM counties_auditevent
WHERE county_id = %(county)s AND object_type = %(certification)s AND to_state <> ''
  AND created_at < %(end_at)s
ORDER BY object_id, created_at DESC, id DESC
"""

_CERTIFICATION_VERBS = {
    "certification_expire": "expired",
    "certification_suspend": "suspended",
    "certification_revoke": "revoked",
    "certification_vacate": "vacated",
}


def _certifications(p: dict[str, Any]) -> list[dict[str, Any]]:
    (issued,) = _fetch(
        "SELECT count(*) FROM certification_certification WHERE issuing_county_id = %(county)s "
        "AND issued_on BETWEEN %(start)s AND %(end)s",
        p,
    )[0]
    renewals = dict(
        _fetch(
            "SELECT r.kind, count(*) FROM certification_renewal r "
            "JOIN certification_certification c ON c.id = r.certification_id "
            "WHERE c.issuing_county_id = %(county)s "
            "AND r.created_at >= %(start_at)s AND r.created_at < %(end_at)s GROUP BY r.kind",
            p,
        )
    )
    changes = dict(
        _fetch(
            "SELECT verb, count(DISTINCT object_id) FROM counties_auditevent "
            "WHERE county_id = %(county)s AND object_type = %(certification)s "
            "AND verb = ANY(%(verbs)s) AND created_at >= %(start_at)s AND created_at < %(end_at)s "
            "GROUP BY verb",
            {**p, "verbs": list(_CERTIFICATION_VERBS)},
        )
    )
    (active,) = _fetch(
        f"SELECT count(*) FROM ({_STATUS_AT_END_SQL}) s WHERE to_state = 'active'", p
    )[0]
    return [
        _count("issued", issued),
        _count("renewed_on_time", renewals.get("renewal")),
        _count("renewed_late", renewals.get("late_renewal")),
        _count("reinstated", renewals.get("reinstatement")),
        *(_count(key, changes.get(verb)) for verb, key in _CERTIFICATION_VERBS.items()),
        _count("active_at_end", active),
        _per_100k(p, active),
    ]


def _per_100k(p: dict[str, Any], active: int) -> dict[str, Any]:
    """Active certifications per 100,000 Medi-Cal members: the county's certified eligibles
    in its latest month up to the period's end, in the latest load (analytics), with the
    source and month shown beside the ratio; not yet recorded without such a month."""
    load = medi_cal_load_latest()
    found = (
        MediCalEnrollment.objects.filter(load=load, county_id=p["county"], month__lte=p["end"])
        .order_by("-month")
        .values_list("month", "certified_eligibles")
        .first()
        if load is not None
        else None
    )
    if load is None or found is None:
        return _not_recorded("active_per_100k", rules.PER_100K)
    month, members = found
    return _row(
        "active_per_100k",
        rules.PER_100K,
        per_100k(active, members),
        n=active,
        source=load.source,
        demo=load.demo,
        month=month.isoformat(),
    )


def _specializations(p: dict[str, Any]) -> list[dict[str, Any]]:
    rows = _fetch(
        "SELECT s.code, count(*) FROM certification_certificationspecialization s "
        "JOIN certification_certification c ON c.id = s.certification_id "
        "WHERE c.issuing_county_id = %(county)s AND s.added_on BETWEEN %(start)s AND %(end)s "
        "GROUP BY s.code ORDER BY s.code",
        p,
    )
    return [_count(code, n) for code, n in rows]


_CE_AUDITS_SQL = """
SELECT count(*) FILTER (WHERE drawn_at >= %(start_at)s AND drawn_at < %(end_at)s),
       count(*) FILTER (WHERE outcome = 'passed' AND decided_at >= %(start_at)s
                        AND decided_at < %(end_at)s),
       count(*) FILTER (WHERE outcome = 'failed' AND decided_at >= %(start_at)s
                        AND decided_at < %(end_at)s),
       count(*) FILTER (WHERE drawn_at < %(end_at)s
                        AND (decided_at IS NULL OR decided_at >= %(end_at)s)),
       count(*) FILTER (WHERE consequence = 'makeup' AND consequence_at >= %(start_at)s
                        AND consequence_at < %(end_at)s),
       count(*) FILTER (WHERE consequence = 'suspension' AND consequence_at >= %(start_at)s
                        AND consequence_at < %(end_at)s),
       count(*) FILTER (WHERE makeup_met_at >= %(start_at)s AND makeup_met_at < %(end_at)s),
       count(*) FILTER (WHERE makeup_overdue_at >= %(start_at)s
                        AND makeup_overdue_at < %(end_at)s)
FROM certification_ceaudit WHERE county_id = %(county)s
"""


def _ce_audits(p: dict[str, Any]) -> list[dict[str, Any]]:
    values = _fetch(_CE_AUDITS_SQL, p)[0]
    keys = (
        "drawn",
        "passed",
        "failed",
        "pending_at_end",
        "makeup_required",
        "suspended",
        "makeup_met",
        "makeup_overdue",
    )
    return [_count(key, value) for key, value in zip(keys, values, strict=True)]


# The county's cases, each as it stood at the end of the period: its first decision and its
# latest decision's outcome (decisions taken before the end and not rescinded by then), and
# when it was resolved (that first decision, or the closing without one).
_CASES_AT_END_SQL = """
WITH c AS (
    SELECT c.category, c.received_on, c.acknowledged_at, c.acknowledgement_due,
           c.resolution_due, c.closed_at,
           CASE WHEN c.closed_at < %(end_at)s THEN c.closed_at END AS closed_by_end,
           d.first_decided_at, d.last_outcome
    FROM cases_case c
    LEFT JOIN LATERAL (
        SELECT min(x.decided_at) AS first_decided_at,
               (array_agg(x.outcome ORDER BY x.decided_at DESC, x.id DESC))[1] AS last_outcome
        FROM cases_casedecision x
        WHERE x.case_id = c.id AND x.decided_at < %(end_at)s
          AND (x.rescinded_at IS NULL OR x.rescinded_at >= %(end_at)s)
    ) d ON true
    WHERE c.county_id = %(county)s AND c.received_on <= %(end)s
)
SELECT *, coalesce(first_decided_at, closed_by_end) AS resolved_at,
       received_on >= %(start)s AS received_in_period
FROM c
"""

_CASES_SQL = f"""
SELECT count(*) FILTER (WHERE received_in_period),
       count(*) FILTER (WHERE received_in_period
                        AND (acknowledged_at AT TIME ZONE '{TZ}')::date <= acknowledgement_due),
       count(*) FILTER (WHERE closed_at >= %(start_at)s AND closed_at < %(end_at)s),
       count(*) FILTER (WHERE closed_at >= %(start_at)s AND closed_at < %(end_at)s
                        AND (closed_at AT TIME ZONE '{TZ}')::date <= resolution_due),
       count(*) FILTER (WHERE resolved_at >= %(start_at)s),
       count(*) FILTER (WHERE resolved_at >= %(start_at)s
                        AND (resolved_at AT TIME ZONE '{TZ}')::date <= resolution_due),
       count(*) FILTER (WHERE closed_by_end IS NULL)
FROM ({_CASES_AT_END_SQL}) cases
"""

# The cases received in the period by category, and by outcome at the period's end.
_CASES_BREAKDOWN_SQL = f"""
SELECT category,
       coalesce(last_outcome, CASE WHEN closed_by_end IS NOT NULL
                                   THEN 'closed_without_decision' ELSE 'undecided' END),
       count(*)
FROM ({_CASES_AT_END_SQL}) cases WHERE received_in_period GROUP BY 1, 2
"""

CASE_OUTCOMES = (
    *DecisionOutcome.values,
    "closed_without_decision",
    "undecided",
)


def _complaints(p: dict[str, Any]) -> list[dict[str, Any]]:
    values = _fetch(_CASES_SQL, p)[0]
    keys = (
        "received",
        "acknowledged_on_time",
        "closed",
        "closed_on_time",
        "resolved",
        "resolved_on_time",
        "open_at_end",
    )
    filed, upheld, overturned, modified, open_at_end, n, median = _fetch(_APPEALS_SQL, p)[0]
    return [
        *(_count(key, value) for key, value in zip(keys, values, strict=True)),
        _count("appeals_filed", filed),
        _count("appeals_upheld", upheld),
        _count("appeals_overturned", overturned),
        _count("appeals_modified", modified),
        _count("appeals_open_at_end", open_at_end),
        _row("appeals_days_median", rules.DAYS, median, n=n),
    ]


def _complaint_breakdowns(p: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The cases received in the period by category and by outcome at its end, each with its
    total (the complaints' `received`) and every category and outcome, zero or not."""
    by_category: dict[str, int] = dict.fromkeys(CaseCategory.values, 0)
    by_outcome: dict[str, int] = dict.fromkeys(CASE_OUTCOMES, 0)
    total = 0
    for category, outcome, n in _fetch(_CASES_BREAKDOWN_SQL, p):
        total += n
        by_category[category] = by_category.get(category, 0) + n
        by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    return (
        [_count("total", total), *(_count(key, n) for key, n in by_category.items())],
        [_count("total", total), *(_count(key, n) for key, n in by_outcome.items())],
    )


# Appeals of the county's decisions: filed, decided by outcome in the period, open at its end,
# and the median days from filing to decision of those decided in the period.
_APPEALS_SQL = f"""
SELECT count(*) FILTER (WHERE filed_at >= %(start_at)s AND filed_at < %(end_at)s),
       count(*) FILTER (WHERE status = 'upheld' AND decided_at >= %(start_at)s
                        AND decided_at < %(end_at)s),
       count(*) FILTER (WHERE status = 'overturned' AND decided_at >= %(start_at)s
                        AND decided_at < %(end_at)s),
       count(*) FILTER (WHERE status = 'modified' AND decided_at >= %(start_at)s
                        AND decided_at < %(end_at)s),
       count(*) FILTER (WHERE filed_at < %(end_at)s
                        AND (decided_at IS NULL OR decided_at >= %(end_at)s)),
       count(*) FILTER (WHERE decided_at >= %(start_at)s AND decided_at < %(end_at)s),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY
           (decided_at AT TIME ZONE '{TZ}')::date - (filed_at AT TIME ZONE '{TZ}')::date)
           FILTER (WHERE decided_at >= %(start_at)s AND decided_at < %(end_at)s)
FROM cases_appeal WHERE county_id = %(county)s
"""


_TRAINING_SQL = """
SELECT count(DISTINCT t.provider_id),
       count(*) FILTER (WHERE t.course = 'core_80'),
       count(*) FILTER (WHERE t.course <> 'core_80'),
       count(DISTINCT t.person_id)
FROM training_trainingrecord t
WHERE t.status = 'verified' AND t.completed_on BETWEEN %(start)s AND %(end)s
  AND EXISTS (
      SELECT 1 FROM certification_application a
      WHERE a.applicant_id = t.person_id AND a.county_id = %(county)s AND a.status <> 'draft'
      UNION ALL
      SELECT 1 FROM certification_certification c
      WHERE c.holder_id = t.person_id AND c.issuing_county_id = %(county)s
  )
"""

# Courses approved (providers app) at some time in the period, of providers serving the county
# (naming it, or serving the whole state) whose listing is approved: an approval covering a
# day of the period (from its first day, to its last, and before any withdrawal).
_APPROVED_COURSES_SQL = """
SELECT count(DISTINCT o.id), count(DISTINCT a.course_id),
       count(DISTINCT a.course_id) FILTER (WHERE pc.course_type = 'core_80'),
       count(DISTINCT a.course_id) FILTER (WHERE pc.course_type = 'specialization'),
       count(DISTINCT a.course_id) FILTER (WHERE pc.course_type = 'ce')
FROM providers_courseapproval a
JOIN providers_providerorganisation o ON o.id = a.provider_id
JOIN providers_providercourse pc ON pc.id = a.course_id
JOIN training_trainingprovider tp ON tp.id = a.training_provider_id
WHERE tp.approved AND a.starts_on <= %(end)s AND a.ends_on >= %(start)s
  AND (a.withdrawn_on IS NULL OR a.withdrawn_on > greatest(a.starts_on, %(start)s))
  AND (o.statewide OR EXISTS (
      SELECT 1 FROM providers_providerorganisation_counties oc
      WHERE oc.providerorganisation_id = o.id AND oc.county_id = %(county)s))
"""


def _training(p: dict[str, Any]) -> list[dict[str, Any]]:
    providers, core, specialization, learners = _fetch(_TRAINING_SQL, p)[0]
    serving, courses, core_courses, specialization_courses, ce_courses = _fetch(
        _APPROVED_COURSES_SQL, p
    )[0]
    return [
        _row("providers_approved", rules.CATALOGUE, serving),
        _row("courses_approved", rules.CATALOGUE, courses),
        _row("core_courses_approved", rules.CATALOGUE, core_courses),
        _row("specialization_courses_approved", rules.CATALOGUE, specialization_courses),
        _row("ce_courses_approved", rules.CATALOGUE, ce_courses),
        # Completions are the verified training records of the county's people (the
        # providers' own completion reports are not read here yet).
        _count("providers", providers),
        _count("learners", learners),
        _count("core_completed", core),
        _count("specialization_completed", specialization),
    ]


def _fees(county: County, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Charged (fees that fell due), collected (payments dated in the period), waived
    (renewal fee waivers applied) and covered by scholarships, from the fees app's totals;
    each amount is suppressed behind its count of rows (fees, payments, waived fees, uses)."""
    totals = fee_report_totals(county, start, end)
    return [
        _count("charged_count", totals["charged"]["count"]),
        _row(
            "charged_cents", rules.CENTS, totals["charged"]["cents"], n=totals["charged"]["count"]
        ),
        _row(
            "collected_cents",
            rules.CENTS,
            totals["collected"]["cents"],
            n=totals["collected"]["count"],
        ),
        _row("waived_cents", rules.CENTS, totals["waived"]["cents"], n=totals["waived"]["count"]),
        _row(
            "covered_cents", rules.CENTS, totals["covered"]["cents"], n=totals["covered"]["count"]
        ),
    ]


def _opt_in(p: dict[str, Any]) -> list[dict[str, Any]]:
    rows = _fetch(
        "SELECT delivery_system, opted_in, effective_from FROM counties_optinperiod "
        "WHERE county_id = %(county)s AND effective_from BETWEEN %(start)s AND %(end)s "
        "ORDER BY effective_from, delivery_system, id",
        p,
    )
    return [
        _row(system, rules.OPT_IN, "in" if opted_in else "out", on=on.isoformat())
        for system, opted_in, on in rows
    ]


_PEOPLE_SQL = f"""
WITH status_at_end AS ({_STATUS_AT_END_SQL}),
people AS (
    SELECT subject_id AS person_id FROM status_at_end WHERE to_state = 'active'
    UNION
    SELECT subject_id FROM counties_auditevent
    WHERE county_id = %(county)s AND object_type = %(application)s
      AND verb = 'application_submit' AND created_at >= %(start_at)s AND created_at < %(end_at)s
)
SELECT coalesce(p.preferred_language, ''), coalesce(r.code, ''), coalesce(r.name, ''), count(*)
FROM people
LEFT JOIN certification_applicantprofile p ON p.user_id = people.person_id
LEFT JOIN counties_county r ON r.id = p.county_of_residence_id
WHERE people.person_id IS NOT NULL
GROUP BY 1, 2, 3
"""


def _people(p: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_language: dict[str, int] = {}
    by_residence: dict[tuple[str, str], int] = {}
    total = 0
    for language, code, name, n in _fetch(_PEOPLE_SQL, p):
        total += n
        by_language[language] = by_language.get(language, 0) + n
        by_residence[(code, name)] = by_residence.get((code, name), 0) + n
    languages = [_count("total", total)] + [
        _count(code, by_language[code]) for code in sorted(by_language, key=lambda c: (c == "", c))
    ]
    residences = [_count("total", total)] + [
        _row(code or "unknown", rules.COUNT, n, label=name)
        for (code, name), n in sorted(
            by_residence.items(), key=lambda item: (not item[0][0], item[0][1])
        )
    ]
    return languages, residences


def report_figures_raw(
    user: User | AnonymousUser | None, county: County, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    """The figures of `county`'s program for `start`..`end` (inclusive), before suppression,
    or Http404 when `user` may not read the county's reports."""
    if not report_readable(user, county):
        raise Http404("No such county.")
    start_at, end_at = _bounds(start, end)
    p = {
        "county": county.pk,
        "start": start,
        "end": end,
        "start_at": start_at,
        "end_at": end_at,
        "application": APPLICATION,
        "certification": CERTIFICATION,
    }
    languages, residences = _people(p)
    by_category, by_outcome = _complaint_breakdowns(p)
    sections = {
        "applications": _applications(p),
        "step_days": _step_days(p),
        "exams": _exams(p),
        "certifications": _certifications(p),
        "specializations": _specializations(p),
        "ce_audits": _ce_audits(p),
        "complaints": _complaints(p),
        "complaints_category": by_category,
        "complaints_outcome": by_outcome,
        "training": _training(p),
        "fees": _fees(county, start, end),
        "opt_in": _opt_in(p),
        "people_language": languages,
        "people_residence": residences,
    }
    return {
        "format": rules.FIGURES_FORMAT,
        "county": {"code": county.code, "name": county.name},
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "computed_at": timezone.now().isoformat(),
        "sections": [{"key": key, "rows": rows} for key, rows in sections.items()],
    }


def report_figures(
    user: User | AnonymousUser | None, county: County, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    """The figures as a report shows them: small counts suppressed (ReportPolicy)."""
    threshold = ReportPolicy.current().small_count_threshold
    return rules.figures_suppressed(report_figures_raw(user, county, start, end), threshold)


def report_due_on(report: ProgramReport) -> datetime.date:
    return rules.report_due_on(report.period_end, ReportPolicy.current().due_days)


def period_due_on(end: datetime.date) -> datetime.date:
    """The day a report on a period ending `end` is due (ReportPolicy.due_days)."""
    return rules.report_due_on(end, ReportPolicy.current().due_days)


def submitted_reports_for(user: User | AnonymousUser | None) -> QuerySet[ProgramReport]:
    """The submitted versions `user` may see."""
    return program_reports_for(user).filter(status=ReportStatus.SUBMITTED)


def _participating(start: datetime.date, end: datetime.date) -> QuerySet[County]:
    """Counties opted in for some delivery system at some time in `start`..`end`: the
    counties that run a program in the period, and owe its report."""
    return County.objects.filter(
        Q(opt_in_periods__opted_in=True)
        & Q(opt_in_periods__effective_from__lte=end)
        & (
            Q(opt_in_periods__effective_to__isnull=True)
            | Q(opt_in_periods__effective_to__gte=start)
        )
    ).distinct()


def report_statuses(
    user: User | AnonymousUser | None,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> list[dict[str, Any]]:
    """For each county `user` may see that ran a program in the period: its report's due
    date, the latest submitted version, when the first was submitted, and whether it is late
    (`rules.report_is_late`). State staff see every such county, county staff their own."""
    if not can_read(user):
        return []
    counties = _participating(start, end).order_by("name")
    if not user.is_state_staff:
        counties = counties.filter(pk__in=staff_counties(user).values("pk"))
    due_on = rules.report_due_on(end, ReportPolicy.current().due_days)
    submitted: dict[int, list[ProgramReport]] = {}
    for report in (
        submitted_reports_for(user)
        .filter(period_start=start, period_end=end, county__in=counties)
        .order_by("version")
    ):
        submitted.setdefault(report.county_id, []).append(report)
    rows = []
    for county in counties:
        versions = submitted.get(county.pk, [])
        first_on = (
            timezone.localtime(versions[0].submitted_at).date()
            if versions and versions[0].submitted_at
            else None
        )
        rows.append(
            {
                "county": county,
                "due_on": due_on,
                "latest": versions[-1] if versions else None,
                "versions": versions,
                "first_submitted_on": first_on,
                "late": rules.report_is_late(due_on, first_on, today),
            }
        )
    return rows

"""Pure rules of the county program's annual report (docs/domain.md#program-reports): the
reporting period, the due date, lateness and the suppression of small counts. No database.

Sources: W&I §14045.14(a)(3) (a county that runs a program submits annual program reports to
DHCS; it names no date and no content), the state fiscal year (July 1 to June 30, Gov. Code
§13290), and public health data practice for small counts (CDPH Data De-identification
Guidelines: counts below 11 are not shown). The due date and the threshold are our choices,
kept in `reports.ReportPolicy`.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The figures' layout in `ProgramReport.figures`; a later layout gets a new number, and the
# frozen copies keep theirs. 2: fees collected, waived and covered; approved providers and
# courses; complaints by category and outcome; breakdowns' hidden counts marked `protected`.
FIGURES_FORMAT = 2

# What a value is when it is not a number.
SUPPRESSED = "suppressed"
NOT_RECORDED = "not_recorded"

# Kinds of rows: a count (suppressed from 1 to below the threshold), a median, percentile or
# rate (suppressed when computed from fewer cases, `n`), an amount in cents (suppressed with
# the count of fees behind it), an opt-in change (never suppressed: it is about the county).
COUNT = "count"
DAYS = "days"
RATE = "rate"
CENTS = "cents"
PER_100K = "per_100k"
OPT_IN = "opt_in"
# A count of public facts (approved providers and courses: the public course finder lists
# them), never suppressed: it counts no person.
CATALOGUE = "catalogue"


def fiscal_year(ending_in: int) -> tuple[datetime.date, datetime.date]:
    """The state fiscal year that ends on June 30 of `ending_in` (Gov. Code §13290)."""
    return datetime.date(ending_in - 1, 7, 1), datetime.date(ending_in, 6, 30)


def last_complete_fiscal_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The default period of a new report: the latest fiscal year over by `today`."""
    return fiscal_year(today.year if today >= datetime.date(today.year, 6, 30) else today.year - 1)


def period_problems(start: datetime.date, end: datetime.date, today: datetime.date) -> list[str]:
    """Why a report cannot cover `start`..`end` (inclusive); empty when it can."""
    problems = []
    if end < start:
        problems.append(_("The period must end on or after the day it starts."))
    if (end - start).days > 731:
        problems.append(_("A report covers at most two years."))
    if start > today:
        problems.append(_("The period cannot start in the future."))
    return problems


def submit_problems(end: datetime.date, today: datetime.date) -> list[str]:
    """Why a draft for a period ending on `end` cannot be submitted `today`."""
    if end >= today:
        return [
            _("A report can be submitted once its period is over (after %(end)s).")
            % {"end": end.isoformat()}
        ]
    return []


def report_due_on(period_end: datetime.date, due_days: int) -> datetime.date:
    """The day a report on a period ending `period_end` is due (ReportPolicy.due_days)."""
    return period_end + datetime.timedelta(days=due_days)


def report_is_late(
    due_on: datetime.date, first_submitted_on: datetime.date | None, today: datetime.date
) -> bool:
    """Late: the first version was submitted after the due date, or is still missing after it.
    A correction submitted later does not make an on-time report late."""
    if first_submitted_on is not None:
        return first_submitted_on > due_on
    return today > due_on


def suppress_count(value: int, threshold: int) -> int | str:
    """A count as it may be shown: 0 and counts of at least `threshold` as they are; 1 up to
    below `threshold` suppressed."""
    return value if value == 0 or value >= threshold else SUPPRESSED


def suppress_row(row: dict[str, Any], threshold: int) -> dict[str, Any]:
    """`row` (key, kind, value, and `n` for figures computed from cases) as it may be shown."""
    value = row["value"]
    if value == NOT_RECORDED or row["kind"] in (OPT_IN, CATALOGUE):
        return dict(row)
    shown = dict(row)
    if row["kind"] == COUNT:
        shown["value"] = suppress_count(value, threshold)
    elif row["kind"] in (DAYS, RATE, CENTS, PER_100K):
        n = row["n"]
        if 0 < n < threshold:
            shown["value"] = SUPPRESSED
        shown["n"] = suppress_count(n, threshold)
    return shown


# Complementary (secondary) suppression of the breakdowns: a total and the parts that sum to
# it, where a suppressed part could otherwise be worked out as the total minus the parts
# shown (docs/domain.md#program-reports). `totals` are the rows holding the same total (every
# copy is shown or hidden together); `parts` the rows of `section` other than its total, or
# the keys given; `hide_total_first` hides the total rather than another part (the exams:
# the number of exams sat is also the `n` of the pass rate).
BREAKDOWNS: tuple[dict[str, Any], ...] = (
    {
        "section": "people_language",
        "totals": (("people_language", "total"), ("people_residence", "total")),
    },
    {
        "section": "people_residence",
        "totals": (("people_residence", "total"), ("people_language", "total")),
    },
    {
        "section": "complaints_category",
        "totals": (
            ("complaints_category", "total"),
            ("complaints_outcome", "total"),
            ("complaints", "received"),
        ),
    },
    {
        "section": "complaints_outcome",
        "totals": (
            ("complaints_outcome", "total"),
            ("complaints_category", "total"),
            ("complaints", "received"),
        ),
    },
    {
        "section": "exams",
        "totals": (("exams", "attempts"),),
        "parts": ("no_shows", "sat"),
        "hide_total_first": True,
    },
)


def _hidden_is_safe(values: list[int], threshold: int) -> bool:
    """Whether the hidden parts `values` of a breakdown whose total is shown keep each of
    them unknown: at least two, summing to at least `threshold` and to more than their number
    (each hidden part is at least 1, so a sum equal to their number would give each away)."""
    total = sum(values)
    return len(values) >= 2 and total >= threshold and total > len(values)


Key = tuple[str, str]


def _rows_by_key(figures: dict[str, Any]) -> dict[Key, dict[str, Any]]:
    return {
        (section["key"], row["key"]): row
        for section in figures["sections"]
        for row in section["rows"]
    }


def _breakdowns(rows: dict[Key, dict[str, Any]]) -> list[tuple[list[Key], list[Key], bool]]:
    """The breakdowns present in the figures: (copies of the total, parts, hide_total_first),
    each part a count."""
    groups = []
    for breakdown in BREAKDOWNS:
        totals = [key for key in breakdown["totals"] if key in rows]
        if not totals:
            continue
        section = breakdown["section"]
        if "parts" in breakdown:
            parts = [(section, key) for key in breakdown["parts"] if (section, key) in rows]
        else:
            parts = [key for key in rows if key[0] == section and key not in totals]
        if all(
            rows[key]["kind"] == COUNT and isinstance(rows[key]["value"], int)
            for key in [*totals, *parts]
        ):
            groups.append((totals, parts, bool(breakdown.get("hide_total_first"))))
    return groups


def breakdown_members(figures: dict[str, Any]) -> set[Key]:
    """Every (section, key) of a total or a part of a breakdown in `figures`."""
    return {
        key
        for totals, parts, _first in _breakdowns(_rows_by_key(figures))
        for key in [*totals, *parts]
    }


def complementary_hidden(figures: dict[str, Any], threshold: int) -> set[Key]:
    """The (section, key) of every count a report hides: the small ones (1 to below
    `threshold`) and, in each breakdown (`BREAKDOWNS`), as many more as it takes that no
    hidden part can be worked out from the total and the parts shown (`_hidden_is_safe`):
    the smallest non-zero parts shown, one at a time, or the total (every copy of it) when
    no part is left or the breakdown hides its total first. Repeated until nothing changes
    (hiding a total shared by two breakdowns may need more). `figures` are the raw figures."""
    rows = _rows_by_key(figures)

    def small(row: dict[str, Any]) -> bool:
        value = row["value"]
        return row["kind"] == COUNT and isinstance(value, int) and 0 < value < threshold

    hidden = {key for key, row in rows.items() if small(row)}
    groups = _breakdowns(rows)
    changed = True
    while changed:
        changed = False
        for totals, parts, hide_total_first in groups:
            if any(key in hidden for key in totals):
                if not all(key in hidden for key in totals):
                    hidden.update(totals)
                    changed = True
                continue
            values = [rows[key]["value"] for key in parts if key in hidden]
            while values and not _hidden_is_safe(values, threshold):
                shown = sorted(
                    (rows[key]["value"], index)
                    for index, key in enumerate(parts)
                    if key not in hidden and rows[key]["value"] > 0
                )
                if hide_total_first or not shown:
                    hidden.update(totals)
                    changed = True
                    break
                key = parts[shown[0][1]]
                hidden.add(key)
                values.append(rows[key]["value"])
                changed = True
    return hidden


def figures_suppressed(figures: dict[str, Any], threshold: int) -> dict[str, Any]:
    """The figures with every row suppressed as `suppress_row` says, each breakdown's
    complementary suppression on top (`complementary_hidden`), and the threshold said. Every
    hidden count of a breakdown is marked `protected` (it reads "not shown", not "fewer than
    the threshold": a part hidden to protect another may be larger)."""
    hidden = complementary_hidden(figures, threshold)
    members = breakdown_members(figures)

    def shown(section: str, row: dict[str, Any]) -> dict[str, Any]:
        result = suppress_row(row, threshold)
        key = (section, row["key"])
        if key in hidden:
            result["value"] = SUPPRESSED
        if key in members and result["value"] == SUPPRESSED:
            result["protected"] = True
        return result

    return {
        **figures,
        "small_count_threshold": threshold,
        "sections": [
            {**section, "rows": [shown(section["key"], row) for row in section["rows"]]}
            for section in figures["sections"]
        ],
    }


def rate(numerator: int, denominator: int) -> float | None:
    """A share in percent with one decimal, or None without cases."""
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)


SECTION_TITLES = {
    "applications": gettext_lazy("Applications"),
    "step_days": gettext_lazy("Days for each step"),
    "exams": gettext_lazy("Exam"),
    "certifications": gettext_lazy("Certifications"),
    "specializations": gettext_lazy("Specializations added"),
    "ce_audits": gettext_lazy("CE audits"),
    "complaints": gettext_lazy("Complaints and appeals"),
    "complaints_category": gettext_lazy("Complaints and cases received, by category"),
    "complaints_outcome": gettext_lazy(
        "Complaints and cases received, by outcome at the end of the period"
    ),
    "training": gettext_lazy("Training providers and courses"),
    "fees": gettext_lazy("Fees"),
    "opt_in": gettext_lazy("Opt-in changes"),
    "people_language": gettext_lazy("People served by preferred language"),
    "people_residence": gettext_lazy("People served by county of residence"),
}

ROW_LABELS = {
    "applications": {
        "received": gettext_lazy("Received (submitted)"),
        "approved": gettext_lazy("Approved"),
        "denied": gettext_lazy("Denied"),
        "withdrawn": gettext_lazy("Withdrawn"),
        "expired": gettext_lazy("Expired (exam window over)"),
    },
    "step_days": {
        "submitted_to_review_median": gettext_lazy("Submission to review: median days"),
        "submitted_to_review_p90": gettext_lazy("Submission to review: 90th percentile days"),
        "submitted_to_decision_median": gettext_lazy("Submission to decision: median days"),
        "submitted_to_decision_p90": gettext_lazy("Submission to decision: 90th percentile days"),
        "approved_to_certified_median": gettext_lazy("Approval to certification: median days"),
        "approved_to_certified_p90": gettext_lazy(
            "Approval to certification: 90th percentile days"
        ),
        "submitted_to_certified_median": gettext_lazy("Submission to certification: median days"),
        "submitted_to_certified_p90": gettext_lazy(
            "Submission to certification: 90th percentile days"
        ),
    },
    "exams": {
        "attempts": gettext_lazy("Attempts"),
        "no_shows": gettext_lazy("No-shows"),
        "sat": gettext_lazy("Exams sat"),
        "passed": gettext_lazy("Passed"),
        "pass_rate": gettext_lazy("Pass rate, all exams sat (%)"),
        "first_attempts": gettext_lazy("First exams sat"),
        "first_attempt_pass_rate": gettext_lazy("Pass rate at the first exam sat (%)"),
    },
    "certifications": {
        "issued": gettext_lazy("Issued"),
        "renewed_on_time": gettext_lazy("Renewed on time"),
        "renewed_late": gettext_lazy("Renewed late"),
        "reinstated": gettext_lazy("Reinstated"),
        "expired": gettext_lazy("Expired"),
        "suspended": gettext_lazy("Suspended"),
        "revoked": gettext_lazy("Revoked"),
        "vacated": gettext_lazy("Vacated"),
        "active_at_end": gettext_lazy("Active at the end of the period"),
        "active_per_100k": gettext_lazy("Active per 100,000 Medi-Cal members"),
    },
    "ce_audits": {
        "drawn": gettext_lazy("Drawn"),
        "passed": gettext_lazy("Passed"),
        "failed": gettext_lazy("Failed"),
        "pending_at_end": gettext_lazy("Pending at the end of the period"),
        "makeup_required": gettext_lazy("Missing hours required"),
        "suspended": gettext_lazy("Suspended after a failed audit"),
        "makeup_met": gettext_lazy("Missing hours made up"),
        "makeup_overdue": gettext_lazy("Missing hours overdue"),
    },
    "complaints": {
        "received": gettext_lazy("Complaints and cases received"),
        "acknowledged_on_time": gettext_lazy("Acknowledged by the deadline"),
        "closed": gettext_lazy("Closed"),
        "closed_on_time": gettext_lazy("Closed by the deadline"),
        "resolved": gettext_lazy("Resolved (decided, or closed without a decision)"),
        "resolved_on_time": gettext_lazy("Resolved by the deadline"),
        "open_at_end": gettext_lazy("Open at the end of the period"),
        "appeals_filed": gettext_lazy("Appeals filed"),
        "appeals_upheld": gettext_lazy("Appeals decided: decision upheld"),
        "appeals_overturned": gettext_lazy("Appeals decided: decision overturned"),
        "appeals_modified": gettext_lazy("Appeals decided: decision modified"),
        "appeals_open_at_end": gettext_lazy("Appeals waiting for a decision at the end"),
        "appeals_days_median": gettext_lazy("Appeals: median days from filing to decision"),
    },
    "training": {
        "providers_approved": gettext_lazy("Approved providers serving the county"),
        "courses_approved": gettext_lazy("Approved courses of those providers"),
        "core_courses_approved": gettext_lazy("Approved core courses"),
        "specialization_courses_approved": gettext_lazy("Approved specialization courses"),
        "ce_courses_approved": gettext_lazy("Approved CE courses"),
        "learners": gettext_lazy("People who completed a course (verified)"),
        "providers": gettext_lazy("Providers who trained the program's applicants"),
        "core_completed": gettext_lazy("Core courses completed (verified)"),
        "specialization_completed": gettext_lazy("Specialization courses completed (verified)"),
        "courses_offered": gettext_lazy("Courses offered by providers"),
    },
    "fees": {
        "charged_count": gettext_lazy("Fees charged"),
        "charged_cents": gettext_lazy("Amount charged"),
        "collected_cents": gettext_lazy("Amount collected"),
        "waived_cents": gettext_lazy("Amount waived"),
        "covered_cents": gettext_lazy("Amount covered by scholarships"),
    },
    "complaints_category": {"total": gettext_lazy("Received in the period")},
    "complaints_outcome": {
        "total": gettext_lazy("Received in the period"),
        "closed_without_decision": gettext_lazy("Closed without a decision"),
        "undecided": gettext_lazy("Not decided yet"),
    },
    "people_language": {"total": gettext_lazy("People served")},
    "people_residence": {"total": gettext_lazy("People served")},
}

_LANGUAGE_LABELS = {
    "en": gettext_lazy("English"),
    "es": gettext_lazy("Spanish"),
    "": gettext_lazy("Not recorded"),
}
_DELIVERY_SYSTEMS = {
    "smhs": gettext_lazy("Specialty Mental Health Services"),
    "dmc_ods": gettext_lazy("Drug Medi-Cal Organized Delivery System"),
    "dmc": gettext_lazy("Drug Medi-Cal State Plan"),
}


def row_label(section: str, row: dict[str, Any], area_label=None) -> str:
    """The label of `row` of `section` in the active language: fixed rows by their key,
    languages and delivery systems by their code, specializations through `area_label`
    (training.selectors.specialization_area_label), counties of residence by the name
    stored with the row."""
    fixed = ROW_LABELS.get(section, {}).get(row["key"])
    if fixed is not None:
        return str(fixed)
    if section == "people_language":
        return str(_LANGUAGE_LABELS.get(row["key"], row["key"]))
    if section == "opt_in":
        return str(_DELIVERY_SYSTEMS.get(row["key"], row["key"]))
    if section == "complaints_category":
        from cases.models import CaseCategory

        return str(dict(CaseCategory.choices).get(row["key"], row["key"]))
    if section == "complaints_outcome":
        from cases.models import DecisionOutcome

        return str(dict(DecisionOutcome.choices).get(row["key"], row["key"]))
    if section == "specializations" and area_label is not None:
        return area_label(row["key"])
    return str(row.get("label") or row["key"])


def value_text(row: dict[str, Any], threshold: int) -> str:
    """A row's value as a person reads it (PDF, page, CSV)."""
    value = row["value"]
    if value == SUPPRESSED:
        if row.get("protected"):
            return _("Not shown (protects a small count)")
        return _("Fewer than %(n)s") % {"n": threshold}
    if value == NOT_RECORDED:
        return _("Not yet recorded")
    if value is None:
        return _("No cases")
    kind = row["kind"]
    if kind == OPT_IN:
        change = _("opted in") if value == "in" else _("opted out")
        return _("%(change)s from %(date)s") % {"change": change, "date": row["on"]}
    if kind == CENTS:
        return f"${value / 100:,.2f}"
    if kind == RATE:
        return f"{value:.1f} %"
    if kind == PER_100K:
        demo = _(" (demo figures)") if row.get("demo") else ""
        return _("%(value)s (Medi-Cal members of %(month)s: %(source)s%(demo)s)") % {
            "value": f"{value:.1f}",
            "month": row["month"][:7],
            "source": row["source"],
            "demo": demo,
        }
    if kind == DAYS:
        return f"{value:g}"
    return f"{value:,}"

"""What the analytics pages and their CSV files show: for each chart, its title, a sentence
that says what it shows (read by screen readers with the chart), the SVG, and the data table
the CSV repeats, built from the stored series (`analytics.selectors.figure_snapshots_for`) and
the Medi-Cal enrollment in force. Two views: the state's (every county, state staff) and one
county's beside the state's (that county's staff and state staff).

The SVGs are kept in the cache by the figures' version (when they were computed, the
enrollment load, the language), so a page renders each chart once per refresh.
"""

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from accounts.models import Language, User
from analytics import charts, rules
from analytics.models import Chart, FigureSnapshot
from analytics.selectors import (
    FUNNEL_STEPS,
    NOT_RECORDED,
    EnrollmentFigures,
    figure_snapshots_for,
    medi_cal_enrollment_current,
)
from core.spreadsheet import spreadsheet_text
from counties.models import County

SVG_CACHE_SECONDS = 6 * 3600


@dataclass
class Panel:
    key: str
    title: str
    summary: str
    headers: list[str]
    rows: list[list[Any]]
    spec: dict[str, Any] | None = None
    note: str = ""
    links: list[str | None] = field(default_factory=list)
    svg: str = ""

    @property
    def table(self) -> list[dict[str, Any]]:
        """The rows for a template: the first cell (a row header), the county code its link
        names (state page, counties' table), the other cells."""
        links = self.links or [None] * len(self.rows)
        return [
            {"head": row[0], "code": code, "cells": row[1:]}
            for row, code in zip(self.rows, links, strict=True)
        ]


@dataclass
class AnalyticsPage:
    panels: list[Panel]
    computed_at: datetime.datetime | None
    computed_for: datetime.date | None
    enrollment: EnrollmentFigures
    county: County | None = None

    def panel(self, key: str) -> Panel:
        return next(panel for panel in self.panels if panel.key == key)


def _n(value: Any) -> str:
    return "" if value is None else number_format(value, force_grouping=True)


def _pct(value: float | None) -> str:
    return _("not yet recorded") if value is None else f"{number_format(value, 1)}%"


def _month(value: str) -> str:
    return date_format(datetime.date.fromisoformat(f"{value}-01"), "F Y")


def enrollment_note(enrollment: EnrollmentFigures) -> str:
    """The source and date of the Medi-Cal figures, shown beside every ratio."""
    load = enrollment.load
    if load is None:
        return _("No Medi-Cal enrollment has been loaded yet: the ratios are not yet recorded.")
    note = _(
        "Medi-Cal members: certified eligibles, %(month)s, from %(source)s (file %(file)s, "
        "loaded %(loaded)s)."
    ) % {
        "month": date_format(enrollment.month, "F Y") if enrollment.month else "",
        "source": load.source,
        "file": load.file_name,
        "loaded": date_format(load.loaded_at, "DATE_FORMAT"),
    }
    if load.demo:
        note = _("Demo figures, not DHCS data.") + " " + note
    return note


STEP_LABELS = {
    "submitted": lambda: _("Submitted"),
    "approved": lambda: _("Approved"),
    "exam_passed": lambda: _("Exam passed"),
    "certified": lambda: _("Certified"),
}
OUTCOME_LABELS = {
    "pending": lambda: _("Pending"),
    "passed": lambda: _("Passed"),
    "failed": lambda: _("Failed"),
}


def _key_label(chart: str, key: str) -> str:
    if key == NOT_RECORDED:
        return _("Not recorded")
    if chart == Chart.EXAM_BY_LANGUAGE:
        return str(dict(Language.choices).get(key, key))
    return key


def _snapshot_rows(snapshots: dict[int | None, FigureSnapshot], key: int | None) -> list[dict]:
    snapshot = snapshots.get(key)
    return list(snapshot.rows) if snapshot is not None else []


# --- The state's page -----------------------------------------------------------------------


def _state_active(user: User, enrollment: EnrollmentFigures) -> Panel:
    snapshots = figure_snapshots_for(user, Chart.ACTIVE)
    counties = list(County.objects.order_by("name"))
    state_active = (_snapshot_rows(snapshots, None) or [{"active": 0}])[0]["active"]
    state_ratio = rules.per_100k(state_active, enrollment.total)
    rows, links, values = [], [], {}
    for county in counties:
        active = (_snapshot_rows(snapshots, county.pk) or [{"active": 0}])[0]["active"]
        members = enrollment.members(county.pk)
        ratio = rules.per_100k(active, members)
        values[county.fips] = ratio
        month = enrollment.month_of(county.pk)
        rows.append(
            [
                county.name,
                active,
                members if members is not None else "",
                f"{month:%Y-%m}" if month else "",
                ratio if ratio is not None else "",
            ]
        )
        links.append(county.code)
    rows.append(
        [
            _("California"),
            state_active,
            enrollment.total or "",
            f"{enrollment.month:%Y-%m}" if enrollment.month else "",
            state_ratio if state_ratio is not None else "",
        ]
    )
    links.append(None)
    leaders = sorted(
        ((r[4], r[0]) for r in rows[:-1] if r[4] != ""), key=lambda pair: -float(pair[0])
    )
    summary = _(
        "%(active)s active certifications statewide, %(ratio)s per 100,000 Medi-Cal members."
    ) % {
        "active": _n(state_active),
        "ratio": _n(state_ratio) if state_ratio is not None else _("not yet recorded"),
    }
    if leaders:
        summary += " " + _("Highest: %(county)s, %(ratio)s per 100,000.") % {
            "county": leaders[0][1],
            "ratio": _n(leaders[0][0]),
        }
    return Panel(
        key=Chart.ACTIVE,
        title=_("Certified peers per 100,000 Medi-Cal members, by county"),
        summary=summary,
        headers=[
            _("County"),
            _("Active certifications"),
            _("Medi-Cal members"),
            _("Month of the members' count"),
            _("Per 100,000 members"),
        ],
        rows=rows,
        links=links,
        spec=charts.county_map(values, legend=_("Certified peers per 100,000 members")),
        note=enrollment_note(enrollment),
    )


def _over_time_panel(series: dict[str, list[dict]], county_name: str | None) -> Panel:
    state = series.get("state", [])
    county = series.get("county", [])
    headers = [_("Date"), _("California")]
    if county_name:
        headers.insert(1, county_name)
    rows = []
    for index, point in enumerate(state):
        row = [point["date"], point["active"]]
        if county_name:
            row.insert(1, county[index]["active"] if index < len(county) else 0)
        rows.append(row)
    shown = county if county_name else state
    last = shown[-1]["active"] if shown else 0
    first = shown[0]["active"] if shown else 0
    summary = _("%(last)s certifications in force today, %(first)s two years ago.") % {
        "last": _n(last),
        "first": _n(first),
    }
    return Panel(
        key=Chart.ACTIVE_OVER_TIME,
        title=_("Certifications active over time"),
        summary=summary,
        headers=headers,
        rows=rows,
        spec=charts.lines(
            [{"date": p["date"], "active": p["active"]} for p in shown],
            x="date",
            y="active",
            x_title=_("Month end"),
            y_title=_("Certifications in force"),
        ),
        note=_(
            "In force: issued and not yet expired, suspended or revoked on that day, as the "
            "certification's record says today."
        ),
    )


def _funnel_panel(sets: list[tuple[str, list[dict]]]) -> Panel:
    headers = [_("Step")]
    for name, _rows in sets:
        headers += [
            _("%(who)s: applications") % {"who": name},
            _("%(who)s: median days for the step") % {"who": name},
        ]
    by_step = [{row["step"]: row for row in rows} for _name, rows in sets]
    table, chart_rows = [], []
    for step in (*FUNNEL_STEPS, "total"):
        label = _("Submission to certification") if step == "total" else STEP_LABELS[step]()
        row: list[Any] = [label]
        for (name, _rows), found in zip(sets, by_step, strict=True):
            figures = found.get(step, {"count": 0, "median_days": None})
            row += [
                figures["count"],
                figures["median_days"] if figures["median_days"] is not None else "",
            ]
            if step != "total":
                chart_rows.append({"step": label, "count": figures["count"], "who": name})
        table.append(row)
    first = by_step[0].get("total", {}).get("median_days")
    summary = _(
        "%(submitted)s applications submitted, %(certified)s certified; median %(days)s days "
        "from submission to certification."
    ) % {
        "submitted": _n(by_step[0].get("submitted", {}).get("count", 0)),
        "certified": _n(by_step[0].get("certified", {}).get("count", 0)),
        "days": _n(first) if first is not None else _("not yet recorded"),
    }
    return Panel(
        key=Chart.FUNNEL,
        title=_("From application to certification"),
        summary=summary,
        headers=headers,
        rows=table,
        spec=charts.bars(
            chart_rows,
            category="step",
            value="count",
            category_title=_("Step"),
            value_title=_("Applications"),
            series="who" if len(sets) > 1 else None,
        ),
        note=_(
            "Every application submitted since the program began. Median days: submission to "
            "approval, approval to the first passed exam, that exam (or the approval) to the "
            "certification."
        ),
    )


def _pass_rate_panel(chart: str, title: str, sets: list[tuple[str, list[dict]]]) -> Panel:
    keys: list[str] = []
    for _name, rows in sets:
        for row in rows:
            if row["key"] not in keys:
                keys.append(row["key"])
    headers = [_("Training provider") if chart == Chart.EXAM_BY_PROVIDER else _("Language")]
    for name, _rows in sets:
        headers += [
            _("%(who)s: sittings") % {"who": name},
            _("%(who)s: passed") % {"who": name},
            _("%(who)s: pass rate (%%)") % {"who": name},
        ]
    indexed = [{row["key"]: row for row in rows} for _name, rows in sets]
    table, chart_rows = [], []
    for key in keys:
        label = _key_label(chart, key)
        row: list[Any] = [label]
        for (name, _rows), found in zip(sets, indexed, strict=True):
            figures = found.get(key)
            if figures is None:
                row += [0, 0, ""]
                continue
            row += [
                figures["attempts"],
                figures["passed"],
                figures["rate"] if figures["rate"] is not None else "",
            ]
            if figures["rate"] is not None:
                chart_rows.append({"key": label, "rate": figures["rate"], "who": name})
        table.append(row)
    attempts = sum(r["attempts"] for r in sets[0][1])
    passed = sum(r["passed"] for r in sets[0][1])
    summary = _("%(passed)s of %(attempts)s exam sittings passed (%(rate)s).") % {
        "passed": _n(passed),
        "attempts": _n(attempts),
        "rate": _pct(rules.rate(passed, attempts)),
    }
    return Panel(
        key=chart,
        title=title,
        summary=summary,
        headers=headers,
        rows=table,
        spec=charts.bars(
            chart_rows,
            category="key",
            value="rate",
            category_title=headers[0],
            value_title=_("Pass rate (%)"),
            series="who" if len(sets) > 1 else None,
            percent=True,
        ),
        note=_("Sittings passed or failed; a no-show is not a sitting."),
    )


def _expirations_panel(sets: list[tuple[str, list[dict]]]) -> Panel:
    headers = [_("Month")] + [_("%(who)s: expiring") % {"who": name} for name, _rows in sets]
    months = [row["month"] for row in sets[0][1]]
    indexed = [{row["month"]: row["expiring"] for row in rows} for _name, rows in sets]
    table = [[month, *(found.get(month, 0) for found in indexed)] for month in months]
    total = sum(indexed[0].values())
    summary = _("%(total)s active certifications expire in the next 12 months.") % {
        "total": _n(total)
    }
    return Panel(
        key=Chart.EXPIRATIONS,
        title=_("Expirations ahead by month"),
        summary=summary,
        headers=headers,
        rows=table,
        spec=charts.columns(
            [{"month": _month(m), "expiring": indexed[0].get(m, 0)} for m in months],
            x="month",
            y="expiring",
            x_title=_("Month"),
            y_title=_("Certifications expiring"),
        ),
    )


def _renewals_panel(sets: list[tuple[str, list[dict]]]) -> Panel:
    headers = [_("Month the cycle ended")]
    for name, _rows in sets:
        headers += [
            _("%(who)s: cycles ended") % {"who": name},
            _("%(who)s: renewed on time") % {"who": name},
            _("%(who)s: renewed late or reinstated") % {"who": name},
            _("%(who)s: renewal rate (%%)") % {"who": name},
        ]
    months = [row["month"] for row in sets[0][1]]
    indexed = [{row["month"]: row for row in rows} for _name, rows in sets]
    table, chart_rows = [], []
    for month in months:
        row: list[Any] = [month]
        for (name, _rows), found in zip(sets, indexed, strict=True):
            figures = found.get(month, {"due": 0, "on_time": 0, "late": 0, "rate": None})
            row += [
                figures["due"],
                figures["on_time"],
                figures["late"],
                figures["rate"] if figures["rate"] is not None else "",
            ]
            if figures["rate"] is not None:
                chart_rows.append({"month": f"{month}-01", "rate": figures["rate"], "who": name})
        table.append(row)
    first = sets[0][1]
    due = sum(r["due"] for r in first)
    renewed = sum(r["on_time"] + r["late"] for r in first)
    summary = _(
        "%(renewed)s of %(due)s certification cycles that ended in the last 12 months were "
        "renewed (%(rate)s)."
    ) % {"renewed": _n(renewed), "due": _n(due), "rate": _pct(rules.rate(renewed, due))}
    return Panel(
        key=Chart.RENEWALS,
        title=_("Renewal rate"),
        summary=summary,
        headers=headers,
        rows=table,
        spec=charts.lines(
            chart_rows,
            x="month",
            y="rate",
            x_title=_("Month the cycle ended"),
            y_title=_("Renewed (%)"),
            series="who" if len(sets) > 1 else None,
            percent=True,
        ),
    )


def _ce_audits_panel(sets: list[tuple[str, list[dict]]]) -> Panel:
    headers = [_("Outcome")]
    for name, _rows in sets:
        headers += [
            _("%(who)s: audits") % {"who": name},
            _("%(who)s: share (%%)") % {"who": name},
        ]
    indexed = [{row["outcome"]: row for row in rows} for _name, rows in sets]
    totals = [sum(row["count"] for row in rows) for _name, rows in sets]
    table, chart_rows = [], []
    for outcome in ("pending", "passed", "failed"):
        label = OUTCOME_LABELS[outcome]()
        row: list[Any] = [label]
        for (name, _rows), found, total in zip(sets, indexed, totals, strict=True):
            count = found.get(outcome, {"count": 0})["count"]
            share = rules.rate(count, total)
            row += [count, share if share is not None else ""]
            chart_rows.append({"outcome": label, "share": share or 0, "who": name})
        table.append(row)
    failed = indexed[0].get("failed", {"makeup": 0, "suspension": 0})
    summary = _(
        "%(total)s CE audits: %(passed)s passed, %(failed)s failed (%(makeup)s with hours to make "
        "up, %(suspension)s suspended), %(pending)s pending."
    ) % {
        "total": _n(totals[0]),
        "passed": _n(indexed[0].get("passed", {"count": 0})["count"]),
        "failed": _n(indexed[0].get("failed", {"count": 0})["count"]),
        "makeup": _n(failed["makeup"]),
        "suspension": _n(failed["suspension"]),
        "pending": _n(indexed[0].get("pending", {"count": 0})["count"]),
    }
    return Panel(
        key=Chart.CE_AUDITS,
        title=_("CE audit results"),
        summary=summary,
        headers=headers,
        rows=table,
        spec=charts.bars(
            chart_rows,
            category="outcome",
            value="share",
            category_title=_("Outcome"),
            value_title=_("Share of audits (%)"),
            series="who" if len(sets) > 1 else None,
            percent=True,
        ),
    )


def _sets(user: User, chart: str, county: County | None) -> list[tuple[str, list[dict]]]:
    snapshots = figure_snapshots_for(user, chart)
    state = (_("California"), _snapshot_rows(snapshots, None))
    if county is None:
        return [state]
    return [(county.name, _snapshot_rows(snapshots, county.pk)), state]


def _county_active(user: User, county: County, enrollment: EnrollmentFigures) -> Panel:
    snapshots = figure_snapshots_for(user, Chart.ACTIVE)
    active = (_snapshot_rows(snapshots, county.pk) or [{"active": 0}])[0]["active"]
    state_active = (_snapshot_rows(snapshots, None) or [{"active": 0}])[0]["active"]
    members = enrollment.members(county.pk)
    ratio = rules.per_100k(active, members)
    state_ratio = rules.per_100k(state_active, enrollment.total)
    month = enrollment.month_of(county.pk)
    rows = [
        [
            county.name,
            active,
            members or "",
            f"{month:%Y-%m}" if month else "",
            ratio if ratio is not None else "",
        ],
        [
            _("California"),
            state_active,
            enrollment.total or "",
            f"{enrollment.month:%Y-%m}" if enrollment.month else "",
            state_ratio if state_ratio is not None else "",
        ],
    ]
    summary = _(
        "%(county)s: %(active)s active certifications, %(ratio)s per 100,000 Medi-Cal members; "
        "California: %(state_ratio)s."
    ) % {
        "county": county.name,
        "active": _n(active),
        "ratio": _n(ratio) if ratio is not None else _("not yet recorded"),
        "state_ratio": _n(state_ratio) if state_ratio is not None else _("not yet recorded"),
    }
    chart_rows = [
        {"who": row[0], "ratio": row[4], "what": _("Per 100,000 members")}
        for row in rows
        if row[4] != ""
    ]
    return Panel(
        key=Chart.ACTIVE,
        title=_("Certified peers per 100,000 Medi-Cal members"),
        summary=summary,
        headers=[
            _("Area"),
            _("Active certifications"),
            _("Medi-Cal members"),
            _("Month of the members' count"),
            _("Per 100,000 members"),
        ],
        rows=rows,
        spec=charts.bars(
            chart_rows,
            category="who",
            value="ratio",
            category_title="",
            value_title=_("Certified peers per 100,000 members"),
        ),
        note=enrollment_note(enrollment),
    )


def analytics_page(user: User, county: County | None = None) -> AnalyticsPage:
    """The panels of the state's page (`county` None) or of one county's beside the state.
    The caller has checked that `user` may open it; the selectors return only what `user`
    may read in any case."""
    enrollment = medi_cal_enrollment_current()
    over_time = figure_snapshots_for(user, Chart.ACTIVE_OVER_TIME)
    over_time_series = {"state": _snapshot_rows(over_time, None)}
    if county is not None:
        over_time_series["county"] = _snapshot_rows(over_time, county.pk)
    panels = [
        _state_active(user, enrollment)
        if county is None
        else _county_active(user, county, enrollment),
        _over_time_panel(over_time_series, county.name if county else None),
        _funnel_panel(_sets(user, Chart.FUNNEL, county)),
        _pass_rate_panel(
            Chart.EXAM_BY_PROVIDER,
            _("Exam pass rate by training provider"),
            _sets(user, Chart.EXAM_BY_PROVIDER, county),
        ),
        _pass_rate_panel(
            Chart.EXAM_BY_LANGUAGE,
            _("Exam pass rate by language"),
            _sets(user, Chart.EXAM_BY_LANGUAGE, county),
        ),
        _expirations_panel(_sets(user, Chart.EXPIRATIONS, county)),
        _renewals_panel(_sets(user, Chart.RENEWALS, county)),
        _ce_audits_panel(_sets(user, Chart.CE_AUDITS, county)),
    ]
    state_snapshot = (
        FigureSnapshot.objects.filter(county__isnull=True).order_by("-computed_at").first()
    )
    return AnalyticsPage(
        panels=panels,
        computed_at=state_snapshot.computed_at if state_snapshot else None,
        computed_for=state_snapshot.computed_for if state_snapshot else None,
        enrollment=enrollment,
        county=county,
    )


def render_svgs(page: AnalyticsPage) -> None:
    """Fill each panel's SVG, from the cache when the same figures were drawn before."""
    for panel in page.panels:
        if panel.spec is None:
            continue
        version = hashlib.sha256(
            repr((panel.spec, panel.title, panel.summary, translation.get_language())).encode()
        ).hexdigest()
        key = f"analytics:svg:{version}"
        svg = cache.get(key)
        if svg is None:
            svg = charts.svg_from_spec(panel.spec, title=panel.title, description=panel.summary)
            cache.set(key, svg, SVG_CACHE_SECONDS)
        panel.svg = svg


def panel_csv(panel: Panel, page: AnalyticsPage) -> str:
    """The panel's data table as CSV (RFC 4180, CRLF), its note and the figures' date below a
    blank line, text cells written as text for spreadsheets (`core.spreadsheet`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_text(str(h)) for h in panel.headers])
    for row in panel.rows:
        writer.writerow([spreadsheet_text(c) if isinstance(c, str) else c for c in row])
    writer.writerow([])
    if panel.note:
        writer.writerow([spreadsheet_text(panel.note)])
    if page.computed_at:
        writer.writerow([_("Figures computed %(when)s.") % {"when": page.computed_at.isoformat()}])
    return out.getvalue()


def chart_series(user: User, chart: str, county: County | None = None) -> dict[str, Any]:
    """One chart's stored series for the API: the state's and every county's `user` may read
    (with `county`, that county's only beside the state's), with when they were computed and,
    for the ratio, the Medi-Cal enrollment used (source, month) and each area's figures."""
    snapshots = figure_snapshots_for(user, chart)
    names = {c.pk: c for c in County.objects.filter(pk__in=[k for k in snapshots if k])}
    keys = [None, *sorted((k for k in snapshots if k), key=lambda k: names[k].name)]
    if county is not None:
        # The county asked for, with no rows when it has none to count.
        names[county.pk] = county
        keys = [None, county.pk]
    enrollment = medi_cal_enrollment_current() if chart == Chart.ACTIVE else None
    areas = []
    for key in keys:
        snapshot = snapshots.get(key)
        rows = list(snapshot.rows) if snapshot is not None else []
        if enrollment is not None:
            members = enrollment.total if key is None else enrollment.members(key)
            month = enrollment.month if key is None else enrollment.month_of(key)
            active = rows[0]["active"] if rows else 0
            rows = [
                {
                    "active": active,
                    "medi_cal_members": members or None,
                    "members_month": f"{month:%Y-%m}" if month else None,
                    "per_100k": rules.per_100k(active, members),
                }
            ]
        areas.append(
            {
                "county": None
                if key is None
                else {"code": names[key].code, "name": names[key].name},
                "rows": rows,
            }
        )
    stored = [s for s in snapshots.values()]
    load = enrollment.load if enrollment is not None else None
    return {
        "chart": chart,
        "title": str(Chart(chart).label),
        "computed_at": max((s.computed_at for s in stored), default=None),
        "computed_for": max((s.computed_for for s in stored), default=None),
        "enrollment": None
        if load is None
        else {
            "source": load.source,
            "demo": load.demo,
            "file_name": load.file_name,
            "loaded_at": load.loaded_at,
            "month": f"{enrollment.month:%Y-%m}" if enrollment and enrollment.month else None,
        },
        "areas": areas,
    }

"""What a report looks like: its figures as sections of labelled rows (for the workspace page,
the PDF, CSV and XLSX), the PDF (WeasyPrint, tagged PDF/UA-1 like the certificates) and the
spreadsheet files. Everything here reads the figures it is given: a submitted version's are
its frozen copy, never computed again."""

import base64
import csv
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import HTML

from certification.certificates import PDF_VARIANT
from core.spreadsheet import spreadsheet_text
from reports import rules
from reports.models import ProgramReport
from training.selectors import specialization_area_label


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    text: str
    value: Any


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: list[Line]


def report_sections(figures: dict[str, Any]) -> list[Section]:
    """The figures as titled sections of labelled lines, in the active language."""
    threshold = figures.get("small_count_threshold", 11)
    return [
        Section(
            key=section["key"],
            title=str(rules.SECTION_TITLES.get(section["key"], section["key"])),
            lines=[
                Line(
                    key=row["key"],
                    label=rules.row_label(section["key"], row, specialization_area_label),
                    text=rules.value_text(row, threshold),
                    value=row["value"],
                )
                for row in section["rows"]
            ],
        )
        for section in figures["sections"]
    ]


# The report's charts (drawn from the figures it is given, so a submitted version's are
# drawn from its frozen copy): with the analytics' library (analytics/charts.py: Vega-Lite
# through Altair, rendered to SVG on the server), each beside the table of its numbers.
# Suppressed and not-recorded values are left out of a chart (the table says which).
_CHARTS = (
    ("applications", None, gettext_lazy("Applications in the period")),
    (
        "certifications",
        ("active_at_end", "active_per_100k"),
        gettext_lazy("Certifications: changes in the period"),
    ),
    ("step_days", None, gettext_lazy("Days for each step")),
)


@dataclass(frozen=True)
class Chart:
    section: str
    title: str
    description: str
    svg: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def report_charts(figures: dict[str, Any]) -> list[Chart]:
    """Bar charts of the applications, the certifications' changes and the days per step."""
    from analytics.charts import bars, svg_from_spec

    sections = {section.key: section for section in report_sections(figures)}
    charts = []
    for key, leave_out, title in _CHARTS:
        section = sections.get(key)
        if section is None:
            continue
        rows = [
            {"figure": line.label, "value": line.value}
            for line in section.lines
            if isinstance(line.value, int | float) and line.key not in (leave_out or ())
        ]
        if not rows:
            continue
        value_title = _("Days") if key == "step_days" else _("Number")
        spec = bars(
            rows, category="figure", value="value", category_title="", value_title=value_title
        )
        description = "; ".join(f"{row['figure']}: {row['value']:g}" for row in rows)
        charts.append(
            Chart(
                section=key,
                title=str(title),
                description=description,
                svg=svg_from_spec(
                    spec, title=str(title), description=description, responsive=False
                ),
            )
        )
    return charts


def _context(report: ProgramReport, figures: dict[str, Any]) -> dict[str, Any]:
    sections = report_sections(figures)
    charts = {chart.section: chart for chart in report_charts(figures)}
    return {
        "report": report,
        "figures": figures,
        "sections": sections,
        "sections_with_charts": [(section, charts.get(section.key)) for section in sections],
        "threshold": figures.get("small_count_threshold", 11),
    }


def report_pdf(report: ProgramReport, figures: dict[str, Any]) -> bytes:
    """The report as a tagged PDF (PDF/UA-1), in the program's language."""
    from certification.certificates import _font_config

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("reports/report.html", _context(report, figures))
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            pdf_variant=PDF_VARIANT, font_config=_font_config()
        )


def _cells(report: ProgramReport, figures: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [_("Section"), _("Figure"), _("Value"), _("Value as shown")],
    ]
    for section in report_sections(figures):
        for line in section.lines:
            value = line.value if isinstance(line.value, int | float) else ""
            rows.append([section.title, spreadsheet_text(line.label), value, line.text])
    return rows


def _header(report: ProgramReport, figures: dict[str, Any]) -> list[list[Any]]:
    status = _("submitted") if report.is_submitted else _("draft, not submitted")
    return [
        [_("County program"), figures["county"]["name"]],
        [_("Period"), f"{figures['period']['start']} – {figures['period']['end']}"],
        [_("Version"), f"{report.version} ({status})"],
        [
            _("Small counts"),
            _("Counts below %(n)s are not shown") % {"n": figures.get("small_count_threshold", 11)},
        ],
    ]


def _narrative(report: ProgramReport) -> list[tuple[str, str]]:
    parts = [
        (_("Changes to the program plan"), report.plan_changes),
        (_("Challenges"), report.challenges),
    ]
    if report.version > 1:
        parts.append((_("What this correction changes"), report.what_changed))
    return parts


def report_csv(report: ProgramReport, figures: dict[str, Any]) -> bytes:
    """The figures as CSV (RFC 4180, CRLF, UTF-8 with a byte order mark for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _header(report, figures):
        writer.writerow(row)
    writer.writerow([])
    for row in _cells(report, figures):
        writer.writerow(row)
    writer.writerow([])
    for label, text in _narrative(report):
        writer.writerow([label, spreadsheet_text(text)])
    return ("\ufeff" + buffer.getvalue()).encode()


def report_xlsx(report: ProgramReport, figures: dict[str, Any]) -> bytes:
    """The figures as an Excel workbook: one sheet of figures (numbers as numbers), one of
    the narrative."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Figures")[:31]
    for row in _header(report, figures):
        sheet.append(row)
    sheet.append([])
    first = sheet.max_row + 1
    for row in _cells(report, figures):
        sheet.append(row)
    for cell in sheet[first]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 52
    sheet.column_dimensions["C"].width = 14
    sheet.column_dimensions["D"].width = 40
    narrative = workbook.create_sheet(_("Narrative")[:31])
    for label, text in _narrative(report):
        narrative.append([label, spreadsheet_text(text)])
    narrative.column_dimensions["A"].width = 32
    narrative.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

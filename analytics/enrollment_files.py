"""Reading Medi-Cal enrollment by county and month from DHCS's published file (pure: no
database; docs/domain.md, "Statewide analytics").

DHCS's Research and Analytic Studies Division publishes Medi-Cal *certified eligibles* (people
enrolled in Medi-Cal without an unmet share of cost) by county and month on the state's open
data portal ("Medi-Cal Certified Eligibles Tables by County from 2010 to Most Recent Reportable
Month") and in its statistics pages. The county table's columns: County (the county's name),
Month of Eligibility (as "2024-01", "01/2024", "2024-01-01", "1/1/2024" or "January 2024"),
Total Eligibles (the certified eligibles; thousands may carry commas), with Annotation Code /
Annotation Description (a count suppressed for privacy is left empty and annotated) and Status
(Preliminary or Final). DHCS has renamed these columns between releases ("Eligibility Month",
"Certified Eligibles", "County Name"), so headers are matched after lower-casing and folding
punctuation, against every name below. A county may be named by its FIPS code too.

Each row either becomes a `ParsedRow` or a `RowProblem` saying why it was left out (the
statewide total, an unknown county, a suppressed count, a month given twice): nothing is
guessed, and the operator sees every problem before anything is loaded.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.errors import DomainError

MAX_FILE_BYTES = 20 * 1024 * 1024

COUNTY_COLUMNS = ("county", "county_name", "county_of_residence")
MONTH_COLUMNS = (
    "month_of_eligibility",
    "eligibility_month",
    "eligible_month",
    "enrollment_month",
    "month",
    "year_month",
    "eligibility_date",
)
COUNT_COLUMNS = (
    "total_eligibles",
    "certified_eligibles",
    "total_certified_eligibles",
    "certified_eligible_count",
    "eligibles",
    "count",
)
# Rows for all of California or for no county: part of DHCS's tables, not of ours.
NOT_A_COUNTY = {"statewide", "california", "total", "state_total", "grand_total", "all_counties"}

_MONTH_FORMATS = ("%Y-%m", "%m/%Y", "%Y-%m-%d", "%m/%d/%Y", "%B %Y", "%b %Y", "%Y%m", "%Y/%m")


@dataclass(frozen=True)
class ParsedRow:
    line: int
    county_id: int
    county_name: str
    month: datetime.date
    certified_eligibles: int


@dataclass(frozen=True)
class RowProblem:
    line: int
    text: str
    problem: str


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (name or "").strip().lower()).strip("_")


def county_key(name: str) -> str:
    """A county's name as compared: "Los Angeles County" and "LOS ANGELES" alike."""
    slug = _slug(name)
    return slug.removesuffix("_county")


def parse_month(value: str) -> datetime.date | None:
    """The first day of the month written in `value`, or None when it is not a month."""
    value = " ".join((value or "").split())
    if not value:
        return None
    for fmt in _MONTH_FORMATS:
        try:
            day = datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return day.replace(day=1)
    # Timestamps as some exports write them: "2024-01-01T00:00:00" or "2024-01-01 00:00:00".
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})[T ][0-9:.]+Z?", value)
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), 1)
        except ValueError:
            return None
    return None


def parse_count(value: str) -> int | None:
    value = (value or "").strip().replace(",", "")
    if not re.fullmatch(r"\d{1,9}(\.0+)?", value):
        return None
    return int(float(value))


def _column(header: list[str], names: Iterable[str]) -> str | None:
    for name in names:
        if name in header:
            return name
    return None


def parse_enrollment(data: bytes, counties: dict[str, tuple[int, str]]) -> ParsedFile:
    """Read `data` (CSV bytes in DHCS's layout). `counties` maps a county key
    (`county_key(name)`) and each FIPS code to (county id, name)."""
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(_("The file is too large."), field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        raise DomainError(_("The file is not a CSV text file."), field="file")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [_slug(name) for name in next(reader, [])]
    county_col = _column(header, COUNTY_COLUMNS)
    month_col = _column(header, MONTH_COLUMNS)
    count_col = _column(header, COUNT_COLUMNS)
    missing = [
        label
        for label, col in (
            (_("county"), county_col),
            (_("month of eligibility"), month_col),
            (_("total eligibles"), count_col),
        )
        if col is None
    ]
    if missing:
        raise DomainError(
            _(
                "This is not DHCS's layout of Medi-Cal certified eligibles by county: no "
                "column for %(columns)s."
            )
            % {"columns": ", ".join(str(m) for m in missing)},
            field="file",
        )
    parsed = ParsedFile()
    seen: dict[tuple[int, datetime.date], int] = {}
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        line = reader.line_num
        parsed.rows_read += 1
        row = dict(zip(header, values, strict=False))
        text_of_row = ", ".join(v.strip() for v in values)[:200]

        def problem(reason: str, line: int = line, text_of_row: str = text_of_row) -> None:
            parsed.problems.append(RowProblem(line=line, text=text_of_row, problem=reason))

        raw_county = (row.get(county_col or "") or "").strip()
        key = county_key(raw_county)
        if key in NOT_A_COUNTY:
            problem(_("A statewide total, not a county: left out."))
            continue
        found = counties.get(key) or counties.get(raw_county.zfill(5) if raw_county else "")
        if found is None:
            problem(_("Unknown county “%(county)s”.") % {"county": raw_county[:60]})
            continue
        month = parse_month(row.get(month_col or "", ""))
        if month is None:
            problem(_("The month of eligibility cannot be read."))
            continue
        count = parse_count(row.get(count_col or "", ""))
        if count is None:
            problem(_("No count (suppressed or not a whole number)."))
            continue
        if (found[0], month) in seen:
            problem(
                _("%(county)s %(month)s is already on line %(line)s.")
                % {"county": found[1], "month": f"{month:%Y-%m}", "line": seen[(found[0], month)]}
            )
            continue
        seen[(found[0], month)] = line
        parsed.rows.append(
            ParsedRow(
                line=line,
                county_id=found[0],
                county_name=found[1],
                month=month,
                certified_eligibles=count,
            )
        )
    return parsed

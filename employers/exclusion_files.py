"""Reading the two exclusion lists from their published files (docs/domain.md#employers).

OIG LEIE ("UPDATED.csv", oig.hhs.gov/exclusions): a CSV with the header LASTNAME, FIRSTNAME,
MIDNAME, BUSNAME, GENERAL, SPECIALTY, UPIN, NPI, DOB, ADDRESS, CITY, STATE, ZIP, EXCLTYPE,
EXCLDATE, REINDATE, WAIVERDATE, WVRSTATE; dates as YYYYMMDD, 00000000 for none; an entity
has BUSNAME and no FIRSTNAME.

Medi-Cal Suspended and Ineligible Provider List (DHCS, published as a CSV on the Medi-Cal
site's "S&I List" page): columns Last Name, First Name, Middle Name, A.K.A.(also known as)/
D.B.A.(Doing Business As), Provider Type, Address(es), License Number, Provider Number,
Date of Suspension (MM/DD/YYYY), Active Period; "N/A" for an empty cell; an entity has
First Name "N/A" and its name under Last Name. It gives no date of birth. (Layout as
published and read by OpenSanctions' us_ca_med_exclusions crawler; headers are matched
after lower-casing and folding punctuation, so small changes of spelling still read.)

Both are parsed row by row into `ParsedEntry` (pure: no database); rows that cannot be read
are counted as skipped, never guessed.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import DomainError
from employers import rules
from employers.models import ExclusionSource

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class ParsedEntry:
    line: int
    last_name: str
    first_name: str
    middle_name: str = ""
    date_of_birth: datetime.date | None = None
    npi: str = ""
    provider_type: str = ""
    exclusion_type: str = ""
    excluded_on: datetime.date | None = None
    reinstated_on: datetime.date | None = None
    address: str = ""


@dataclass
class ParsedFile:
    entries: list[ParsedEntry]
    rows_read: int
    entities: int
    rows_skipped: int


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (name or "").strip().lower()).strip("_")


def _date(value: str, fmt: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value or set(value) <= {"0"} or value.upper() == "N/A":
        return None
    try:
        return datetime.datetime.strptime(value, fmt).date()
    except ValueError:
        return None


def _cell(value: str | None) -> str:
    value = " ".join((value or "").split())
    return "" if value.upper() == "N/A" else value[:300]


def _rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
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
    yield 0, {"__header__": ",".join(header)}
    for values in reader:
        if any(v.strip() for v in values):
            yield reader.line_num, dict(zip(header, values, strict=False))


LEIE_COLUMNS = {"lastname", "firstname", "midname", "busname", "dob", "excldate"}
SI_COLUMNS = {"last_name", "first_name", "middle_name", "date_of_suspension"}


def _required(header: str, needed: set[str], source: str) -> None:
    missing = needed - set(header.split(","))
    if missing:
        raise DomainError(
            _("This is not the %(source)s layout: missing columns %(columns)s.")
            % {"source": source, "columns": ", ".join(sorted(missing))},
            field="file",
        )


def parse_leie(data: bytes) -> ParsedFile:
    rows = _rows(data)
    _required(next(rows)[1]["__header__"], LEIE_COLUMNS, "OIG LEIE")
    entries, read, entities, skipped = [], 0, 0, 0
    for line, row in rows:
        read += 1
        last, first = _cell(row.get("lastname")), _cell(row.get("firstname"))
        if not first and _cell(row.get("busname")):
            entities += 1
            continue
        if not last or not first:
            skipped += 1
            continue
        entries.append(
            ParsedEntry(
                line=line,
                last_name=last[:100],
                first_name=first[:100],
                middle_name=_cell(row.get("midname"))[:100],
                date_of_birth=_date(row.get("dob", ""), "%Y%m%d"),
                npi=_cell(row.get("npi"))[:20].strip("0") and _cell(row.get("npi"))[:20],
                provider_type=" ".join(
                    p for p in (_cell(row.get("general")), _cell(row.get("specialty"))) if p
                )[:200],
                exclusion_type=_cell(row.get("excltype"))[:100],
                excluded_on=_date(row.get("excldate", ""), "%Y%m%d"),
                reinstated_on=_date(row.get("reindate", ""), "%Y%m%d"),
                address=", ".join(
                    p for p in (_cell(row.get(k)) for k in ("address", "city", "state", "zip")) if p
                )[:300],
            )
        )
    return ParsedFile(entries, read, entities, skipped)


def parse_medi_cal(data: bytes) -> ParsedFile:
    rows = _rows(data)
    _required(next(rows)[1]["__header__"], SI_COLUMNS, "Medi-Cal Suspended and Ineligible")
    entries, read, entities, skipped = [], 0, 0, 0
    for line, row in rows:
        read += 1
        last, first = _cell(row.get("last_name")), _cell(row.get("first_name"))
        if not first and last:
            entities += 1
            continue
        if not last or not first:
            skipped += 1
            continue
        entries.append(
            ParsedEntry(
                line=line,
                last_name=last[:100],
                first_name=first[:100],
                middle_name=_cell(row.get("middle_name"))[:100],
                provider_type=_cell(row.get("provider_type"))[:200],
                exclusion_type=_cell(row.get("active_period"))[:100],
                excluded_on=_date(row.get("date_of_suspension", ""), "%m/%d/%Y"),
                address=_cell(row.get("address_es"))[:300],
            )
        )
    return ParsedFile(entries, read, entities, skipped)


PARSERS: dict[str, Callable[[bytes], ParsedFile]] = {
    ExclusionSource.OIG_LEIE: parse_leie,
    ExclusionSource.MEDI_CAL_SI: parse_medi_cal,
}


def entry_keys(entry: ParsedEntry) -> tuple[str, str]:
    return rules.name_key(entry.last_name), rules.name_key(entry.first_name)

"""FHIR search parameters of the directory (FHIR R4 "Search"), parsed strictly: a parameter
the directory does not support, or a value it cannot read, is refused with a 400
OperationOutcome naming it, never silently ignored (a directory vendor would otherwise take
an unfiltered result for a filtered one).

Supported (each may repeat; repetitions are ANDed, comma-separated values ORed):
- every type: `_id`, `_count` (1-1000, default 100), `_cursor` (from a `next` link);
- Practitioner: `identifier`, `name` (`:exact`, `:contains`), `family`, `given`, `active`,
  `_lastUpdated`;
- PractitionerRole: `identifier`, `practitioner`, `organization`, `active`, `specialty`,
  `role` (175T00000X), `practitioner.name`, `_lastUpdated`;
- Organization: `identifier`, `name`.
`_lastUpdated` takes the prefixes eq (default), gt, ge, lt, le on a date (a day in
California) or an instant with its offset.
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from certification.models import CertificationSpecialization
from fhir_directory.resources import (
    NUCC_TAXONOMY,
    PEER_SPECIALIST,
    certification_system,
    county_system,
    fips_system,
    specialty_system,
)

DEFAULT_COUNT = 100
MAX_COUNT = 1000
_PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
_GENERAL = {"_id", "_count", "_cursor", "_format"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_FORMATS = {"json", "application/json", "application/fhir+json"}


class SearchError(ValueError):
    """A search the directory refuses: 400 with an OperationOutcome."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Search:
    filters: list[Q] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    after_id: int = 0


def _values(raw: str) -> list[str]:
    return [value for value in raw.split(",") if value != ""]


def _token(raw: str, name: str) -> list[tuple[str | None, str]]:
    """`[system]|code` tokens: (None, code) when no system was given."""
    tokens = []
    for value in _values(raw):
        if "|" in value:
            system, _bar, code = value.partition("|")
            tokens.append((system, code))
        else:
            tokens.append((None, value))
    if not tokens:
        raise SearchError(f"{name}: give a value.")
    return tokens


def _boolean(raw: str, name: str) -> bool:
    if raw not in ("true", "false"):
        raise SearchError(f"{name}: expected true or false.")
    return raw == "true"


def _moment_range(value: str, name: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The interval a date or instant stands for: a whole day in California, or the minute,
    second or microsecond the instant is written to."""
    if _DATE.fullmatch(value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise SearchError(f"{name}: {value} is not a date.") from None
        start = datetime.datetime.combine(day, datetime.time(), _PACIFIC)
        return start, start + datetime.timedelta(days=1)
    match = _INSTANT.fullmatch(value)
    if match is None:
        raise SearchError(
            f"{name}: expected a date (2026-01-31) or an instant with its offset "
            "(2026-01-31T08:00:00Z), after an optional prefix eq, gt, ge, lt or le."
        )
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SearchError(f"{name}: {value} is not a date and time.") from None
    if match.group(2):
        step = datetime.timedelta(microseconds=1)
    elif match.group(1):
        step = datetime.timedelta(seconds=1)
    else:
        step = datetime.timedelta(minutes=1)
    return moment, moment + step


def last_updated_q(raw: str, column: str = "updated_at") -> Q:
    prefix, value = ("eq", raw)
    if raw[:2] in ("eq", "gt", "ge", "lt", "le", "ne", "sa", "eb", "ap"):
        prefix, value = raw[:2], raw[2:]
    if prefix not in ("eq", "gt", "ge", "lt", "le"):
        raise SearchError(f"_lastUpdated: the prefix {prefix} is not supported.", "not-supported")
    start, end = _moment_range(value, "_lastUpdated")
    return {
        "eq": Q(**{f"{column}__gte": start, f"{column}__lt": end}),
        "gt": Q(**{f"{column}__gte": end}),
        "ge": Q(**{f"{column}__gte": start}),
        "lt": Q(**{f"{column}__lt": start}),
        "le": Q(**{f"{column}__lt": end}),
    }[prefix]


def _identifier_q(raw: str) -> Q:
    query = Q(pk__in=[])
    for system, code in _token(raw, "identifier"):
        if system in (None, "", certification_system()):
            query |= Q(number=code.strip().upper())
    return query


def _name_q(raw: str, modifier: str, columns: tuple[str, ...], *, person: bool = True) -> Q:
    lookup = {"": "istartswith", "exact": "exact", "contains": "icontains"}.get(modifier)
    if lookup is None:
        raise SearchError(f"name:{modifier} is not supported.", "not-supported")
    query = Q(pk__in=[])
    for value in _values(raw):
        for column in columns:
            query |= Q(**{f"{column}__{lookup}": value})
        if person and len(columns) > 1 and " " in value.strip():
            first, _space, last = value.strip().partition(" ")
            query |= Q(**{f"first_name__{lookup}": first, f"last_name__{lookup}": last})
    return query


def _reference_ids(raw: str, resource_type: str, name: str) -> list[str]:
    ids = []
    for value in _values(raw):
        if "/" in value:
            kind, _slash, value = value.rstrip("/").rpartition("/")
            if kind.rsplit("/", 1)[-1] != resource_type:
                raise SearchError(f"{name}: expected a {resource_type} reference.")
        ids.append(value)
    if not ids:
        raise SearchError(f"{name}: give a value.")
    return ids


def _specialty_q(raw: str) -> Q:
    """Holds one of the specializations (a subquery, so a certification holding two of them
    is still one row)."""
    codes = [
        code
        for system, code in _token(raw, "specialty")
        if system in (None, "", specialty_system())
    ]
    held = CertificationSpecialization.objects.filter(certification=OuterRef("pk"), code__in=codes)
    return Q(Exists(held))


def _role_q(raw: str) -> Q:
    matches = any(
        system in (None, "", NUCC_TAXONOMY) and code == PEER_SPECIALIST
        for system, code in _token(raw, "role")
    )
    return Q() if matches else Q(pk__in=[])


def _paging(name: str, raw: str, search: Search) -> bool:
    if name == "_count":
        if not re.fullmatch(r"[0-9]{1,7}", raw) or not 1 <= int(raw) <= MAX_COUNT:
            raise SearchError(f"_count: a whole number from 1 to {MAX_COUNT}.")
        search.count = int(raw)
        return True
    if name == "_cursor":
        if not re.fullmatch(r"[0-9]{1,18}", raw):
            raise SearchError("_cursor: not a cursor of this directory.")
        search.after_id = int(raw)
        return True
    if name == "_format":
        if raw not in _FORMATS:
            raise SearchError("_format: this directory answers JSON only.", "not-supported")
        return True
    return False


def certification_search(params, resource_type: str) -> Search:
    """The filters of a Practitioner or PractitionerRole search over certifications."""
    search = Search()
    for key, values in params.lists():
        name, _colon, modifier = key.partition(":")
        for raw in values:
            if "\x00" in raw:
                raise SearchError(f"{name}: null characters are not allowed.")
            if _paging(name, raw, search):
                continue
            if modifier and name not in ("name", "family", "given", "practitioner.name"):
                raise SearchError(f"{key}: modifiers are not supported here.", "not-supported")
            if name == "_id":
                search.filters.append(Q(number__in=[v.upper() for v in _values(raw)]))
            elif name == "identifier":
                search.filters.append(_identifier_q(raw))
            elif name == "_lastUpdated":
                search.filters.append(last_updated_q(raw))
            elif name == "active":
                active = Q(status="active")
                search.filters.append(active if _boolean(raw, name) else ~active)
            elif name in ("name", "practitioner.name") and (
                name == "name" if resource_type == "Practitioner" else name != "name"
            ):
                search.filters.append(_name_q(raw, modifier, ("first_name", "last_name")))
            elif name == "family" and resource_type == "Practitioner":
                search.filters.append(_name_q(raw, modifier, ("last_name",)))
            elif name == "given" and resource_type == "Practitioner":
                search.filters.append(_name_q(raw, modifier, ("first_name",)))
            elif resource_type == "PractitionerRole" and name == "practitioner":
                ids = _reference_ids(raw, "Practitioner", name)
                search.filters.append(Q(number__in=[i.upper() for i in ids]))
            elif resource_type == "PractitionerRole" and name == "organization":
                codes = _reference_ids(raw, "Organization", name)
                search.filters.append(Q(issuing_county__code__in=codes))
            elif resource_type == "PractitionerRole" and name == "specialty":
                search.filters.append(_specialty_q(raw))
            elif resource_type == "PractitionerRole" and name == "role":
                search.filters.append(_role_q(raw))
            else:
                raise SearchError(
                    f"{key}: not a search parameter of {resource_type} in this directory.",
                    "not-supported",
                )
    return search


def organization_search(params) -> Search:
    search = Search()
    for key, values in params.lists():
        name, _colon, modifier = key.partition(":")
        for raw in values:
            if "\x00" in raw:
                raise SearchError(f"{name}: null characters are not allowed.")
            if _paging(name, raw, search):
                continue
            if name == "_id" and not modifier:
                search.filters.append(Q(code__in=_values(raw)))
            elif name == "identifier" and not modifier:
                query = Q(pk__in=[])
                for system, code in _token(raw, name):
                    if system in (None, "", county_system()):
                        query |= Q(code=code)
                    if system in (None, "", fips_system()):
                        query |= Q(fips=code)
                search.filters.append(query)
            elif name == "name":
                search.filters.append(
                    _name_q(raw, modifier, ("name", "program_name"), person=False)
                )
            else:
                raise SearchError(
                    f"{key}: not a search parameter of Organization in this directory.",
                    "not-supported",
                )
    return search

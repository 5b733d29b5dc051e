"""The registry as FHIR R4 resources (docs/architecture.md#contracts): a certified peer as a
`Practitioner` and a `PractitionerRole` (NUCC 175T00000X, Peer Specialist), each county
program as an `Organization`. Only what the public registry shows: number, name, status,
issue and expiry dates, specializations, issuing county.

One mapping per resource type, from a row of plain values (`DIRECTORY_FIELDS`) to the
resource as a dict. Single reads, the CapabilityStatement, Organization searches and every
OperationOutcome are passed through the `fhir.resources` R4B models (`validated`) before they
are written. Searchsets of Practitioner and PractitionerRole, up to 1,000 resources a page,
are written from the same mapping without building a model per resource: the models cost
about 0.6 ms a resource to validate and serialize, ten times the whole roster page
(benchmarks/RESULTS.md, "FHIR directory"); the tests validate every resource those searches
return through the models and through an independent validator (Medplum).
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet
from django.utils import translation
from fhir.resources.R4B import get_fhir_model_class

from certification.models import Certification, CertificationSpecialization, CertificationStatus
from counties.models import County
from training.selectors import specialization_area_names

FHIR_VERSION = "4.0.1"
NUCC_TAXONOMY = "http://nucc.org/provider-taxonomy"
PEER_SPECIALIST = "175T00000X"
PEER_SPECIALIST_DISPLAY = "Peer Specialist"
PRACTITIONER_ROLE_CODE = {
    "coding": [
        {"system": NUCC_TAXONOMY, "code": PEER_SPECIALIST, "display": PEER_SPECIALIST_DISPLAY}
    ],
    "text": "Medi-Cal Peer Support Specialist",
}


def base_url() -> str:
    return f"{settings.SITE_URL}/fhir/R4"


def certification_system() -> str:
    """The identifier system of certification numbers (the program's URI)."""
    return (
        settings.FHIR_CERTIFICATION_SYSTEM or f"{settings.SITE_URL}/fhir/sid/certification-number"
    )


def county_system() -> str:
    return f"{settings.SITE_URL}/fhir/sid/county-code"


def fips_system() -> str:
    return f"{settings.SITE_URL}/fhir/sid/county-fips"


def specialty_system() -> str:
    return f"{settings.SITE_URL}/fhir/CodeSystem/peer-specialization"


def status_extension_url() -> str:
    return f"{settings.SITE_URL}/fhir/StructureDefinition/certification-status"


def _specialty_displays() -> dict[str, str]:
    with translation.override("en"):
        return specialization_area_names()


DIRECTORY_FIELDS = (
    "id",
    "number",
    "first_name",
    "last_name",
    "status",
    "issued_on",
    "expires_on",
    "updated_at",
    "issuing_county__code",
    "issuing_county__name",
    "specialization_codes",
)


def directory_rows(certifications: QuerySet[Certification]) -> QuerySet:
    """`certifications` as dicts of `DIRECTORY_FIELDS` (specialization codes by subquery: one
    query for a whole page), still unordered."""
    codes = (
        CertificationSpecialization.objects.filter(certification=OuterRef("pk"))
        .order_by("code")
        .values("code")
    )
    return certifications.annotate(specialization_codes=ArraySubquery(codes)).values(
        *DIRECTORY_FIELDS
    )


def instant(moment: datetime.datetime) -> str:
    """A FHIR instant in UTC with microseconds, e.g. 2026-01-05T17:02:03.123456Z."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _identifier(number: str) -> list[dict[str, Any]]:
    return [{"use": "official", "system": certification_system(), "value": number}]


def _name(row: dict[str, Any]) -> str:
    return f"{row['first_name']} {row['last_name']}"


def practitioner(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "id": row["number"],
        "meta": {"lastUpdated": instant(row["updated_at"])},
        "identifier": _identifier(row["number"]),
        "active": row["status"] == CertificationStatus.ACTIVE,
        "name": [
            {
                "use": "official",
                "text": _name(row),
                "family": row["last_name"],
                "given": [row["first_name"]],
            }
        ],
    }


def practitioner_role(row: dict[str, Any], *, displays: dict[str, str] | None = None) -> dict:
    """The certification as the peer's role: active while the certification is, the
    certification period, the issuing county program, the specializations; the registry
    status itself (active, expired, suspended, revoked, vacated) in an extension."""
    displays = displays or _specialty_displays()
    resource: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": row["number"],
        "meta": {"lastUpdated": instant(row["updated_at"])},
        "extension": [{"url": status_extension_url(), "valueCode": row["status"]}],
        "identifier": _identifier(row["number"]),
        "active": row["status"] == CertificationStatus.ACTIVE,
        "period": {"start": row["issued_on"].isoformat(), "end": row["expires_on"].isoformat()},
        "practitioner": {"reference": f"Practitioner/{row['number']}", "display": _name(row)},
        "organization": {
            "reference": f"Organization/{row['issuing_county__code']}",
            "display": program_name(row["issuing_county__name"]),
        },
        "code": [PRACTITIONER_ROLE_CODE],
    }
    if row["specialization_codes"]:
        resource["specialty"] = [
            {
                "coding": [
                    {
                        "system": specialty_system(),
                        "code": code,
                        "display": displays.get(code, code),
                    }
                ]
            }
            for code in row["specialization_codes"]
        ]
    return resource


def program_name(county_name: str) -> str:
    return f"{county_name} County peer support specialist certification program"


def organization(county: County) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": county.code,
        "identifier": [
            {"system": county_system(), "value": county.code},
            {"system": fips_system(), "value": county.fips},
        ],
        "active": True,
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": "govt",
                        "display": "Government",
                    }
                ]
            }
        ],
        "name": program_name(county.name),
        "alias": [f"{county.name} County"],
        "address": [{"district": county.name, "state": "CA", "country": "US"}],
    }


def operation_outcome(code: str, diagnostics: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """`resource` passed through its `fhir.resources` R4B model: refused (ValueError) when it
    breaks the model, else as the model writes it."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return model.model_dump(mode="json", exclude_none=True)


def searchset(
    entries: list[dict[str, Any]], *, self_link: str, next_link: str | None
) -> dict[str, Any]:
    links = [{"relation": "self", "url": self_link}]
    if next_link:
        links.append({"relation": "next", "url": next_link})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base_url()}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in entries
        ],
    }

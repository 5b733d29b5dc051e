"""The directory's CapabilityStatement (FHIR R4 `metadata`): read and search-type of three
resource types, the search parameters fhir_directory.search supports, JSON only."""

from typing import Any

from fhir_directory.resources import FHIR_VERSION, base_url

# The date this statement last changed (a FHIR dateTime), not the date it is served.
STATEMENT_DATE = "2026-12-07"

_COMMON = [
    ("_id", "token", "The resource id."),
    ("_count", "number", "Results per page, 1 to 1000 (default 100)."),
]
_PARAMETERS = {
    "Practitioner": [
        ("identifier", "token", "The certification number (the program's system URI)."),
        ("name", "string", "Start of the given or family name, or 'given family'."),
        ("family", "string", "Start of the family name."),
        ("given", "string", "Start of the given name."),
        ("active", "token", "true while the certification is active."),
        ("_lastUpdated", "date", "When the registry entry last changed (eq, gt, ge, lt, le)."),
    ],
    "PractitionerRole": [
        ("identifier", "token", "The certification number (the program's system URI)."),
        ("practitioner", "reference", "Practitioner/<certification number>."),
        ("organization", "reference", "Organization/<county code>: the issuing program."),
        ("active", "token", "true while the certification is active."),
        ("specialty", "token", "An area of specialization code."),
        ("role", "token", "175T00000X (NUCC Peer Specialist): every role here."),
        ("practitioner.name", "string", "Start of the practitioner's given or family name."),
        ("_lastUpdated", "date", "When the registry entry last changed (eq, gt, ge, lt, le)."),
    ],
    "Organization": [
        ("identifier", "token", "The county code or the five-digit FIPS code."),
        ("name", "string", "Start of the county or program name."),
    ],
}


def capability_statement() -> dict[str, Any]:
    resources = []
    for resource_type, parameters in _PARAMETERS.items():
        resources.append(
            {
                "type": resource_type,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [
                    {"name": name, "type": kind, "documentation": text}
                    for name, kind, text in [*_COMMON, *parameters]
                ],
            }
        )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": STATEMENT_DATE,
        "publisher": "California Peer Support Specialist Certification",
        "kind": "instance",
        "software": {"name": "peercert FHIR directory"},
        "implementation": {
            "description": (
                "Read-only directory of certified Medi-Cal Peer Support Specialists "
                "(NUCC 175T00000X) and their county certification programs: only what the "
                "public registry shows."
            ),
            "url": base_url(),
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "No authentication; rate-limited per client (429 with Retry-After). "
                    "Searchsets are paged by the `next` link (keyset cursor); unsupported "
                    "parameters are refused with 400 and an OperationOutcome."
                ),
                "resource": resources,
            }
        ],
    }

"""The JSON-LD documents the program publishes: a certification as an Open Badges 3.0
`OpenBadgeCredential` (W3C VC 2.0), its Bitstring Status List credentials, and the site's DID
document. Plain dicts, unsigned (credentials.services signs them).

Open Badges 3.0 mapping (1EdTech OB 3.0, "AchievementCredential"):
- `credentialSubject.achievement`: achievementType `Certification`, the peer support
  specialist certification, its areas of specialization as `specialization` (the model has
  one text field: the labels joined with "; "), their codes as `tag`;
- the holder: `credentialSubject.identifier` (IdentityObject, identityType `name`, not
  hashed) and `name`; the certification number: `credentialSubject.licenseNumber`;
- the issuing county program: `credentialSubject.source` (a Profile) and the achievement's
  `creator`; the signer is the site's issuer (`did:web`);
- issue and expiry: `validFrom`/`validUntil` (the certification's own dates, midnight to the
  end of the expiry day in California) and `awardedDate`.
Deviation from the OB 3.0 JSON schema, documented in docs/CONTRACTS.md: `credentialStatus`
is a list of two entries (revocation and suspension) where the schema has one object; VC 2.0
allows the list and the Bitstring Status List verifiers read it.
"""

import datetime
import gzip
import uuid
import zoneinfo
from base64 import urlsafe_b64encode
from typing import Any

from django.conf import settings
from django.utils import translation

from certification.models import Certification
from credentials.jsonld import CREDENTIALS_V2, DID_V1, MULTIKEY_V1, OPEN_BADGES_V3
from credentials.keys import IssuerKeys, issuer_did
from training.selectors import specialization_area_label

# Bitstring Status List, section 2.1: at least 131,072 entries (16 KB) per list, for group
# privacy. Positions are drawn at random and a list is filled to half before the next opens.
STATUS_LIST_LENGTH = 131_072
ISSUER_NAME = "California Peer Support Specialist Certification"
_PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")


def xml_datetime(moment: datetime.datetime) -> str:
    """UTC, whole seconds, `Z`: the dateTimeStamp form every verifier reads."""
    return moment.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_url(purpose: str, list_number: int) -> str:
    return f"{settings.SITE_URL}/credentials/status/{purpose}/{list_number}"


def county_program_id(county_code: str) -> str:
    """The county program's identifier: its FHIR Organization in the provider directory."""
    return f"{settings.SITE_URL}/fhir/R4/Organization/{county_code}"


def _issuer_profile() -> dict[str, Any]:
    return {"id": issuer_did(), "type": ["Profile"], "name": ISSUER_NAME, "url": settings.SITE_URL}


def _county_program(certification: Certification) -> dict[str, Any]:
    county = certification.issuing_county
    return {
        "id": county_program_id(county.code),
        "type": ["Profile"],
        "name": f"{county.name} County peer support specialist certification program",
    }


def open_badge_credential(
    certification: Certification, *, list_number: int, index: int
) -> dict[str, Any]:
    """The unsigned credential of `certification` (specializations and issuing county
    loaded), with its status entries at `(list_number, index)`."""
    codes = sorted(s.code for s in certification.specializations.all())
    with translation.override("en"):
        labels = [specialization_area_label(code) for code in codes]
    name = f"{certification.first_name} {certification.last_name}"
    valid_from = datetime.datetime.combine(certification.issued_on, datetime.time(), _PACIFIC)
    valid_until = datetime.datetime.combine(
        certification.expires_on, datetime.time(23, 59, 59), _PACIFIC
    )
    achievement: dict[str, Any] = {
        "id": f"{settings.SITE_URL}/credentials/achievements/peer-support-specialist",
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": "Medi-Cal Peer Support Specialist",
        "description": (
            "Certified as a Medi-Cal Peer Support Specialist under Welfare and Institutions "
            "Code section 14045.10 and following (NUCC taxonomy 175T00000X)."
        ),
        "criteria": {
            "narrative": (
                "80 hours of core training from an approved provider, the certification "
                "exam, lived experience of recovery and the Code of Ethics; renewed every two "
                "years with 20 hours of continuing education."
            )
        },
        "creator": _county_program(certification),
    }
    if labels:
        achievement["specialization"] = "; ".join(labels)
        achievement["tag"] = codes
    return {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Medi-Cal Peer Support Specialist: {name}",
        "issuer": _issuer_profile(),
        "validFrom": xml_datetime(valid_from),
        "validUntil": xml_datetime(valid_until),
        "awardedDate": xml_datetime(valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "licenseNumber": certification.number,
            "source": _county_program(certification),
            "achievement": achievement,
        },
        "credentialStatus": [
            {
                "id": f"{status_list_url(purpose, list_number)}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": str(index),
                "statusListCredential": status_list_url(purpose, list_number),
            }
            for purpose in ("revocation", "suspension")
        ],
    }


def encoded_list(indexes: list[int]) -> str:
    """The `encodedList` of a list whose `indexes` are set: GZIP of the bits (index 0 is the
    first byte's most significant bit), base64url without padding, multibase prefix `u`."""
    bits = bytearray(STATUS_LIST_LENGTH // 8)
    for index in indexes:
        bits[index >> 3] |= 0x80 >> (index & 7)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + urlsafe_b64encode(compressed).decode().rstrip("=")


def status_list_credential(
    purpose: str, list_number: int, *, encoded: str, valid_from: datetime.datetime
) -> dict[str, Any]:
    url = status_list_url(purpose, list_number)
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": xml_datetime(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }


def did_document(keys: IssuerKeys) -> dict[str, Any]:
    """The site's DID document: every configured key (the current one and the retired ones
    still verifying older credentials) as a Multikey assertion method."""
    did = issuer_did()
    methods = [
        {
            "id": key.verification_method,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in keys.keys
    ]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }

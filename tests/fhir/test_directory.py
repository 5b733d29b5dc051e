"""The FHIR R4 directory: CapabilityStatement, reads, searches, paging, errors, and that it
shows only what the public registry shows. Validation by the fhir.resources models here and
by Medplum's validator in test_validation.py."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.practitionerrole import PractitionerRole

from certification import services
from certification.models import Certification
from tests.factories import CertificationFactory, SpecializationFactory, UserFactory
from training.selectors import specialization_areas

pytestmark = pytest.mark.django_db
SYSTEM = "http://127.0.0.1:8000/fhir/sid/certification-number"


def get(url: str) -> tuple[int, dict]:
    response = Client().get(url)
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    return response.status_code, json.loads(response.content)


def resources(bundle: dict) -> list[dict]:
    return [entry["resource"] for entry in bundle.get("entry", [])]


@pytest.fixture
def registry(cast):
    rosa = CertificationFactory(
        number="PSS-0000101",
        holder=UserFactory(email="rosa.private@example.org"),
        first_name="Rosa",
        last_name="Campos",
        issuing_county=cast.county,
        issued_on=datetime.date(2025, 2, 1),
        expires_on=datetime.date(2027, 2, 1),
    )
    SpecializationFactory(certification=rosa, code="crisis")
    SpecializationFactory(certification=rosa, code="unhoused")
    luz = CertificationFactory(
        number="PSS-0000102",
        first_name="Luz",
        last_name="Ortega",
        issuing_county=cast.other_county,
        status="suspended",
        status_reason="Private reason",
    )
    return {"rosa": rosa, "luz": luz}


def test_metadata_is_a_capability_statement(registry):
    status, statement = get("/fhir/R4/metadata")
    assert status == 200
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1" and statement["kind"] == "instance"
    types = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(types) == {"Practitioner", "PractitionerRole", "Organization"}
    names = {p["name"] for p in types["PractitionerRole"]["searchParam"]}
    assert {"identifier", "_lastUpdated", "specialty", "organization"} <= names


def test_a_practitioner_role_reads_as_the_registry_entry(registry):
    status, role = get("/fhir/R4/PractitionerRole/PSS-0000101")
    assert status == 200
    PractitionerRole.model_validate(role)
    assert role["id"] == "PSS-0000101"
    assert role["identifier"] == [{"use": "official", "system": SYSTEM, "value": "PSS-0000101"}]
    assert role["active"] is True
    assert role["period"] == {"start": "2025-02-01", "end": "2027-02-01"}
    assert role["code"][0]["coding"][0] == {
        "system": "http://nucc.org/provider-taxonomy",
        "code": "175T00000X",
        "display": "Peer Specialist",
    }
    assert [s["coding"][0]["code"] for s in role["specialty"]] == ["crisis", "unhoused"]
    assert role["practitioner"] == {
        "reference": "Practitioner/PSS-0000101",
        "display": "Rosa Campos",
    }
    assert role["organization"]["reference"] == "Organization/alameda"
    assert role["extension"][0]["valueCode"] == "active"


def test_a_practitioner_reads_with_name_and_identifier(registry):
    status, practitioner = get("/fhir/R4/Practitioner/PSS-0000102")
    assert status == 200
    assert practitioner["name"][0]["family"] == "Ortega"
    assert practitioner["name"][0]["given"] == ["Luz"]
    assert practitioner["identifier"][0]["value"] == "PSS-0000102"
    assert practitioner["active"] is False


def test_only_what_the_public_registry_shows(registry):
    everything = b"".join(
        Client().get(url).content
        for url in (
            "/fhir/R4/Practitioner",
            "/fhir/R4/PractitionerRole",
            "/fhir/R4/Practitioner/PSS-0000101",
            "/fhir/R4/PractitionerRole/PSS-0000102",
        )
    ).decode()
    assert "rosa.private@example.org" not in everything
    assert "Private reason" not in everything
    roles = resources(get("/fhir/R4/PractitionerRole")[1])
    practitioners = resources(get("/fhir/R4/Practitioner")[1])
    assert {key for role in roles for key in role} == {
        "resourceType",
        "id",
        "meta",
        "extension",
        "identifier",
        "active",
        "period",
        "practitioner",
        "organization",
        "code",
        "specialty",
    }
    assert {key for person in practitioners for key in person} == {
        "resourceType",
        "id",
        "meta",
        "identifier",
        "active",
        "name",
    }


def test_an_organization_per_county_program(registry):
    status, organization = get("/fhir/R4/Organization/fresno")
    assert status == 200
    assert organization["name"] == "Fresno County peer support specialist certification program"
    assert {"system": "http://127.0.0.1:8000/fhir/sid/county-fips", "value": "06019"} in (
        organization["identifier"]
    )
    status, bundle = get("/fhir/R4/Organization?name=Fresno County")
    assert [o["id"] for o in resources(bundle)] == ["fresno"]
    status, bundle = get("/fhir/R4/Organization?identifier=06001")
    assert [o["id"] for o in resources(bundle)] == ["alameda"]
    status, bundle = get("/fhir/R4/Organization?_count=50")
    assert len(resources(bundle)) == 50 and bundle["link"][1]["relation"] == "next"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["PSS-0000101", "PSS-0000102"]),
        (f"identifier={SYSTEM}|PSS-0000101", ["PSS-0000101"]),
        ("identifier=pss-0000102", ["PSS-0000102"]),
        ("identifier=http://elsewhere.example|PSS-0000101", []),
        ("name=ros", ["PSS-0000101"]),
        ("name=Luz Ortega", ["PSS-0000102"]),
        ("name:exact=Rosa", ["PSS-0000101"]),
        ("name:exact=ros", []),
        ("name:contains=teg", ["PSS-0000102"]),
        ("family=Camp", ["PSS-0000101"]),
        ("given=Luz", ["PSS-0000102"]),
        ("active=true", ["PSS-0000101"]),
        ("active=false", ["PSS-0000102"]),
        ("_id=PSS-0000102,PSS-0000101", ["PSS-0000101", "PSS-0000102"]),
    ],
)
def test_practitioner_search(registry, query, expected):
    status, bundle = get(f"/fhir/R4/Practitioner?{query}")
    assert status == 200 and bundle["type"] == "searchset"
    assert [r["id"] for r in resources(bundle)] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("organization=Organization/fresno", ["PSS-0000102"]),
        ("organization=alameda", ["PSS-0000101"]),
        ("practitioner=Practitioner/PSS-0000101", ["PSS-0000101"]),
        ("specialty=crisis", ["PSS-0000101"]),
        ("specialty=crisis,unhoused", ["PSS-0000101"]),
        ("specialty=justice_involved", []),
        ("role=http://nucc.org/provider-taxonomy|175T00000X", ["PSS-0000101", "PSS-0000102"]),
        ("role=101Y00000X", []),
        ("practitioner.name=ortega", ["PSS-0000102"]),
        ("active=true&organization=fresno", []),
    ],
)
def test_practitioner_role_search(registry, query, expected):
    status, bundle = get(f"/fhir/R4/PractitionerRole?{query}")
    assert status == 200
    assert [r["id"] for r in resources(bundle)] == expected


def test_last_updated_finds_what_changed(cast, registry):
    Certification.objects.filter(pk=registry["rosa"].pk).update(
        updated_at=datetime.datetime(2026, 1, 10, 12, 0, tzinfo=datetime.UTC)
    )
    Certification.objects.filter(pk=registry["luz"].pk).update(
        updated_at=datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    )

    def ids(value: str) -> list[str]:
        status, bundle = get(f"/fhir/R4/PractitionerRole?_lastUpdated={value}")
        assert status == 200, bundle
        return [r["id"] for r in resources(bundle)]

    assert ids("gt2026-02-01") == ["PSS-0000102"]
    assert ids("ge2026-01-10") == ["PSS-0000101", "PSS-0000102"]
    assert ids("lt2026-01-11") == ["PSS-0000101"]
    assert ids("2026-01-10") == ["PSS-0000101"]
    assert ids("gt2026-01-10T12:00:00Z") == ["PSS-0000102"]
    assert ids("ge2026-01-10T12:00:00Z") == ["PSS-0000101", "PSS-0000102"]
    assert ids("gt2026-01-10T12:00:00Z&_lastUpdated=lt2026-02-01") == []
    # A change through the service moves the entry to now: a vendor polling sees it.
    before = timezone.now()
    services.certification_lift_suspension(actor=cast.other_admin, certification=registry["luz"])
    assert ids(f"ge{before.strftime('%Y-%m-%dT%H:%M:%SZ')}") == ["PSS-0000102"]


def test_paging_walks_every_row_once(cast):
    numbers = sorted(CertificationFactory(issuing_county=cast.county).number for _ in range(7))
    seen, url, pages = [], "/fhir/R4/PractitionerRole?_count=3&organization=alameda", 0
    while url:
        status, bundle = get(url)
        assert status == 200
        Bundle.model_validate(bundle)
        seen += [r["id"] for r in resources(bundle)]
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        url = links.get("next", "").replace("http://127.0.0.1:8000", "")
        pages += 1
    assert pages == 3 and sorted(seen) == numbers


@pytest.mark.parametrize(
    ("url", "status", "code", "text"),
    [
        ("/fhir/R4/PractitionerRole?foo=1", 400, "not-supported", "foo: not a search parameter"),
        ("/fhir/R4/PractitionerRole?_count=0", 400, "invalid", "_count"),
        ("/fhir/R4/PractitionerRole?_count=1001", 400, "invalid", "_count"),
        ("/fhir/R4/PractitionerRole?_cursor=abc", 400, "invalid", "_cursor"),
        ("/fhir/R4/PractitionerRole?_lastUpdated=yesterday", 400, "invalid", "_lastUpdated"),
        ("/fhir/R4/PractitionerRole?_lastUpdated=2026-02-30", 400, "invalid", "not a date"),
        ("/fhir/R4/PractitionerRole?_lastUpdated=sa2026-01-01", 400, "not-supported", "sa"),
        ("/fhir/R4/PractitionerRole?active=yes", 400, "invalid", "true or false"),
        ("/fhir/R4/PractitionerRole?organization=Patient/1", 400, "invalid", "Organization"),
        ("/fhir/R4/PractitionerRole?name=x", 400, "not-supported", "name"),
        ("/fhir/R4/Practitioner?identifier=%00", 400, "invalid", "null"),
        ("/fhir/R4/Practitioner?_format=xml", 400, "not-supported", "JSON only"),
        ("/fhir/R4/Organization?_lastUpdated=2026-01-01", 400, "not-supported", "_lastUpdated"),
        ("/fhir/R4/Practitioner/PSS-9999999", 404, "not-found", "not known"),
        ("/fhir/R4/Organization/atlantis", 404, "not-found", "not known"),
        ("/fhir/R4/Patient", 404, "not-found", "This directory serves"),
    ],
)
def test_bad_requests_get_an_operation_outcome_never_a_500(registry, url, status, code, text):
    answer, outcome = get(url)
    assert answer == status
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == code
    assert text in outcome["issue"][0]["diagnostics"]


def test_nothing_is_written_through_the_directory(registry):
    before = list(Certification.objects.order_by("pk").values_list("pk", "status", "updated_at"))
    client = Client()
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/fhir/R4/PractitionerRole/PSS-0000101").status_code == 405
    assert (
        list(Certification.objects.order_by("pk").values_list("pk", "status", "updated_at"))
        == before
    )


def test_the_directory_is_rate_limited(registry, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "fhir_anon": "2/min",
        },
    }
    assert get("/fhir/R4/metadata")[0] == 200
    assert get("/fhir/R4/Practitioner")[0] == 200
    response = Client().get("/fhir/R4/PractitionerRole")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert json.loads(response.content)["issue"][0]["code"] == "throttled"


def test_a_search_page_is_a_fixed_number_of_queries(cast, django_assert_num_queries):
    for _ in range(5):
        SpecializationFactory(certification=CertificationFactory(issuing_county=cast.county))
    client = Client()
    client.get("/fhir/R4/metadata")
    specialization_areas()  # the areas' names are read once, then come from the cache
    # One query for the whole page, specializations included.
    with django_assert_num_queries(1):
        assert client.get("/fhir/R4/PractitionerRole?_count=1000").status_code == 200

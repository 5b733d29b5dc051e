"""The OpenAPI schema at /api/schema/ tells the truth: a schemathesis run finds no 5xx and no
response that breaks it; the documented fields are the fields the endpoints send; the docs
page is served from local assets."""

import datetime
import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from analytics.services import enrollment_load, figures_refresh
from config.wsgi import application
from counties.models import OptInPeriod
from providers.services import provider_api_key_create
from tests.api.conftest import bulk_certifications, token_for
from tests.factories import CertificationFactory, SpecializationFactory
from tests.providers.completions_data import make_courses

PATHS = {
    "/api/v1/roster/",
    "/api/v1/roster.csv",
    "/api/v1/counties/",
    "/api/v1/counties/{code}/",
    "/api/v1/stats/",
    "/api/v1/oversight/cases/",
    "/api/v1/verify/{certification_number}/",
    "/api/v1/fees/totals/",
    "/api/v1/courses/",
    "/api/v1/providers/outcomes/",
    "/api/v1/reports/",
    "/api/v1/reports/status/",
    "/api/v1/reports/{id}/",
    "/api/v1/reports/{id}/report.pdf",
    "/api/v1/reports/{id}/report.csv",
    "/api/v1/reports/{id}/report.xlsx",
    "/api/v1/analytics/{chart}/",
}
# Providers' systems report completions with a provider API key (tests/providers/
# test_completions_api.py; the schemathesis run below).
PROVIDER_PATHS = {"/api/v1/provider/completions/"}
ROSTER_PARAMETERS = {
    "county",
    "status",
    "specialization",
    "expires_before",
    "expires_after",
    "updated_since",
    "q",
    "cursor",
    "page_size",
}


@pytest.fixture
def openapi(api) -> dict:
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def registry(cast):
    OptInPeriod.objects.create(
        county=cast.county,
        delivery_system="smhs",
        opted_in=True,
        effective_from=datetime.date(2023, 7, 1),
    )
    cert = CertificationFactory(number="PSS-0000001", issuing_county=cast.county)
    SpecializationFactory(certification=cert, code="crisis")
    bulk_certifications(30, cast.other_county, status="expired")


# The digital credentials' public documents and the wallets' OID4VCI endpoints
# (api/schema_credentials.py; tests/credentials/test_wallet.py tests them in depth).
CREDENTIAL_PATHS = {
    "/.well-known/did.json",
    "/credentials/status/{purpose}/{list_number}",
    "/.well-known/openid-credential-issuer",
    "/.well-known/oauth-authorization-server",
    "/credentials/oid4vci/offers/{offer_id}",
    "/credentials/oid4vci/token",
    "/credentials/oid4vci/credential",
}


def test_every_endpoint_is_documented(openapi):
    assert set(openapi["paths"]) == PATHS | CREDENTIAL_PATHS | PROVIDER_PATHS
    assert {method for path in PATHS for method in openapi["paths"][path]} == {"get"}
    assert {method for path in PROVIDER_PATHS for method in openapi["paths"][path]} == {"post"}
    posted = {path for path in CREDENTIAL_PATHS if "post" in openapi["paths"][path]}
    assert posted == {"/credentials/oid4vci/token", "/credentials/oid4vci/credential"}


@pytest.mark.parametrize("path", ["/api/v1/roster/", "/api/v1/roster.csv"])
def test_every_roster_parameter_is_documented(openapi, path):
    parameters = {p["name"] for p in openapi["paths"][path]["get"]["parameters"]}

    assert parameters == ROSTER_PARAMETERS - ({"cursor", "page_size"} if "csv" in path else set())


def _properties(openapi: dict, component: str) -> set[str]:
    return set(openapi["components"]["schemas"][component]["properties"])


def test_documented_fields_are_the_fields_sent(openapi, cast, client_for, registry):
    state = client_for(cast.state)
    row = state.get("/api/v1/roster/").json()["results"][0]
    county = state.get("/api/v1/counties/alameda/").json()
    stats = state.get("/api/v1/stats/").json()
    verification = state.get("/api/v1/verify/PSS-0000001/").json()
    figures_refresh()
    enrollment_load(
        actor=None, data=b"County,Month,Total Eligibles\nAlameda,2026-03,9\n", file_name="e"
    )
    analytics = state.get("/api/v1/analytics/active/").json()

    assert set(row) == _properties(openapi, "RosterCertification")
    assert set(row["county"]) == _properties(openapi, "CountyRef")
    assert set(county) == _properties(openapi, "CountyDetail")
    assert set(county["opt_in"]["smhs"]) == _properties(openapi, "OptIn")
    assert set(stats) == _properties(openapi, "Stats")
    assert set(stats["statewide"]) == _properties(openapi, "Figures")
    assert set(stats["counties"][0]) == _properties(openapi, "CountyFigures")
    assert set(verification) == _properties(openapi, "Verification")
    assert set(analytics) == _properties(openapi, "AnalyticsSeries")
    assert set(analytics["enrollment"]) == _properties(openapi, "Enrollment")
    assert set(analytics["areas"][0]) == _properties(openapi, "Area")
    oversight = state.get("/api/v1/oversight/cases/").json()
    assert set(oversight) == _properties(openapi, "CaseOversight")
    assert set(oversight["statewide"]) == _properties(openapi, "CaseFigures")
    outcomes = state.get("/api/v1/providers/outcomes/").json()
    assert set(outcomes) == _properties(openapi, "ProviderOutcomes")


def test_the_docs_page_uses_local_assets_only(api):
    page = api.get("/api/docs/")
    script = api.get("/api/docs/", {"script": ""})

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_unknown_api_paths_answer_json(api):
    missing = api.get("/api/v1/nothing-here/")
    no_slash = api.get("/api/v1/roster", {"status": "active"})

    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}
    assert no_slash.status_code == 301
    assert no_slash["Location"] == "/api/v1/roster/?status=active"


# Schemathesis -------------------------------------------------------------------------------


@pytest.fixture
def _keep_test_connection():
    """The raw WSGI application closes the database connection after each request, which
    would end the test's transaction; Django's test client suspends this the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def _lifted_verify_limit(settings):
    """The run sends many verification requests from one address."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verify_anon": "100000/min",
            "courses_anon": "100000/min",
        },
    }


@pytest.fixture
def state_key(cast) -> str:
    return token_for(cast.state)


# Loaded once, when the module is collected: generating the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.usefixtures("registry", "_keep_test_connection", "_lifted_verify_limit")
def test_the_api_keeps_to_its_schema(case, state_key):
    case.call_and_validate(
        headers={"Authorization": f"Token {state_key}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )


@pytest.fixture
def provider_key(providers) -> str:
    """A key of Hope Works, with an approved core and CE course."""
    make_courses(providers)
    return provider_api_key_create(
        actor=providers.boss, provider=providers.hope, name="schemathesis"
    ).key


@schema.include(path_regex="^/api/v1/provider/").parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.usefixtures("_keep_test_connection")
def test_the_completions_endpoint_keeps_to_its_schema(case, provider_key):
    case.call_and_validate(
        headers={"Authorization": f"Token {provider_key}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )

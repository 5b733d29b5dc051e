"""Who may call which endpoint: anonymous 401, bad/expired/revoked tokens 401, applicants 403,
county staff their own counties only, state staff everything; nobody writes."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from certification.models import Certification
from tests.api.conftest import token_for
from tests.factories import CertificationFactory, MembershipFactory, county

STAFF_URLS = [
    "/api/v1/roster/",
    "/api/v1/roster.csv",
    "/api/v1/counties/",
    "/api/v1/counties/alameda/",
    "/api/v1/stats/",
    "/api/v1/fees/totals/",
]
# State staff only (the oversight figures): county staff get 403 like anyone not allowed.
STATE_URLS = ["/api/v1/oversight/cases/", "/api/v1/providers/outcomes/"]
NOT_STATE = {"detail": "Only state program staff may use this endpoint."}
NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}
BAD_TOKEN = {"detail": "Invalid, expired or revoked token."}
NOT_STAFF = {"detail": "Only county and state program staff may use this endpoint."}


@pytest.fixture
def certs(cast):
    return {
        "alameda": CertificationFactory(number="PSS-A1", issuing_county=cast.county),
        "fresno": CertificationFactory(number="PSS-F1", issuing_county=cast.other_county),
        "la": CertificationFactory(number="PSS-L1", issuing_county=county("los-angeles")),
        # The applicant's own certification: theirs to see elsewhere, never a roster.
        "own": CertificationFactory(
            number="PSS-O1", holder=cast.applicant, issuing_county=cast.county
        ),
    }


def _authorized(api, key: str):
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


@pytest.mark.parametrize("url", STAFF_URLS)
def test_anonymous_gets_401_asking_for_a_token(api, cast, url):
    response = api.get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == NOT_AUTHENTICATED


@pytest.mark.parametrize("url", STAFF_URLS)
@pytest.mark.parametrize("case", ["unknown", "expired", "revoked", "inactive_user", "malformed"])
def test_a_bad_token_gets_401(api, cast, url, case):
    token, key = api_token_create(user=cast.state, days=30)
    if case == "unknown":
        key = "not-a-key-anyone-was-given"
    elif case == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif case == "revoked":
        assert api_token_revoke(user=cast.state, token_id=token.pk)
    elif case == "inactive_user":
        type(cast.state).objects.filter(pk=cast.state.pk).update(is_active=False)
    else:
        key = f"{key} extra words"

    response = _authorized(api, key).get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == (
        {"detail": "Invalid token header. Token string should not contain spaces."}
        if case == "malformed"
        else BAD_TOKEN
    )


@pytest.mark.parametrize("url", STAFF_URLS)
@pytest.mark.parametrize("who", ["applicant", "other_applicant"])
def test_applicants_get_403(client_for, cast, certs, url, who):
    response = client_for(getattr(cast, who)).get(url)

    assert response.status_code == 403
    assert response.json() == NOT_STAFF


@pytest.mark.parametrize("url", STAFF_URLS)
@pytest.mark.parametrize("who", ["reviewer", "admin", "other_admin", "state"])
def test_staff_get_200(client_for, cast, certs, url, who):
    assert client_for(getattr(cast, who)).get(url).status_code == 200


@pytest.mark.parametrize("url", STAFF_URLS)
def test_a_signed_in_session_works_too(api, cast, url):
    api.force_login(cast.state)

    assert api.get(url).status_code == 200


ROSTER_SEES = {
    "reviewer": {"PSS-A1", "PSS-O1"},
    "admin": {"PSS-A1", "PSS-O1"},
    "other_admin": {"PSS-F1"},
    "state": {"PSS-A1", "PSS-F1", "PSS-L1", "PSS-O1"},
}


@pytest.mark.parametrize(("who", "expected"), ROSTER_SEES.items())
def test_roster_scope(client_for, cast, certs, who, expected):
    results = client_for(getattr(cast, who)).get("/api/v1/roster/").json()["results"]

    assert {row["certification_number"] for row in results} == expected


def test_county_staff_asking_for_another_county_get_no_rows(client_for, cast, certs):
    response = client_for(cast.reviewer).get("/api/v1/roster/", {"county": "fresno"})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_an_agency_with_two_counties_sees_both(client_for, cast, certs):
    MembershipFactory(user=cast.reviewer, county=cast.other_county, role="reviewer")

    results = client_for(cast.reviewer).get("/api/v1/roster/").json()["results"]

    assert {row["certification_number"] for row in results} == {"PSS-A1", "PSS-F1", "PSS-O1"}


def test_staff_who_hold_a_certification_elsewhere_do_not_see_it_on_their_roster(
    client_for, cast, certs
):
    CertificationFactory(number="PSS-X1", holder=cast.other_admin, issuing_county=cast.county)

    results = client_for(cast.other_admin).get("/api/v1/roster/").json()["results"]

    assert {row["certification_number"] for row in results} == {"PSS-F1"}


@pytest.mark.parametrize("url", [*STAFF_URLS, "/api/v1/verify/PSS-A1/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nobody_writes_through_the_api(client_for, cast, certs, url, method):
    before = list(Certification.objects.order_by("pk").values())

    response = getattr(client_for(cast.state), method)(url, {"status": "revoked"}, format="json")

    assert response.status_code == 405
    assert response.json()["detail"] == f'Method "{method.upper()}" not allowed.'
    assert list(Certification.objects.order_by("pk").values()) == before


def test_the_token_expiry_is_checked_on_every_request(api, cast):
    key = token_for(cast.state)
    client = _authorized(api, key)
    assert client.get("/api/v1/stats/").status_code == 200

    ApiToken.objects.filter(user=cast.state).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert client.get("/api/v1/stats/").status_code == 401


@pytest.mark.parametrize("who", ["reviewer", "state"])
def test_a_token_request_leaves_no_session_behind(client_for, cast, who):
    before = Session.objects.count()

    response = client_for(getattr(cast, who)).get("/api/v1/stats/")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == before


@pytest.mark.parametrize("url", STATE_URLS)
def test_state_only_endpoints(api, client_for, cast, url):
    assert api.get(url).status_code == 401
    for who in ("applicant", "reviewer", "admin", "other_admin"):
        response = client_for(getattr(cast, who)).get(url)
        assert (response.status_code, response.json()) == (403, NOT_STATE), who
    assert client_for(cast.state).get(url).status_code == 200
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client_for(cast.state), method)(url).status_code == 405

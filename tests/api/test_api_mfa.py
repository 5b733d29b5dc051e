"""Staff MFA covers the API (SECURITY.md, "Accounts"): a session-authenticated API request by
a staff member without a second factor is refused like a staff page, in JSON; API keys stay
the machine path (created only after MFA, on the keys page); the public verification stays
open to anyone."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.api.conftest import token_for
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db

ROSTER = "/api/v1/roster/"
STAFF_ENDPOINTS = [ROSTER, "/api/v1/roster.csv", "/api/v1/counties/", "/api/v1/stats/"]


@pytest.fixture
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


@pytest.mark.parametrize("who", ["state", "reviewer"])
@pytest.mark.parametrize("path", STAFF_ENDPOINTS)
def test_a_staff_session_without_a_second_factor_is_refused(client, cast, mfa_required, who, path):
    CertificationFactory(issuing_county=cast.county)
    client.force_login(cast.everyone[who])

    response = client.get(path)

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Staff accounts must use two-factor authentication. Set up an authenticator "
        "app to continue."
    }


def test_a_staff_session_with_a_second_factor_reads_the_roster(client, cast, mfa_required):
    TOTP.activate(cast.state, generate_totp_secret())
    client.force_login(cast.state)

    assert client.get(ROSTER).status_code == 200


def test_an_api_key_is_the_machine_path(client, cast, mfa_required):
    key = token_for(cast.state)

    response = client.get(ROSTER, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200


def test_the_rule_is_off_when_staff_mfa_is_not_required(client, cast, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(cast.state)

    assert client.get(ROSTER).status_code == 200


def test_the_public_verification_stays_open(client, cast, mfa_required):
    certification = CertificationFactory(issuing_county=cast.county)
    client.force_login(cast.reviewer)

    assert client.get(f"/api/v1/verify/{certification.number}/").status_code == 200
    assert client.get("/api/schema/").status_code == 200

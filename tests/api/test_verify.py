"""GET /api/v1/verify/{certification_number}/: public, rate-limited, and nothing about the
person beyond the registry entry."""

import datetime

import pytest
from rest_framework.settings import api_settings

from certification.models import Certification
from tests.factories import CertificationFactory, SpecializationFactory

URL = "/api/v1/verify/{}/"


@pytest.fixture
def peer(cast):
    """A certification whose holder has the cast's full profile (date of birth, phone,
    address) and an email address, none of which the registry may reveal."""
    assert cast.other_applicant.applicant_profile.date_of_birth.year == 1985
    cert = CertificationFactory(
        number="PSS-0004242",
        holder=cast.other_applicant,
        issuing_county=cast.other_county,
        first_name="Ben",
        last_name="Okafor",
        issued_on=datetime.date(2024, 2, 1),
        expires_on=datetime.date(2026, 2, 1),
        status_reason="A private reason that stays private.",
    )
    SpecializationFactory(certification=cert, code="justice_involved")
    SpecializationFactory(certification=cert, code="crisis")
    return cert


EXPECTED = {
    "certification_number": "PSS-0004242",
    "first_name": "Ben",
    "last_name": "Okafor",
    "status": "active",
    "issued_on": "2024-02-01",
    "expires_on": "2026-02-01",
    "suspended_on": None,
    "specializations": ["crisis", "justice_involved"],
    "issuing_county": {"code": "fresno", "name": "Fresno"},
    "public_actions": [],
}


def test_anyone_can_verify_and_sees_only_the_registry_entry(api, peer):
    response = api.get(URL.format("PSS-0004242"))

    assert response.status_code == 200
    assert response.json() == EXPECTED
    text = response.content.decode()
    for private in ("other@cast.test", "1985", "510-555-0100", "Main St", "private reason"):
        assert private not in text


def test_a_suspension_on_record_is_part_of_the_registry_entry_after_expiry(api, peer):
    Certification.objects.filter(pk=peer.pk).update(
        status="expired", suspended_on=datetime.date(2025, 12, 1)
    )

    body = api.get(URL.format("PSS-0004242")).json()

    assert (body["status"], body["suspended_on"]) == ("expired", "2025-12-01")
    assert "private reason" not in str(body)


@pytest.mark.parametrize(
    "typed", ["%20pss-0004242", "PSS0004242", "pss%200004242", "PSS%20-%200004242", "4242"]
)
def test_case_spaces_and_hyphens_in_the_number_are_ignored(api, peer, typed):
    assert api.get(URL.format(typed)).json() == EXPECTED


@pytest.mark.parametrize("status", ["expired", "suspended", "revoked", "vacated"])
def test_every_status_is_shown_as_it_is(api, peer, status):
    suspended_on = datetime.date(2025, 6, 1) if status == "suspended" else None
    type(peer).objects.filter(pk=peer.pk).update(status=status, suspended_on=suspended_on)

    assert api.get(URL.format(peer.number)).json() == {
        **EXPECTED,
        "status": status,
        "suspended_on": suspended_on and suspended_on.isoformat(),
    }


@pytest.mark.parametrize("number", ["PSS-9999999", "x" * 200, "PSS%00", "%E2%98%83"])
def test_an_unknown_number_answers_404_in_json(api, peer, number):
    response = api.get(URL.format(number))

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No certification has this number. A number is PSS and seven digits, for "
        "example PSS-0001234; spaces, hyphens and letter case do not matter."
    }


def test_credentials_are_not_needed_and_a_bad_token_is_ignored(api, peer):
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")

    assert api.get(URL.format(peer.number)).status_code == 200


def test_verification_costs_three_queries(api, peer, django_assert_num_queries):
    """The certification, its specializations and its public notices."""
    with django_assert_num_queries(3):
        api.get(URL.format(peer.number))


def test_the_anonymous_rate_limit_answers_429_with_retry_after(api, peer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verify_anon": "3/min",
        },
    }
    assert api_settings.DEFAULT_THROTTLE_RATES["verify_anon"] == "3/min"

    codes = [api.get(URL.format(peer.number)).status_code for _ in range(3)]
    refused = api.get(URL.format(peer.number))
    other_client = api.get(URL.format(peer.number), REMOTE_ADDR="192.0.2.7")

    assert codes == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert other_client.status_code == 200


def test_the_token_rate_limit_answers_429_with_retry_after(cast, client_for, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token": "2/hour",
        },
    }
    state = client_for(cast.state)

    codes = [state.get("/api/v1/stats/").status_code for _ in range(3)]
    other_user = client_for(cast.reviewer).get("/api/v1/stats/")

    assert codes == [200, 200, 429]
    assert 1 <= int(state.get("/api/v1/stats/")["Retry-After"]) <= 3600
    assert other_user.status_code == 200


def test_a_public_action_shows_at_once_without_the_complaint(api, peer, cast):
    from cases import services as case_services
    from cases.models import PublicNotice

    case = case_services.case_open(
        actor=cast.other_admin,
        county=cast.other_county,
        source="phone_letter",
        category="confidentiality",
        summary="Complainant Mia Lopez says her story was shared.",
        received_on=datetime.date.today() - datetime.timedelta(days=3),
        certification=peer,
    )
    for to in ("investigation", "findings"):
        case_services.case_advance(actor=cast.other_admin, case=case, to=to)
    decision = case_services.case_decide(
        actor=cast.other_admin,
        case=case,
        outcome="suspension",
        findings="Shared a participant's story with a neighbour.",
        expected_decisions=0,
        suspension_conditions="A confidentiality course.",
        disclosure="summary",
        public_summary="Suspended for a breach of confidentiality.",
    )

    body = api.get(URL.format(peer.number)).json()

    assert body["status"] == "suspended"
    assert body["public_actions"] == [
        {
            "action": "suspension",
            "effective_on": decision.effective_on.isoformat(),
            "ended_on": None,
            "summary": "Suspended for a breach of confidentiality.",
        }
    ]
    for private in ("Lopez", "neighbour", "confidentiality course", "private reason"):
        assert private not in str(body)
    # Withdrawn (an appeal overturned it): no longer shown.
    PublicNotice.objects.update(withdrawn_at=decision.decided_at)
    assert api.get(URL.format(peer.number)).json()["public_actions"] == []

"""Issuing credentials, the status lists, the DID document, the wallet link and the page that
checks a pasted credential (the product's own verifier; the independent one is in
test_independent_verifier.py)."""

import base64
import datetime
import gzip
import json
import zoneinfo
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from certification import services
from core.errors import DomainError
from credentials.documents import STATUS_LIST_LENGTH, encoded_list
from credentials.keys import issuer_did
from credentials.models import CredentialStatusEntry, SignedStatusList
from credentials.services import credential_issue, status_list_current
from credentials.verification import credential_verify
from tests.credentials.conftest import download
from tests.factories import CertificationFactory, SpecializationFactory

pytestmark = pytest.mark.django_db
# Relative to today, so the credential is current whenever the tests run.
ISSUED_ON = datetime.date.today() - datetime.timedelta(days=100)
EXPIRES_ON = ISSUED_ON + datetime.timedelta(days=730)


@pytest.fixture
def certification(cast):
    certification = CertificationFactory(
        holder=cast.applicant,
        issuing_county=cast.county,
        first_name="Ana",
        last_name="Reyes",
        issued_on=ISSUED_ON,
        expires_on=EXPIRES_ON,
    )
    SpecializationFactory(certification=certification, code="crisis")
    return certification


def _bit(encoded: str, index: int) -> bool:
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) * 8 == STATUS_LIST_LENGTH
    return bool(raw[index >> 3] & (0x80 >> (index & 7)))


def test_the_credential_is_an_open_badge_naming_the_certification(cast, certification):
    credential = download(cast.applicant)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == issuer_did() == "did:web:127.0.0.1%3A8000"
    pacific = zoneinfo.ZoneInfo("America/Los_Angeles")
    valid_from = datetime.datetime.combine(ISSUED_ON, datetime.time(), pacific)
    valid_until = datetime.datetime.combine(EXPIRES_ON, datetime.time(23, 59, 59), pacific)
    assert credential["validFrom"] == valid_from.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert credential["validUntil"] == valid_until.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert credential["validFrom"][11:] in ("08:00:00Z", "07:00:00Z")
    subject = credential["credentialSubject"]
    assert subject["name"] == "Ana Reyes"
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": "Ana Reyes",
            "identityType": "name",
            "hashed": False,
        }
    ]
    assert subject["licenseNumber"] == certification.number
    assert (
        subject["source"]["name"] == "Alameda County peer support specialist certification program"
    )
    assert subject["achievement"]["achievementType"] == "Certification"
    assert subject["achievement"]["specialization"] == "Crisis Services"
    assert subject["achievement"]["tag"] == ["crisis"]
    entry = CredentialStatusEntry.objects.get(certification=certification)
    assert [s["statusPurpose"] for s in credential["credentialStatus"]] == [
        "revocation",
        "suspension",
    ]
    for status in credential["credentialStatus"]:
        assert status["type"] == "BitstringStatusListEntry"
        assert status["statusListIndex"] == str(entry.index)
        assert status["statusListCredential"].endswith(
            f"/credentials/status/{status['statusPurpose']}/{entry.list_number}"
        )
    proof = credential["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"] == f"{issuer_did()}#key-1"
    event = AuditEvent.objects.get(verb="credential_issue")
    assert event.actor == cast.applicant and event.data["credential_id"] == credential["id"]


def test_every_credential_of_a_certification_shares_its_status_position(cast, certification):
    first, second = download(cast.applicant), download(cast.applicant)
    assert first["id"] != second["id"]
    assert first["credentialStatus"] == second["credentialStatus"]
    assert CredentialStatusEntry.objects.count() == 1


def test_only_the_holder_and_only_while_active(cast, certification):
    with pytest.raises(PermissionDenied):
        credential_issue(actor=cast.admin, certification=certification)
    services.certification_suspend(actor=cast.admin, certification=certification, reason="x")
    with pytest.raises(DomainError) as refused:
        credential_issue(actor=cast.applicant, certification=certification)
    assert refused.value.code == "conflict"
    assert not CredentialStatusEntry.objects.exists()
    assert not AuditEvent.objects.filter(verb="credential_issue").exists()


def test_without_keys_and_debug_off_no_credential_is_offered(cast, certification, settings):
    settings.VC_ISSUER_KEYS = ""
    settings.DEBUG = False
    with pytest.raises(DomainError, match="no issuer key"):
        credential_issue(actor=cast.applicant, certification=certification)
    assert not CredentialStatusEntry.objects.exists()


def test_the_status_list_follows_each_change_at_once_and_is_signed_again(cast, certification):
    credential = download(cast.applicant)
    index = int(credential["credentialStatus"][0]["statusListIndex"])
    before = status_list_current(purpose="suspension", list_number=0)
    assert _bit(before["credentialSubject"]["encodedList"], index) is False
    # Unchanged bits: the stored copy, not a new signature.
    assert status_list_current(purpose="suspension", list_number=0) == before

    services.certification_suspend(actor=cast.admin, certification=certification, reason="x")
    after = status_list_current(purpose="suspension", list_number=0)
    assert _bit(after["credentialSubject"]["encodedList"], index) is True
    assert after["proof"]["proofValue"] != before["proof"]["proofValue"]
    revocation = status_list_current(purpose="revocation", list_number=0)
    assert _bit(revocation["credentialSubject"]["encodedList"], index) is False
    assert SignedStatusList.objects.count() == 2


def test_encoded_list_sets_the_bits_left_to_right():
    encoded = encoded_list([0, 9, STATUS_LIST_LENGTH - 1])
    assert encoded.startswith("u")
    assert [_bit(encoded, i) for i in (0, 1, 8, 9, STATUS_LIST_LENGTH - 1)] == [
        True,
        False,
        False,
        True,
        True,
    ]


def test_the_served_status_list_and_did_document(cast, certification):
    download(cast.applicant)
    client = Client()
    response = client.get("/credentials/status/revocation/0")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == issuer_did()
    assert client.get("/credentials/status/revocation/7").status_code == 404
    assert client.get("/credentials/status/other/0").status_code == 404
    # What is no list answers JSON too, never the HTML page.
    for junk in ("revocation/1000000000", "revocation/x", "revocation/%C2%B2"):
        response = client.get(f"/credentials/status/{junk}")
        assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    did = json.loads(client.get("/.well-known/did.json").content)
    assert did["id"] == issuer_did()
    assert did["assertionMethod"] == [f"{issuer_did()}#key-1"]
    assert did["verificationMethod"][0]["type"] == "Multikey"
    assert did["verificationMethod"][0]["publicKeyMultibase"].startswith("z6Mk")


def test_the_public_documents_are_rate_limited(cast, certification, settings):
    download(cast.applicant)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "credentials_anon": "2/min",
        },
    }
    client = Client()
    assert client.get("/.well-known/did.json").status_code == 200
    assert client.get("/credentials/status/revocation/0").status_code == 200
    refused = client.get("/credentials/status/suspension/0")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1


def test_the_portal_page_shows_the_qr_code_and_the_download(cast, certification):
    client = Client()
    client.force_login(cast.applicant)
    page = client.get(reverse("portal:credential")).content.decode()
    assert 'src="data:image/png;base64,' in page
    assert 'href="openid-credential-offer://?credential_offer_uri=' in page
    assert "Download my credential (JSON)" in page
    card = client.get(reverse("portal:certification")).content.decode()
    assert reverse("portal:credential") in card


def test_the_portal_page_in_spanish(cast, certification):
    client = Client(headers={"accept-language": "es"})
    client.force_login(cast.applicant)
    page = client.get(reverse("portal:credential")).content.decode()
    assert "Mi credencial digital" in page


def test_a_suspended_certification_has_no_credential_page(cast, certification):
    services.certification_suspend(actor=cast.admin, certification=certification, reason="x")
    client = Client()
    client.force_login(cast.applicant)
    assert client.get(reverse("portal:credential")).status_code == 404
    assert client.post(reverse("portal:credential")).status_code == 404
    assert not CredentialStatusEntry.objects.exists()


def _check(text: str, language: str = "en"):
    return Client(headers={"accept-language": language}).post(
        reverse("verify_credential"), {"credential": text}
    )


def test_the_verify_page_says_authentic_and_current(cast, certification):
    response = _check(json.dumps(download(cast.applicant)))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-verdict="current"' in page and "Authentic and current" in page
    assert certification.number in page


def test_the_verify_page_says_not_current_after_suspension_and_revocation(cast, certification):
    text = json.dumps(download(cast.applicant))
    services.certification_suspend(actor=cast.admin, certification=certification, reason="x")
    page = _check(text).content.decode()
    assert 'data-verdict="not-current"' in page and "It is suspended." in page
    services.certification_revoke(actor=cast.admin, certification=certification, reason="x")
    page = _check(text).content.decode()
    assert "It has been revoked." in page


def test_the_verify_page_refuses_a_changed_credential(cast, certification):
    credential = download(cast.applicant)
    credential["credentialSubject"]["name"] = "Ana Reyez"
    page = _check(json.dumps(credential)).content.decode()
    assert 'data-verdict="not-authentic"' in page
    assert "The signature does not match the credential." in page


def test_the_verify_page_says_expired(cast, certification):
    credential = download(cast.applicant)
    after_expiry = datetime.datetime.combine(
        EXPIRES_ON + datetime.timedelta(days=2), datetime.time(), datetime.UTC
    )
    verdict = credential_verify(credential, now=after_expiry)
    assert verdict.authentic is True and verdict.current is False
    assert verdict.problems == ["It has expired: its validity period has ended."]


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("", 400, "Paste a credential."),
        ("{not json", 400, "This is not JSON."),
        ("[1, 2]", 200, "This is not a credential: expected a JSON object."),
        ('{"@context": ["x"]}', 200, "This is not a W3C Verifiable Credential 2.0."),
        (
            json.dumps(
                {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiableCredential"],
                    "issuer": "did:web:elsewhere.example",
                }
            ),
            200,
            "It was not issued by this program.",
        ),
        ("x" * 70_000, 400, "at most 64000 characters"),
    ],
)
def test_the_verify_page_explains_bad_input_never_a_500(text, status, message):
    response = _check(text)
    assert response.status_code == status
    assert message in response.content.decode()


def test_a_credential_naming_an_unknown_context_is_refused_without_fetching(cast, certification):
    credential = download(cast.applicant)
    credential["@context"].append("https://attacker.example/context.json")
    verdict = credential_verify(credential)
    assert verdict.authentic is False
    assert "names a context this program does not use" in verdict.problems[0]


def test_the_verify_page_in_spanish(cast, certification):
    page = _check(json.dumps(download(cast.applicant)), "es").content.decode()
    assert "Auténtica y vigente" in page


def test_the_verify_page_shares_the_verification_rate_limit(cast, certification, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verify_anon": "1/min",
        },
    }
    assert _check("{}").status_code == 200
    refused = _check("{}")
    assert refused.status_code == 429 and "Retry-After" in refused


def test_the_key_command_prints_a_key_that_signs(cast, certification, settings):
    out = StringIO()
    call_command("vc_issuer_key_generate", "key-9", stdout=out)
    entry = json.loads(out.getvalue().splitlines()[0])
    settings.VC_ISSUER_KEYS = json.dumps({"current": "key-9", "keys": [entry]})
    credential = download(cast.applicant)
    assert credential["proof"]["verificationMethod"].endswith("#key-9")
    assert credential_verify(credential).current is True


def test_keys_from_a_file(cast, certification, settings, tmp_path):
    path = tmp_path / "keys.json"
    path.write_text(settings.VC_ISSUER_KEYS)
    settings.VC_ISSUER_KEYS = ""
    settings.VC_ISSUER_KEYS_FILE = str(path)
    assert credential_verify(download(cast.applicant)).current is True

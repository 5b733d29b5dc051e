"""Wallets collect the credential by OpenID for Verifiable Credential Issuance 1.0, the
pre-authorized code flow (credentials/wallet.py, docs/CONTRACTS.md#wallets): the flow over
HTTP as a wallet drives it; a code works once and only while fresh; a token gives its own
holder's credential and nothing else; a certification suspended in between gives nothing; and
an independent client implementation (@openid4vc/openid4vci in Node) collects a credential
from a live server that Digital Bazaar's verifier then accepts."""

import base64
import html
import io
import json
import re
import subprocess
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import zxingcpp
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from PIL import Image

from audit.models import AuditEvent
from certification import services
from core.errors import DomainError
from credentials import wallet
from credentials.verification import credential_verify
from tests.credentials.conftest import REPO, node_verify
from tests.factories import CertificationFactory, SpecializationFactory, UserFactory

WALLET = REPO / "tests" / "credentials" / "wallet_client.mjs"
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_LINK = re.compile(r'href="(openid-credential-offer://[^"]+)"')
QR_IMAGE = re.compile(r'class="credential-qr" src="data:image/png;base64,([^"]+)"')


@pytest.fixture
def certification(cast):
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    SpecializationFactory(certification=certification, code="crisis")
    return certification


def _offer_link(user) -> str:
    """What a phone reads from the QR code of the holder's credential page (decoded from the
    image by zxing-cpp); the page's "open in a wallet app" link is the same."""
    client = Client()
    client.force_login(user)
    page = client.get(reverse("portal:credential")).content.decode()
    image = base64.b64decode(QR_IMAGE.search(page).group(1))
    (scanned,) = [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))]
    assert scanned == html.unescape(OFFER_LINK.search(page).group(1))
    return scanned


def _offer_path(link: str) -> str:
    assert link.startswith("openid-credential-offer://?")
    (uri,) = parse_qs(urlsplit(link).query)["credential_offer_uri"]
    return urlsplit(uri).path


def _form(client: Client, data: dict):
    """A token request as OAuth 2.0 sends it: application/x-www-form-urlencoded."""
    return client.post(
        "/credentials/oid4vci/token",
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
    )


def _token(client: Client, code: str):
    return _form(client, {"grant_type": GRANT, "pre-authorized_code": code})


def _credential(client: Client, token: str, body: dict | None = None):
    return client.post(
        "/credentials/oid4vci/credential",
        json.dumps(
            body if body is not None else {"credential_configuration_id": wallet.CONFIGURATION_ID}
        ),
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )


def _issued() -> int:
    return AuditEvent.objects.filter(verb="credential_issue").count()


@pytest.mark.django_db
class TestTheFlowOverHttp:
    def test_a_wallet_follows_the_qr_code_to_the_signed_credential(
        self, cast, certification, settings
    ):
        wallet_client = Client()  # the phone: no session, no cookies
        offer = wallet_client.get(_offer_path(_offer_link(cast.applicant)))
        assert offer.status_code == 200 and offer["Cache-Control"] == "no-store"
        offer = offer.json()
        assert offer["credential_issuer"] == settings.SITE_URL
        assert offer["credential_configuration_ids"] == [wallet.CONFIGURATION_ID]
        code = offer["grants"][GRANT]["pre-authorized_code"]

        metadata = wallet_client.get("/.well-known/openid-credential-issuer").json()
        assert metadata["credential_issuer"] == offer["credential_issuer"]
        configuration = metadata["credential_configurations_supported"][wallet.CONFIGURATION_ID]
        assert configuration["format"] == "ldp_vc"
        assert configuration["credential_definition"]["type"] == [
            "VerifiableCredential",
            "OpenBadgeCredential",
        ]
        assert configuration["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022"]
        authorization = wallet_client.get("/.well-known/oauth-authorization-server").json()
        assert authorization["issuer"] == metadata["credential_issuer"]
        assert authorization["token_endpoint"].endswith("/credentials/oid4vci/token")
        assert authorization["pre-authorized_grant_anonymous_access_supported"] is True

        token = _token(wallet_client, code)
        assert token.status_code == 200 and token["Cache-Control"] == "no-store"
        assert token.json()["token_type"] == "Bearer"
        assert 0 < token.json()["expires_in"] <= 300

        answer = _credential(wallet_client, token.json()["access_token"])
        assert answer.status_code == 200, answer.content
        (entry,) = answer.json()["credentials"]
        credential = entry["credential"]
        assert credential["credentialSubject"]["licenseNumber"] == certification.number
        assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        assert credential_verify(credential).current is True
        assert AuditEvent.objects.get(verb="credential_issue").actor == cast.applicant

    def test_a_wallet_of_draft_13_asks_by_format_and_reads_one_credential(
        self, cast, certification
    ):
        client = Client()
        code = client.get(_offer_path(_offer_link(cast.applicant))).json()["grants"][GRANT][
            "pre-authorized_code"
        ]
        token = _token(client, code).json()["access_token"]
        answer = _credential(
            client,
            token,
            {
                "format": "ldp_vc",
                "credential_definition": {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiableCredential", "OpenBadgeCredential"],
                },
            },
        )
        assert answer.status_code == 200
        assert answer.json()["credential"]["credentialSubject"]["licenseNumber"] == (
            certification.number
        )

    def test_the_code_works_once(self, cast, certification):
        client = Client()
        offer_path = _offer_path(_offer_link(cast.applicant))
        code = client.get(offer_path).json()["grants"][GRANT]["pre-authorized_code"]
        assert _token(client, code).status_code == 200
        again = _token(client, code)
        assert again.status_code == 400
        assert again.json()["error"] == "invalid_grant"
        # The offer is spent with its code: the QR code now leads nowhere.
        assert client.get(offer_path).status_code == 404

    def test_an_expired_code_gives_nothing(self, cast, certification, settings):
        settings.WALLET_OFFER_SECONDS = 1
        client = Client()
        offer_path = _offer_path(_offer_link(cast.applicant))
        code = client.get(offer_path).json()["grants"][GRANT]["pre-authorized_code"]
        time.sleep(1.1)  # Redis expires the 1-second offer to the millisecond
        assert client.get(offer_path).status_code == 404
        refused = _token(client, code)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
        assert _issued() == 0

    def test_an_expired_access_token_gives_nothing(self, cast, certification, settings):
        settings.WALLET_ACCESS_TOKEN_SECONDS = 1
        client = Client()
        code = client.get(_offer_path(_offer_link(cast.applicant))).json()["grants"][GRANT][
            "pre-authorized_code"
        ]
        token = _token(client, code).json()["access_token"]
        time.sleep(1.1)  # Redis expires the 1-second token to the millisecond
        refused = _credential(client, token)
        assert refused.status_code == 401
        assert refused["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        assert _issued() == 0

    def test_a_made_up_code_or_token_gives_nothing(self, cast, certification):
        client = Client()
        refused = _token(client, "x" * 43)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
        assert _credential(client, "y" * 43).status_code == 401
        assert client.get("/credentials/oid4vci/offers/" + "z" * 32).status_code == 404
        for junk in ("short", "%C2%84" * 10, "y" * 65):
            response = client.get("/credentials/oid4vci/offers/" + junk)
            assert (response.status_code, response["Content-Type"]) == (404, "application/json")
        assert _issued() == 0

    def test_malformed_requests_get_clear_oauth_errors(self, cast, certification):
        client = Client()
        code = client.get(_offer_path(_offer_link(cast.applicant))).json()["grants"][GRANT][
            "pre-authorized_code"
        ]
        wrong_grant = _form(client, {"grant_type": "authorization_code", "code": code})
        assert wrong_grant.json()["error"] == "unsupported_grant_type"
        no_code = _form(client, {"grant_type": GRANT})
        assert no_code.status_code == 400 and no_code.json()["error"] == "invalid_request"
        as_json = client.post(
            "/credentials/oid4vci/token",
            json.dumps({"grant_type": GRANT, "pre-authorized_code": code}),
            content_type="application/json",
        )
        assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
        assert client.get("/credentials/oid4vci/token").status_code == 405
        # None of these spent the code.
        token = _token(client, code).json()["access_token"]
        unknown = _credential(client, token, {"credential_configuration_id": "DriverLicense"})
        assert unknown.status_code == 400
        assert unknown.json()["error"] == "unknown_credential_configuration"
        not_json = client.post(
            "/credentials/oid4vci/credential",
            "{not json",
            content_type="application/json",
            headers={"authorization": f"Bearer {token}"},
        )
        assert not_json.status_code == 400
        assert not_json.json()["error"] == "invalid_credential_request"
        no_bearer = client.post(
            "/credentials/oid4vci/credential",
            json.dumps({"credential_configuration_id": wallet.CONFIGURATION_ID}),
            content_type="application/json",
        )
        assert no_bearer.status_code == 401
        assert _issued() == 0
        assert _credential(client, token).status_code == 200


@pytest.mark.django_db
class TestOnlyTheHoldersOwnCredential:
    def test_nobody_else_gets_an_offer_for_the_certification(self, cast, certification):
        stranger = UserFactory()
        with pytest.raises(PermissionDenied):
            wallet.wallet_offer_create(actor=stranger, certification=certification)

    def test_a_token_gives_the_certification_of_its_own_offer_only(self, cast, certification):
        other_holder = UserFactory()
        other = CertificationFactory(holder=other_holder, issuing_county=cast.county)
        client = Client()
        code = client.get(_offer_path(_offer_link(cast.applicant))).json()["grants"][GRANT][
            "pre-authorized_code"
        ]
        token = _token(client, code).json()["access_token"]
        # The request has no way to name a certification: whatever is sent, it is the offer's.
        answer = _credential(
            client,
            token,
            {"credential_configuration_id": wallet.CONFIGURATION_ID, "number": other.number},
        )
        assert (
            answer.json()["credentials"][0]["credential"]["credentialSubject"]["licenseNumber"]
            == certification.number
        )
        assert not AuditEvent.objects.filter(verb="credential_issue", subject=other_holder).exists()

    def test_an_offer_whose_certification_changed_hands_gives_nothing(self, cast, certification):
        client = Client()
        code = client.get(_offer_path(_offer_link(cast.applicant))).json()["grants"][GRANT][
            "pre-authorized_code"
        ]
        # The offer names the holder as well as the certification: a certification record
        # now held by someone else (a merge of duplicate accounts) is not handed over.
        type(certification).objects.filter(pk=certification.pk).update(holder=UserFactory())
        refused = _token(client, code)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
        assert _issued() == 0

    def test_a_suspension_after_the_offer_or_the_token_gives_nothing(self, cast, certification):
        client = Client()
        first = client.get(_offer_path(_offer_link(cast.applicant))).json()["grants"][GRANT][
            "pre-authorized_code"
        ]
        second = client.get(_offer_path(_offer_link(cast.applicant))).json()["grants"][GRANT][
            "pre-authorized_code"
        ]
        token = _token(client, second).json()["access_token"]
        services.certification_suspend(actor=cast.admin, certification=certification, reason="x")
        refused = _token(client, first)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
        denied = _credential(client, token)
        assert denied.status_code == 400
        assert denied.json()["error"] == "credential_request_denied"
        assert _issued() == 0
        certification.refresh_from_db()
        with pytest.raises(DomainError):
            wallet.wallet_offer_create(actor=cast.applicant, certification=certification)


def _node_wallet(link: str, *extra: str) -> dict:
    completed = subprocess.run(
        ["node", str(WALLET), link, *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_an_independent_wallet_client_collects_a_credential_that_verifies(
    cast,
    certification,
    live_server,
    settings,
    transactional_db,
    django_db_serialized_rollback,
    tmp_path,
):
    """The OpenWallet Foundation's OID4VCI client, over real HTTP to a live server: it reads
    the offer and the metadata as OID4VCI 1.0, trades the code once (a second time is
    refused), and receives a credential Digital Bazaar's verifier accepts. Serialized
    rollback, like the browser and worker tests: the flush after it must not recreate the
    content types those tests restore."""
    settings.SITE_URL = live_server.url
    result = _node_wallet(_offer_link(cast.applicant), "redeem-twice")
    assert "error" not in result, result
    assert result["version"] == "V1"
    assert result["offer"]["credential_issuer"] == live_server.url
    assert result["configuration"]["format"] == "ldp_vc"
    assert result["ok"] is True
    assert result["second_token_error"] is not None
    assert "invalid_grant" in json.dumps(result["second_token_error"])
    (entry,) = result["credentials"]
    credential = entry["credential"]
    assert credential["credentialSubject"]["licenseNumber"] == certification.number
    assert node_verify(credential, tmp_path)["verified"] is True

    # A QR code whose code another wallet already spent: the client gets nothing.
    link = _offer_link(cast.applicant)
    assert "error" not in _node_wallet(link)
    spent = _node_wallet(link)
    assert spent["error"]["response"] == 404, spent
    assert AuditEvent.objects.filter(verb="credential_issue").count() == 2


@pytest.mark.django_db
def test_the_wallet_offer_reads_in_spanish(cast, certification):
    client = Client(headers={"accept-language": "es"})
    client.force_login(cast.applicant)
    page = client.get(reverse("portal:credential")).content.decode()
    assert "Abrir en una aplicación de billetera en este teléfono" in page
    assert "El código funciona una sola vez" in page
    metadata = Client().get("/.well-known/openid-credential-issuer").json()
    assert {d["locale"] for d in metadata["display"]} == {"en-US", "es-US"}

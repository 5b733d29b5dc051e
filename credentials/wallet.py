"""A wallet app collects the holder's credential by OpenID for Verifiable Credential Issuance
1.0 (OID4VCI, openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html), the
pre-authorized code flow (docs/CONTRACTS.md#wallets):

1. the holder's credential page shows a QR code holding a credential offer,
   `openid-credential-offer://?credential_offer_uri=<SITE_URL>/credentials/oid4vci/offers/<id>`;
2. the wallet fetches the offer (the issuer, the one credential configuration, a
   pre-authorized code) and the issuer's metadata at `/.well-known/openid-credential-issuer`
   (this site is its own authorization server: `/.well-known/oauth-authorization-server`);
3. it trades the pre-authorized code at the token endpoint for an access token: the code works
   once and for `WALLET_OFFER_SECONDS`, only while the certification it names is active and
   held by the person it was made for;
4. it asks the credential endpoint with the access token and receives the signed credential
   (`ldp_vc`, issued to the holder exactly as the download button issues it).

The codes and tokens live in Redis (the cache), keyed by their SHA-256 and expiring by
themselves: they are short-lived bearer secrets, and losing them in a Redis restart only means
scanning a fresh code. A code is spent by deleting its key; of two requests racing with one
code only the one whose delete removed it gets a token. No `tx_code` is asked: the QR code is
shown only on the signed-in holder's own screen and the credential carries only what the public
registry shows (SECURITY.md, "Verifiable credentials").
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from certification.models import Certification, CertificationStatus
from core.errors import DomainError
from core.rls import rls_context
from credentials.documents import ISSUER_NAME
from credentials.jsonld import CREDENTIALS_V2, OPEN_BADGES_V3
from credentials.services import credential_issue

PRE_AUTHORIZED_CODE_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION_ID = "PeerSupportSpecialistCertification"
CREDENTIAL_FORMAT = "ldp_vc"
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
OFFER_SCHEME = "openid-credential-offer://"
_PREFIX = "oid4vci"
# The wallet shows the issuer's and the credential's names in the phone's language.
ISSUER_NAME_ES = "Certificación de Especialistas en Apoyo entre Pares de California"


class WalletError(Exception):
    """An OAuth 2.0 / OID4VCI error answer: `error` code, description, HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class WalletOffer:
    offer_id: str
    expires_in: int

    @property
    def uri(self) -> str:
        return f"{settings.SITE_URL}/credentials/oid4vci/offers/{self.offer_id}"

    @property
    def deep_link(self) -> str:
        """The link a wallet opens (what the QR code holds)."""
        return OFFER_SCHEME + "?" + urlencode({"credential_offer_uri": self.uri})


def _key(kind: str, secret: str) -> str:
    return f"{_PREFIX}:{kind}:{hashlib.sha256(secret.encode()).hexdigest()}"


def issuer_identifier() -> str:
    return settings.SITE_URL


def endpoint(name: str) -> str:
    return f"{settings.SITE_URL}/credentials/oid4vci/{name}"


def wallet_offer_create(*, actor: User, certification: Certification) -> WalletOffer:
    """A fresh credential offer with its pre-authorized code, for the holder of an active
    certification (PermissionDenied for anyone else; a conflict for another status)."""
    if not actor.is_authenticated or certification.holder_id != actor.pk:
        raise PermissionDenied("Only the holder receives the certification's credential.")
    if certification.status != CertificationStatus.ACTIVE:
        raise DomainError(
            _("Only an active certification can be downloaded as a digital credential."),
            code="conflict",
        )
    seconds = settings.WALLET_OFFER_SECONDS
    offer_id = secrets.token_urlsafe(24)
    code = secrets.token_urlsafe(32)
    binding = {"c": certification.pk, "h": certification.holder_id, "o": _key("offer", offer_id)}
    cache.set_many({_key("code", code): binding, _key("offer", offer_id): code}, seconds)
    return WalletOffer(offer_id=offer_id, expires_in=seconds)


def credential_offer_document(offer_id: str) -> dict[str, Any] | None:
    """The credential offer object behind `credential_offer_uri` (OID4VCI 1.0 §4.1.1), or
    None once its code is spent or expired."""
    code = cache.get(_key("offer", offer_id))
    if not isinstance(code, str):
        return None
    return {
        "credential_issuer": issuer_identifier(),
        "credential_configuration_ids": [CONFIGURATION_ID],
        "grants": {PRE_AUTHORIZED_CODE_GRANT: {"pre-authorized_code": code}},
    }


def _bound_certification(binding: Any) -> Certification | None:
    if not isinstance(binding, dict):
        return None
    return (
        Certification.objects.select_related("issuing_county", "holder")
        .filter(pk=binding.get("c"), holder_id=binding.get("h"))
        .first()
    )


def access_token_grant(*, grant_type: str, code: str) -> dict[str, Any]:
    """The token endpoint (OID4VCI 1.0 §6): a pre-authorized code, spent, for an access token
    bound to the same certification and holder."""
    if grant_type != PRE_AUTHORIZED_CODE_GRANT:
        raise WalletError(
            "unsupported_grant_type", "Only the pre-authorized code grant is supported."
        )
    if not code:
        raise WalletError("invalid_request", "The pre-authorized_code parameter is missing.")
    key = _key("code", code)
    binding = cache.get(key)
    # Spent by deleting it: of two requests racing with one code only one delete succeeds.
    if binding is None or not cache.delete(key):
        raise WalletError(
            "invalid_grant", "The pre-authorized code is not valid, has expired or was used."
        )
    cache.delete(binding.get("o", ""))
    certification = _bound_certification(binding)
    if certification is None or certification.status != CertificationStatus.ACTIVE:
        raise WalletError("invalid_grant", "The certification is no longer active.")
    token = secrets.token_urlsafe(32)
    seconds = settings.WALLET_ACCESS_TOKEN_SECONDS
    cache.set(_key("token", token), {"c": certification.pk, "h": certification.holder_id}, seconds)
    return {"access_token": token, "token_type": "Bearer", "expires_in": seconds}


def _configuration_requested(body: dict[str, Any]) -> bool:
    """OID4VCI 1.0 names the configuration; drafts 13–14 named the format and the type."""
    if "credential_configuration_id" in body:
        return body["credential_configuration_id"] == CONFIGURATION_ID
    definition = body.get("credential_definition")
    return (
        body.get("format") == CREDENTIAL_FORMAT
        and isinstance(definition, dict)
        and isinstance(definition.get("type"), list)
        and set(definition["type"]) == set(CREDENTIAL_TYPE)
    )


def credential_for_token(*, token: str, body: Any) -> dict[str, Any]:
    """The credential endpoint (OID4VCI 1.0 §8): the signed credential of the certification
    the access token is bound to, issued to its holder."""
    binding = cache.get(_key("token", token)) if token else None
    if binding is None:
        raise WalletError("invalid_token", "The access token is not valid or has expired.", 401)
    if not isinstance(body, dict):
        raise WalletError("invalid_credential_request", "The request body is not a JSON object.")
    if not _configuration_requested(body):
        raise WalletError(
            "unknown_credential_configuration",
            f"This issuer offers one credential configuration, {CONFIGURATION_ID}.",
        )
    certification = _bound_certification(binding)
    if certification is None:
        raise WalletError("credential_request_denied", "The certification is not available.")
    try:
        with rls_context(certification.holder):
            return credential_issue(actor=certification.holder, certification=certification)
    except DomainError as exc:
        raise WalletError("credential_request_denied", str(exc.message)) from None


def issuer_metadata() -> dict[str, Any]:
    """Credential Issuer Metadata (OID4VCI 1.0 §12.2)."""
    return {
        "credential_issuer": issuer_identifier(),
        "credential_endpoint": endpoint("credential"),
        "display": [
            {"name": ISSUER_NAME, "locale": "en-US"},
            {"name": ISSUER_NAME_ES, "locale": "es-US"},
        ],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                "format": CREDENTIAL_FORMAT,
                "credential_definition": {
                    "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
                    "type": CREDENTIAL_TYPE,
                },
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "credential_metadata": {
                    "display": [
                        {
                            "name": "Medi-Cal Peer Support Specialist",
                            "locale": "en-US",
                            "description": ISSUER_NAME,
                        },
                        {
                            "name": "Especialista en Apoyo entre Pares de Medi-Cal",
                            "locale": "es-US",
                            "description": ISSUER_NAME_ES,
                        },
                    ]
                },
            }
        },
    }


def authorization_server_metadata() -> dict[str, Any]:
    """OAuth 2.0 Authorization Server Metadata (RFC 8414): only a token endpoint, for the
    pre-authorized code grant, which needs no client authentication."""
    return {
        "issuer": issuer_identifier(),
        "token_endpoint": endpoint("token"),
        "grant_types_supported": [PRE_AUTHORIZED_CODE_GRANT],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }

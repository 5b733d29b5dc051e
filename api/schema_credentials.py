"""The OpenAPI description of the digital credentials' public endpoints, which are plain
Django views (api/views_credentials.py) rather than DRF views: the site's DID document, the
Bitstring Status List credentials and the wallets' OpenID for Verifiable Credential Issuance
1.0 endpoints (docs/CONTRACTS.md, "Wallets (OID4VCI)"). Added to the schema by
`api.schema_hooks.public_documents`, so the schemathesis run of tests/api/test_schema.py checks
them like the rest of the API. The FHIR directory describes itself in FHIR's own way, its
CapabilityStatement at /fhir/R4/metadata."""

from typing import Any

from credentials.wallet import CONFIGURATION_ID, PRE_AUTHORIZED_CODE_GRANT

TAG_CREDENTIALS = "Digital credentials"
TAG_WALLETS = "Wallets (OID4VCI)"

_DETAIL = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}},
}
_OAUTH_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "error_description": {"type": "string"},
    },
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "string"},
    }
}
_JSON_LD_DOCUMENT = {"type": "object", "additionalProperties": True}


def _json(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"content": {media: {"schema": schema}}}


def _limited() -> dict[str, Any]:
    return {
        "429": {
            "description": "Too many requests from this client (THROTTLE_CREDENTIALS_ANON).",
            "headers": _RETRY_AFTER,
            **_json(_DETAIL),
        }
    }


def _operation(
    operation_id: str,
    tag: str,
    summary: str,
    description: str,
    responses: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "description": description,
        "security": [],
        "responses": {**responses, **_limited()},
        **extra,
    }


_METADATA = {
    "type": "object",
    "required": ["credential_issuer", "credential_endpoint", "credential_configurations_supported"],
    "properties": {
        "credential_issuer": {"type": "string", "format": "uri"},
        "credential_endpoint": {"type": "string", "format": "uri"},
        "display": {"type": "array", "items": {"type": "object"}},
        "credential_configurations_supported": {
            "type": "object",
            "required": [CONFIGURATION_ID],
            "additionalProperties": {"type": "object"},
        },
    },
}
_AUTHORIZATION_SERVER = {
    "type": "object",
    "required": ["issuer", "token_endpoint"],
    "properties": {
        "issuer": {"type": "string", "format": "uri"},
        "token_endpoint": {"type": "string", "format": "uri"},
        "grant_types_supported": {"type": "array", "items": {"type": "string"}},
        "pre-authorized_grant_anonymous_access_supported": {"type": "boolean"},
    },
}
_OFFER = {
    "type": "object",
    "required": ["credential_issuer", "credential_configuration_ids", "grants"],
    "properties": {
        "credential_issuer": {"type": "string", "format": "uri"},
        "credential_configuration_ids": {
            "type": "array",
            "items": {"type": "string", "enum": [CONFIGURATION_ID]},
        },
        "grants": {
            "type": "object",
            "required": [PRE_AUTHORIZED_CODE_GRANT],
            "properties": {
                PRE_AUTHORIZED_CODE_GRANT: {
                    "type": "object",
                    "required": ["pre-authorized_code"],
                    "properties": {"pre-authorized_code": {"type": "string"}},
                }
            },
        },
    },
}
_TOKEN = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in"],
    "properties": {
        "access_token": {"type": "string"},
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer"},
    },
}
_CREDENTIALS = {
    "type": "object",
    "required": ["credentials"],
    "properties": {
        "credentials": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["credential"],
                "properties": {"credential": _JSON_LD_DOCUMENT},
            },
        },
        "credential": _JSON_LD_DOCUMENT,
    },
}


def credential_paths() -> dict[str, Any]:
    """The OpenAPI path items of the credentials' public endpoints."""
    no_store = {"Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}}}
    return {
        "/.well-known/did.json": {
            "get": _operation(
                "did_document",
                TAG_CREDENTIALS,
                "The site's DID document (did:web)",
                "Every issuer key, current and retired, as a Multikey assertion method.",
                {
                    "200": {
                        "description": "The DID document.",
                        **_json(_JSON_LD_DOCUMENT, "application/did+ld+json"),
                    }
                },
            )
        },
        "/credentials/status/{purpose}/{list_number}": {
            "get": _operation(
                "credential_status_list",
                TAG_CREDENTIALS,
                "A Bitstring Status List credential",
                "Built from the certifications' committed statuses at each request and signed "
                "again whenever its bits change (no lag after a suspension or revocation).",
                {
                    "200": {
                        "description": "The signed status list credential.",
                        **_json(_JSON_LD_DOCUMENT, "application/vc+ld+json"),
                    },
                    "404": {"description": "No such list.", **_json(_DETAIL)},
                    "503": {"description": "The program has no issuer key yet.", **_json(_DETAIL)},
                },
                parameters=[
                    {
                        "name": "purpose",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": ["revocation", "suspension"]},
                    },
                    {
                        "name": "list_number",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": 999_999_999},
                    },
                ],
            )
        },
        "/.well-known/openid-credential-issuer": {
            "get": _operation(
                "oid4vci_issuer_metadata",
                TAG_WALLETS,
                "Credential Issuer Metadata (OID4VCI 1.0)",
                f"One credential configuration, `{CONFIGURATION_ID}`: `ldp_vc`, an Open Badges "
                "3.0 OpenBadgeCredential signed with eddsa-rdfc-2022; no proof of possession.",
                {"200": {"description": "The metadata.", **_json(_METADATA)}},
            )
        },
        "/.well-known/oauth-authorization-server": {
            "get": _operation(
                "oauth_authorization_server_metadata",
                TAG_WALLETS,
                "Authorization Server Metadata (RFC 8414)",
                "The token endpoint of the pre-authorized code grant; no client authentication.",
                {"200": {"description": "The metadata.", **_json(_AUTHORIZATION_SERVER)}},
            )
        },
        "/credentials/oid4vci/offers/{offer_id}": {
            "get": _operation(
                "oid4vci_credential_offer",
                TAG_WALLETS,
                "A credential offer",
                "What the holder's QR code points to (`openid-credential-offer://?"
                "credential_offer_uri=...`): the pre-authorized code, while unspent and fresh.",
                {
                    "200": {"description": "The offer.", "headers": no_store, **_json(_OFFER)},
                    "404": {"description": "Spent, expired or unknown.", **_json(_DETAIL)},
                },
                parameters=[
                    {
                        "name": "offer_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"},
                    }
                ],
            )
        },
        "/credentials/oid4vci/token": {
            "post": _operation(
                "oid4vci_token",
                TAG_WALLETS,
                "Token endpoint: a pre-authorized code for an access token",
                "The code works once and for WALLET_OFFER_SECONDS, while the certification is "
                "active and held by the person the offer was made for.",
                {
                    "200": {
                        "description": "An access token.",
                        "headers": no_store,
                        **_json(_TOKEN),
                    },
                    "400": {
                        "description": "invalid_grant (unknown, spent or expired code, or the "
                        "certification not active), unsupported_grant_type, invalid_request.",
                        **_json(_OAUTH_ERROR),
                    },
                },
                requestBody={
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["grant_type", "pre-authorized_code"],
                                "properties": {
                                    "grant_type": {
                                        "type": "string",
                                        "enum": [PRE_AUTHORIZED_CODE_GRANT],
                                    },
                                    "pre-authorized_code": {"type": "string"},
                                },
                            }
                        }
                    },
                },
            )
        },
        "/credentials/oid4vci/credential": {
            "post": _operation(
                "oid4vci_credential",
                TAG_WALLETS,
                "Credential endpoint: the signed credential",
                "`Authorization: Bearer <access token>`; the body names the credential "
                "configuration (OID4VCI 1.0) or, from wallets of drafts 13-14, the format and "
                "type (the answer then also carries `credential`).",
                {
                    "200": {"description": "The credential.", **_json(_CREDENTIALS)},
                    "400": {
                        "description": "invalid_credential_request, "
                        "unknown_credential_configuration, credential_request_denied.",
                        **_json(_OAUTH_ERROR),
                    },
                    "401": {
                        "description": "invalid_token: missing, unknown or expired.",
                        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
                        **_json(_OAUTH_ERROR),
                    },
                },
                requestBody={
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "credential_configuration_id": {
                                        "type": "string",
                                        "enum": [CONFIGURATION_ID],
                                    },
                                    "format": {"type": "string", "enum": ["ldp_vc"]},
                                    "credential_definition": {"type": "object"},
                                },
                            }
                        }
                    },
                },
            )
        },
    }

"""Additions to the OpenAPI schema that no DRF view describes: the webhook events employers
receive (`employers.webhook_events`), as `x-webhooks` (the schema is OpenAPI 3.0, where
`webhooks` does not exist yet; 3.1 readers know the same object under `webhooks`); and the
digital credentials' public endpoints with the wallets' OID4VCI endpoints
(`api.schema_credentials`)."""

from api.schema_credentials import TAG_CREDENTIALS, TAG_WALLETS, credential_paths
from employers.webhook_events import openapi_webhooks


def employer_webhooks(result, generator, request, public):
    result["x-webhooks"] = openapi_webhooks()
    return result


def public_documents(result, generator, request, public):
    result["paths"] = {**result.get("paths", {}), **credential_paths()}
    tags = result.setdefault("tags", [])
    known = {tag.get("name") for tag in tags}
    tags += [
        {"name": name, "description": description}
        for name, description in (
            (TAG_CREDENTIALS, "The issuer's DID document and the status lists (no login)."),
            (
                TAG_WALLETS,
                "OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow: how "
                "a wallet app collects a holder's credential (docs/CONTRACTS.md).",
            ),
        )
        if name not in known
    ]
    return result

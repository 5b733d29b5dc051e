"""The webhook events employers receive, described once: their types and their JSON body,
as an OpenAPI 3.1 `webhooks` object (served in the API schema as `x-webhooks`, since the
schema is OpenAPI 3.0, by `api.schema_hooks`). docs/CONTRACTS.md, "Webhook events"."""

from typing import Any

from employers.models import ChangeKind

TEST_EVENT = "webhook.test"
EVENT_TYPES = [f"certification.{kind}" for kind in ChangeKind.values] + [TEST_EVENT]

_DESCRIPTIONS = {
    "suspended": "The issuing county suspended the certification.",
    "suspension_lifted": "The suspension was lifted: active again (or expired, if its "
    "date passed).",
    "reinstated": "An expired certification was reinstated: active for 2 years from today.",
    "revoked": "The certification was revoked (final).",
    "expired": "The certification was not renewed by its expiry date.",
    "renewed": "The certification was renewed: `expires_on` is the new date, "
    "`previous_expires_on` the old one.",
    "vacated": "Not renewed within 4 years of expiry: vacated (final).",
    "specialization_added": "An area of specialization (`specialization`) was added.",
    "public_action": "A public action of a disciplinary case (reserved).",
    "expiring": "The certification expires in `days_before` days (60 and 30 unless the "
    "operator set EMPLOYER_EXPIRY_NOTICE_DAYS otherwise).",
    "exclusion_confirmed": "The county confirmed the peer is on a federal or Medi-Cal "
    "exclusion list (`exclusion`: list, excluded_on).",
}

HEADERS = {
    "webhook-id": "The message id (`msg_...`), the same on every attempt: drop duplicates.",
    "webhook-timestamp": "Seconds since the epoch when this attempt was signed.",
    "webhook-signature": "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the "
    "endpoint's secret (`whsec_...`); verify with a Standard Webhooks library.",
}

PAYLOAD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "timestamp", "data"],
    "properties": {
        "type": {"type": "string", "enum": EVENT_TYPES},
        "timestamp": {"type": "string", "format": "date-time"},
        "data": {
            "type": "object",
            "description": "Public registry facts only.",
            "properties": {
                "certification_number": {"type": "string", "example": "PSS-0001000"},
                "first_name": {"type": "string"},
                "last_name": {"type": "string"},
                "status": {
                    "type": "string",
                    "enum": ["active", "suspended", "revoked", "expired", "vacated"],
                },
                "previous_status": {"type": "string"},
                "issued_on": {"type": "string", "format": "date"},
                "expires_on": {"type": "string", "format": "date"},
                "previous_expires_on": {"type": "string", "format": "date"},
                "issuing_county": {
                    "type": "object",
                    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                },
                "specializations": {"type": "array", "items": {"type": "string"}},
                "specialization": {"type": "string"},
                "days_before": {"type": "integer", "enum": [60, 30]},
                "exclusion": {
                    "type": "object",
                    "properties": {
                        "list": {"type": "string", "enum": ["oig_leie", "medi_cal_si"]},
                        "excluded_on": {"type": "string", "format": "date"},
                    },
                },
                "verify_url": {"type": "string", "format": "uri"},
            },
        },
    },
}


def openapi_webhooks() -> dict[str, Any]:
    """One OpenAPI path item per event type: a POST to the employer's endpoint."""
    parameters = [
        {
            "name": name,
            "in": "header",
            "required": True,
            "description": description,
            "schema": {"type": "string"},
        }
        for name, description in HEADERS.items()
    ]
    webhooks = {}
    for event_type in EVENT_TYPES:
        kind = event_type.split(".", 1)[1]
        webhooks[event_type] = {
            "post": {
                "summary": event_type,
                "description": _DESCRIPTIONS.get(kind, "A test event sent from the webhooks page."),
                "parameters": parameters,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": PAYLOAD_SCHEMA}},
                },
                "responses": {
                    "2XX": {"description": "Received. Anything else is retried with backoff."}
                },
            }
        }
    return webhooks

"""Additions to the OpenAPI schema that no view describes: the webhook events employers
receive (`employers.webhook_events`), as `x-webhooks` (the schema is OpenAPI 3.0, where
`webhooks` does not exist yet; 3.1 readers know the same object under `webhooks`)."""

from employers.webhook_events import openapi_webhooks


def employer_webhooks(result, generator, request, public):
    result["x-webhooks"] = openapi_webhooks()
    return result

"""The link a wallet follows to collect a credential: the QR code on the holder's page holds
a signed, short-lived URL naming the certification and its holder, so a phone's wallet can
fetch the credential without the holder's session. A link outlives neither its 15 minutes
nor the holder's certification staying active."""

from django.core import signing

from certification.models import Certification

OFFER_MAX_AGE_SECONDS = 15 * 60
_SALT = "credentials.offer"


def offer_token(certification: Certification) -> str:
    return signing.dumps({"c": certification.pk, "h": certification.holder_id}, salt=_SALT)


def offer_certification(token: str) -> Certification | None:
    """The certification a valid, unexpired token names (still held by the same person), or
    None."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=OFFER_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    return (
        Certification.objects.select_related("issuing_county", "holder")
        .filter(pk=payload.get("c"), holder_id=payload.get("h"))
        .first()
    )

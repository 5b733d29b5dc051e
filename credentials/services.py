"""Issuing a certification's verifiable credential and keeping the status lists signed.

Status lists are never stale: `status_list_current` builds the list's bits from the
certifications' statuses as committed at the moment of the request, in one query, and signs
the list again whenever those bits differ from the last signed copy. A suspension, a lifted
suspension or a revocation is therefore in the very next fetch of the list, with no job in
between that could lag or be lost; a fetch of an unchanged list serves the stored copy.
"""

import datetime
import json
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from certification.models import Certification, CertificationStatus
from core.errors import DomainError
from credentials import documents
from credentials.keys import issuer_keys
from credentials.models import CredentialStatusEntry, SignedStatusList, StatusPurpose
from credentials.proofs import proof_add

# The status each list's set bit stands for.
PURPOSE_STATUS: dict[str, str] = {
    StatusPurpose.REVOCATION: CertificationStatus.REVOKED,
    StatusPurpose.SUSPENSION: CertificationStatus.SUSPENDED,
}
_DRAWS_PER_POSITION = 50


def _signing_key():
    key = issuer_keys().current
    if key is None:
        raise DomainError(
            _("Digital credentials are not available yet: the program has no issuer key."),
            code="conflict",
        )
    return key


def _position_draw(certification: Certification) -> CredentialStatusEntry:
    """A free position drawn at random in the open list (the next list once it is half
    full). Called with the certification row locked."""
    latest = CredentialStatusEntry.objects.aggregate(latest=Max("list_number"))["latest"] or 0
    if (
        CredentialStatusEntry.objects.filter(list_number=latest).count()
        >= documents.STATUS_LIST_LENGTH // 2
    ):
        latest += 1
    for _attempt in range(_DRAWS_PER_POSITION):
        try:
            with transaction.atomic():
                return CredentialStatusEntry.objects.create(
                    certification=certification,
                    list_number=latest,
                    index=secrets.randbelow(documents.STATUS_LIST_LENGTH),
                )
        except IntegrityError:
            continue
    raise DomainError(_("No free status list position; try again."), code="conflict")


def credential_issue(
    *, actor: User, certification: Certification, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """The signed Open Badges 3.0 credential of the holder's active certification. Only the
    holder may ask (PermissionDenied otherwise); another status is a conflict. The first
    credential of a certification gives it its status list position."""
    if not actor.is_authenticated or certification.holder_id != actor.pk:
        raise PermissionDenied("Only the holder receives the certification's credential.")
    key = _signing_key()
    now = now or timezone.now()
    with transaction.atomic():
        certification = (
            Certification.objects.select_for_update(of=("self",))
            .select_related("issuing_county")
            .get(pk=certification.pk)
        )
        if certification.status != CertificationStatus.ACTIVE:
            raise DomainError(
                _("Only an active certification can be downloaded as a digital credential."),
                code="conflict",
            )
        entry = CredentialStatusEntry.objects.filter(certification=certification).first()
        if entry is None:
            entry = _position_draw(certification)
        unsigned = documents.open_badge_credential(
            certification, list_number=entry.list_number, index=entry.index
        )
        credential = proof_add(unsigned, key=key, created=documents.xml_datetime(now))
        audit_record(
            actor=actor,
            verb="credential_issue",
            obj=certification,
            county=certification.issuing_county,
            subject=actor,
            data={"credential_id": credential["id"], "key_id": key.key_id},
        )
    return credential


def _set_indexes(purpose: str, list_number: int) -> list[int]:
    return list(
        CredentialStatusEntry.objects.filter(
            list_number=list_number, certification__status=PURPOSE_STATUS[purpose]
        )
        .order_by("index")
        .values_list("index", flat=True)
    )


def status_list_seal(
    purpose: str, list_number: int, encoded: str, credential: dict[str, Any]
) -> str:
    """The HMAC binding a stored signed copy to the list and bits it was signed for. Keyed
    from SECRET_KEY: a row written with the database's privileges alone (an old signed copy
    put back, a changed byte) never matches, and the list is signed again from the committed
    statuses."""
    copy = json.dumps(credential, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return salted_hmac(
        "credentials.status_list",
        f"{purpose}\n{list_number}\n{encoded}\n{copy}",
        algorithm="sha256",
    ).hexdigest()


def status_list_current(*, purpose: str, list_number: int) -> dict[str, Any] | None:
    """The signed status list credential of `purpose` and `list_number` as of now, or None
    for a list that does not exist (no position given in it yet). Signed again when its bits
    changed, when the current key did (a rotated key signs the lists from then on), or when
    the stored copy's seal does not match it."""
    if purpose not in PURPOSE_STATUS:
        return None
    if not CredentialStatusEntry.objects.filter(list_number=list_number).exists():
        return None
    encoded = documents.encoded_list(_set_indexes(purpose, list_number))
    key = _signing_key()
    signed = SignedStatusList.objects.filter(purpose=purpose, list_number=list_number).first()
    if (
        signed is not None
        and isinstance(signed.credential, dict)
        # The seal first: a copy it covers is one this code stored, proof and all.
        and constant_time_compare(
            signed.seal, status_list_seal(purpose, list_number, encoded, signed.credential)
        )
        and signed.credential["proof"]["verificationMethod"] == key.verification_method
    ):
        return signed.credential
    now = timezone.now()
    credential = proof_add(
        documents.status_list_credential(purpose, list_number, encoded=encoded, valid_from=now),
        key=key,
        created=documents.xml_datetime(now),
    )
    try:
        with transaction.atomic():
            SignedStatusList.objects.update_or_create(
                purpose=purpose,
                list_number=list_number,
                defaults={
                    "seal": status_list_seal(purpose, list_number, encoded, credential),
                    "credential": credential,
                    "signed_at": now,
                },
            )
    except IntegrityError:
        # Another request stored its first copy of this list at the same moment: both
        # signed the same bits; either copy is right.
        pass
    return credential

"""Checking a pasted credential: is it authentic (a valid `eddsa-rdfc-2022` proof by one of
this program's keys, current or retired, naming this site's issuer) and is it current (inside
its validity dates, and neither its revocation nor its suspension bit set in the status lists
as they are now). Reads only; never raises for bad input: every problem is a readable reason.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Certification
from certification.selectors import certification_by_number_public
from credentials.documents import status_list_url
from credentials.jsonld import CREDENTIALS_V2
from credentials.keys import issuer_did, issuer_keys
from credentials.models import CredentialStatusEntry
from credentials.proofs import proof_check
from credentials.services import PURPOSE_STATUS

_STATUS_URL = re.compile(r"(?P<purpose>revocation|suspension)/(?P<list>[0-9]{1,9})")


@dataclass
class CredentialVerdict:
    authentic: bool = False
    current: bool = False
    problems: list[str] = field(default_factory=list)
    holder_name: str = ""
    certification_number: str = ""
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    certification: Certification | None = None


def _moment(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _status_problems(credential: dict[str, Any]) -> list[str]:
    entries = credential.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries]
    purposes: dict[str, tuple[int, int]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            continue
        url = entry.get("statusListCredential")
        match = _STATUS_URL.fullmatch(
            url.removeprefix(f"{settings.SITE_URL}/credentials/status/")
            if isinstance(url, str)
            else ""
        )
        index = str(entry.get("statusListIndex", ""))
        if (
            match is None
            or url != status_list_url(match["purpose"], int(match["list"]))
            or match["purpose"] != entry.get("statusPurpose")
            or not index.isdigit()
        ):
            return [_("Its status entries do not point to this program's status lists.")]
        purposes[match["purpose"]] = (int(match["list"]), int(index))
    if set(purposes) != set(PURPOSE_STATUS):
        return [_("It lacks a revocation or a suspension status entry.")]
    problems = []
    for purpose, (list_number, index) in purposes.items():
        entry = (
            CredentialStatusEntry.objects.filter(list_number=list_number, index=index)
            .select_related("certification")
            .first()
        )
        if entry is None:
            return [_("Its status entries do not point to this program's status lists.")]
        if entry.certification.status == PURPOSE_STATUS[purpose]:
            problems.append(
                _("It has been revoked.") if purpose == "revocation" else _("It is suspended.")
            )
    return problems


def credential_verify(
    credential: Any, *, now: datetime.datetime | None = None
) -> CredentialVerdict:
    """The verdict on `credential` (parsed JSON) at `now`."""
    verdict = CredentialVerdict()
    if not isinstance(credential, dict):
        verdict.problems.append(_("This is not a credential: expected a JSON object."))
        return verdict
    context = credential.get("@context")
    types = credential.get("type")
    if (
        not isinstance(context, list)
        or not context
        or context[0] != CREDENTIALS_V2
        or not isinstance(types, list)
        or "VerifiableCredential" not in types
    ):
        verdict.problems.append(_("This is not a W3C Verifiable Credential 2.0."))
        return verdict
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != issuer_did():
        verdict.problems.append(_("It was not issued by this program."))
        return verdict
    check = proof_check(credential, keys=issuer_keys())
    if not check.valid:
        verdict.problems.append(check.problem)
        return verdict
    verdict.authentic = True
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    verdict.holder_name = str(subject.get("name", ""))
    verdict.certification_number = str(subject.get("licenseNumber", ""))
    verdict.certification = certification_by_number_public(verdict.certification_number)
    verdict.valid_from = _moment(credential.get("validFrom"))
    verdict.valid_until = _moment(credential.get("validUntil"))
    now = now or timezone.now()
    if verdict.valid_from is not None and now < verdict.valid_from:
        verdict.problems.append(_("It is not valid yet."))
    if verdict.valid_until is not None and now > verdict.valid_until:
        verdict.problems.append(_("It has expired: its validity period has ended."))
    verdict.problems.extend(_status_problems(credential))
    verdict.current = not verdict.problems
    return verdict

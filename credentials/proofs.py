"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C Data Integrity EdDSA
Cryptosuites v1.0, section 3.2): RDFC-1.0 canonicalization, SHA-256, Ed25519.

Signing: the proof options (the proof without `proofValue`, with the document's `@context`)
and the document without its proof are each canonicalized and hashed; the signature covers
hash(options) followed by hash(document) and is written base58btc (`z...`).
"""

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from django.utils.translation import gettext as _

from core.errors import DomainError
from credentials.jsonld import canonize
from credentials.keys import IssuerKey, IssuerKeys

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


def _hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    options = {**proof_options, "@context": document["@context"]}
    return (
        hashlib.sha256(canonize(options).encode()).digest()
        + hashlib.sha256(canonize(document).encode()).digest()
    )


def proof_add(document: dict[str, Any], *, key: IssuerKey, created: str) -> dict[str, Any]:
    """`document` with an `assertionMethod` proof by `key` (`created`: XML Schema dateTime,
    UTC, whole seconds)."""
    if key.private_key is None:
        raise DomainError(_("This issuer key has no secret: it can verify, not sign."))
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": key.verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.private_key.sign(_hash_data(document, options))
    return {
        **document,
        "proof": {**options, "proofValue": "z" + base58.b58encode(signature).decode()},
    }


@dataclass(frozen=True)
class ProofCheck:
    valid: bool
    key: IssuerKey | None
    problem: str = ""


def proof_check(document: dict[str, Any], *, keys: IssuerKeys) -> ProofCheck:
    """Whether `document` carries a valid `eddsa-rdfc-2022` assertion proof by one of `keys`.
    Never raises for bad input: a problem is a readable reason."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return ProofCheck(False, None, _("The credential has no proof (or more than one)."))
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return ProofCheck(False, None, _("The proof is not an eddsa-rdfc-2022 proof."))
    if proof.get("proofPurpose") != "assertionMethod":
        return ProofCheck(False, None, _("The proof is not an assertion by the issuer."))
    key = keys.find(proof.get("verificationMethod"))
    if key is None:
        return ProofCheck(False, None, _("The proof was not made with one of this program's keys."))
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return ProofCheck(False, key, _("The proof value is not base58btc multibase."))
    try:
        signature = base58.b58decode(value[1:])
    except ValueError:
        return ProofCheck(False, key, _("The proof value is not base58btc multibase."))
    unsigned = copy.deepcopy(document)
    del unsigned["proof"]
    options = {name: part for name, part in proof.items() if name != "proofValue"}
    options.pop("@context", None)
    try:
        key.public_key.verify(signature, _hash_data(unsigned, options))
    except InvalidSignature:
        return ProofCheck(False, key, _("The signature does not match the credential."))
    except DomainError as exc:
        return ProofCheck(False, key, exc.message)
    return ProofCheck(True, key)

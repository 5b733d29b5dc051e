"""The program's issuer keys, from configuration only (a file or a secret in the environment,
never a database row), and the site's `did:web` identifier.

`VC_ISSUER_KEYS` (JSON text) or `VC_ISSUER_KEYS_FILE` (a path to the same JSON) holds:

    {"current": "key-2026",
     "keys": [{"id": "key-2026", "secretKeyMultibase": "z3u2..."},
              {"id": "key-2024", "publicKeyMultibase": "z6Mk..."}]}

Ed25519 keys in Multikey form (base58btc, multicodec 0xed01 public / 0x8026 secret). `current`
signs; every listed key stays in the DID document, so credentials signed by a retired key
still verify. Rotation: generate a key (`manage.py vc_issuer_key_generate`), add it, make it
`current`, and keep the old one (its public half is enough). Without configuration and with
DEBUG on, a development key derived from SECRET_KEY is used so the local site works; with
DEBUG off and no keys, credentials are not offered.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_ED25519_PUBLIC = b"\xed\x01"
_ED25519_SECRET = b"\x80\x26"
DEVELOPMENT_KEY_ID = "development"


@dataclass(frozen=True)
class IssuerKey:
    key_id: str
    public_key: Ed25519PublicKey
    private_key: Ed25519PrivateKey | None

    @property
    def public_key_multibase(self) -> str:
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return "z" + base58.b58encode(_ED25519_PUBLIC + raw).decode()

    @property
    def verification_method(self) -> str:
        return f"{issuer_did()}#{self.key_id}"


@dataclass(frozen=True)
class IssuerKeys:
    current: IssuerKey | None
    keys: tuple[IssuerKey, ...]

    def find(self, verification_method: str) -> IssuerKey | None:
        for key in self.keys:
            if key.verification_method == verification_method:
                return key
        return None


def _multibase_bytes(value: str, prefix: bytes) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ImproperlyConfigured("Issuer keys are base58btc multibase text starting with 'z'.")
    raw = base58.b58decode(value[1:])
    if not raw.startswith(prefix) or len(raw) != len(prefix) + 32:
        raise ImproperlyConfigured("An issuer key is not an Ed25519 Multikey.")
    return raw[len(prefix) :]


def secret_key_multibase(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + base58.b58encode(_ED25519_SECRET + raw).decode()


def _key_from_entry(entry: dict) -> IssuerKey:
    key_id = entry.get("id")
    if not isinstance(key_id, str) or not key_id or not key_id.replace("-", "").isalnum():
        raise ImproperlyConfigured("Each issuer key needs an id of letters, digits and hyphens.")
    if "secretKeyMultibase" in entry:
        private = Ed25519PrivateKey.from_private_bytes(
            _multibase_bytes(entry["secretKeyMultibase"], _ED25519_SECRET)
        )
        return IssuerKey(key_id, private.public_key(), private)
    public = Ed25519PublicKey.from_public_bytes(
        _multibase_bytes(entry.get("publicKeyMultibase"), _ED25519_PUBLIC)
    )
    return IssuerKey(key_id, public, None)


def _configured_text() -> str | None:
    if settings.VC_ISSUER_KEYS:
        return settings.VC_ISSUER_KEYS
    if settings.VC_ISSUER_KEYS_FILE:
        return Path(settings.VC_ISSUER_KEYS_FILE).read_text()
    return None


def _development_keys() -> IssuerKeys:
    seed = hashlib.sha256(b"peercert-vc-development-key:" + settings.SECRET_KEY.encode()).digest()
    private = Ed25519PrivateKey.from_private_bytes(seed)
    key = IssuerKey(DEVELOPMENT_KEY_ID, private.public_key(), private)
    return IssuerKeys(current=key, keys=(key,))


@cache
def _parse(text: str) -> IssuerKeys:
    try:
        config = json.loads(text)
        entries = config["keys"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(
            'VC_ISSUER_KEYS must be JSON: {"current": id, "keys": [...]}.'
        ) from exc
    keys = tuple(_key_from_entry(entry) for entry in entries)
    if len({key.key_id for key in keys}) != len(keys):
        raise ImproperlyConfigured("Issuer key ids must be unique.")
    current = next((key for key in keys if key.key_id == config.get("current")), None)
    if current is None or current.private_key is None:
        raise ImproperlyConfigured("The current issuer key must be listed with its secret.")
    return IssuerKeys(current=current, keys=keys)


def issuer_keys() -> IssuerKeys:
    """The configured keys (parsed once per configuration text)."""
    text = _configured_text()
    if text is not None:
        return _parse(text)
    if settings.DEBUG:
        return _development_keys()
    return IssuerKeys(current=None, keys=())


def issuer_did() -> str:
    """`did:web` of the site named by SITE_URL: the host, a port percent-encoded, a path as
    colon-separated segments (DID Web method, "Create")."""
    parts = urlsplit(settings.SITE_URL)
    did = "did:web:" + quote(parts.netloc, safe="")
    path = parts.path.strip("/")
    if path:
        did += ":" + ":".join(quote(segment, safe="") for segment in path.split("/"))
    return did

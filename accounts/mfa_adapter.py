"""Second factors encrypted at rest (settings.MFA_ADAPTER; SECURITY.md, "Accounts").

allauth stores each TOTP secret and recovery-code seed in `mfa_authenticator.data` through
its adapter's `encrypt`/`decrypt`. Here they are Fernet tokens (AES-128-CBC with an HMAC,
from the `cryptography` library) under `MFA_ENCRYPTION_KEY` (from the configuration; derived
from SECRET_KEY when unset), prefixed `fernet:`. A copy of the database, or a SELECT injected
into the application, gives no one the second factors. Values stored in the clear before
(`accounts.0002_mfa_secrets_encrypted` encrypts them) are still read.
"""

import base64

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.crypto import salted_hmac

PREFIX = "fernet:"


def _fernet() -> Fernet:
    key = getattr(settings, "MFA_ENCRYPTION_KEY", "")
    if not key:
        digest = salted_hmac("accounts.mfa.encryption_key", "v1", algorithm="sha256").digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def secret_encrypt(text: str) -> str:
    if text.startswith(PREFIX):
        return text
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def secret_decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # stored in the clear before encryption at rest
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ValueError(
            "A second factor cannot be decrypted: MFA_ENCRYPTION_KEY (or SECRET_KEY) is not "
            "the key it was stored with."
        ) from error


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)

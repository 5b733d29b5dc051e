"""TOTP secrets and recovery-code seeds are encrypted at rest with a key from the
configuration (SECURITY.md, "Accounts"): a copy of the database (a backup, an injected
SELECT) does not give anyone the second factors."""

import importlib
import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.accounts.mfa_helpers import enrol_totp, sign_in, totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0002_mfa_secrets_encrypted")


def _stored(authenticator_id: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE id = %s", [authenticator_id])
        return json.loads(cursor.fetchone()[0])


def test_an_enrolled_secret_is_stored_encrypted_and_still_signs_in(client):
    person = UserFactory(email="peer@example.org")
    sign_in(client, person.email)
    secret = enrol_totp(client)

    totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    codes = Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)
    stored_secret = _stored(totp.pk)["secret"]
    stored_seed = _stored(codes.pk)["seed"]
    assert stored_secret.startswith("fernet:")
    assert secret not in stored_secret
    assert stored_seed.startswith("fernet:")

    client.post(reverse("account_logout"))
    assert sign_in(client, person.email)["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_another_key_cannot_read_them(settings):
    person = UserFactory(email="peer@example.org")
    totp = TOTP.activate(person, generate_totp_secret())
    settings.MFA_ENCRYPTION_KEY = "x" * 43 + "="

    with pytest.raises(ValueError, match="cannot be decrypted"):
        TOTP(totp.instance).validate_code("000000")


def test_the_migration_encrypts_secrets_stored_in_the_clear():
    person = UserFactory(email="peer@example.org")
    secret = generate_totp_secret()
    plain_totp = Authenticator.objects.create(
        user=person, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    plain_codes = Authenticator.objects.create(
        user=person,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "a" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )

    migration.encrypt_all(apps, None)

    assert _stored(plain_totp.pk)["secret"].startswith("fernet:")
    assert _stored(plain_codes.pk)["seed"].startswith("fernet:")
    assert all(code.startswith("fernet:") for code in _stored(plain_codes.pk)["migrated_codes"])
    assert TOTP(Authenticator.objects.get(pk=plain_totp.pk)).validate_code(totp_code(secret))
    assert (
        "12345678" in RecoveryCodes(Authenticator.objects.get(pk=plain_codes.pk)).get_unused_codes()
    )
    encrypted_once = _stored(plain_totp.pk)
    migration.encrypt_all(apps, None)  # twice: nothing is encrypted twice
    assert _stored(plain_totp.pk) == encrypted_once

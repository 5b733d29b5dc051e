"""Second factors stored in the clear before encryption at rest are encrypted
(`accounts.mfa_adapter`): TOTP secrets, recovery-code seeds and codes migrated from older
versions. Idempotent (already encrypted values are left alone); the reverse decrypts."""

from django.db import migrations

from accounts.mfa_adapter import secret_decrypt, secret_encrypt


def _transform(apps, change) -> None:
    authenticator = apps.get_model("mfa", "Authenticator")
    for row in authenticator.objects.all():
        data = dict(row.data)
        for field in ("secret", "seed"):
            if isinstance(data.get(field), str):
                data[field] = change(data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
        if data != row.data:
            row.data = data
            row.save(update_fields=["data"])


def encrypt_all(apps, schema_editor) -> None:
    _transform(apps, secret_encrypt)


def decrypt_all(apps, schema_editor) -> None:
    _transform(apps, secret_decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_all, decrypt_all)]
